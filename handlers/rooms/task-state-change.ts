import { ROOM_NAME_ENV, roomIdFromStartedBy } from "../../common/env-names";

/** The facts of an "ECS Task State Change" event that the room service acts on. */
export interface TaskStateChange {
  readonly serverId: string;
  readonly clusterArn: string;
  readonly roomId: string;
  readonly roomName: string;
  readonly lastStatus: string;
  readonly desiredStatus: string;
  readonly version: number;
  readonly networkInterfaceId?: string;
  readonly stopCode?: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/**
 * Reads an EventBridge "ECS Task State Change" event. Returns undefined for anything that is not
 * a state change of a task this service started: other detail types, other tasks, bad shapes.
 * Tags are not in these events, so our tasks are recognised by `startedBy`, and the room name
 * by the container override that told the server its name.
 */
export function parseTaskStateChange(event: unknown): TaskStateChange | undefined {
  if (
    !isObject(event) ||
    event["detail-type"] !== "ECS Task State Change" ||
    !isObject(event.detail)
  )
    return undefined;
  const detail = event.detail;
  const { taskArn, clusterArn, startedBy, lastStatus, desiredStatus, version, stopCode } = detail;
  if (typeof taskArn !== "string" || typeof clusterArn !== "string") return undefined;
  if (typeof lastStatus !== "string" || typeof desiredStatus !== "string") return undefined;
  if (typeof version !== "number" || !Number.isInteger(version)) return undefined;
  const roomName = roomNameFromOverrides(detail.overrides);
  const roomId = roomIdFromStartedBy(startedBy);
  if (!roomName || !roomId) return undefined;
  const networkInterfaceId = networkInterfaceOf(detail.attachments);
  return {
    serverId: taskArn,
    clusterArn,
    roomId,
    roomName,
    lastStatus,
    desiredStatus,
    version,
    ...(networkInterfaceId ? { networkInterfaceId } : {}),
    ...(typeof stopCode === "string" ? { stopCode } : {}),
  };
}

function roomNameFromOverrides(overrides: unknown): string | undefined {
  if (!isObject(overrides)) return undefined;
  for (const container of asArray(overrides.containerOverrides)) {
    if (!isObject(container)) continue;
    for (const variable of asArray(container.environment)) {
      if (
        isObject(variable) &&
        variable.name === ROOM_NAME_ENV &&
        typeof variable.value === "string"
      ) {
        return variable.value;
      }
    }
  }
  return undefined;
}

/** Events call the attachment "eni" (DescribeTasks says "ElasticNetworkInterface"). */
function networkInterfaceOf(attachments: unknown): string | undefined {
  for (const attachment of asArray(attachments)) {
    if (
      !isObject(attachment) ||
      (attachment.type !== "eni" && attachment.type !== "ElasticNetworkInterface")
    )
      continue;
    for (const detail of asArray(attachment.details)) {
      if (
        isObject(detail) &&
        detail.name === "networkInterfaceId" &&
        typeof detail.value === "string"
      ) {
        return detail.value;
      }
    }
  }
  return undefined;
}

// Arrays, not Sets: Pulumi's closure serializer cannot capture a Set's contents.
const STOPPED_STATUSES: readonly string[] = ["STOPPED", "DELETED"];
const STOPPING_STATUSES: readonly string[] = ["DEACTIVATING", "STOPPING", "DEPROVISIONING"];

export type TaskPhase = "PROVISIONING" | "PENDING" | "RUNNING" | "STOPPING" | "STOPPED";

/** Where the task is, in room terms. A RUNNING task whose desired status is STOPPED (a Spot
 * termination notice, or a stop) is already stopping. */
export function phaseOf(change: Pick<TaskStateChange, "lastStatus" | "desiredStatus">): TaskPhase {
  if (STOPPED_STATUSES.includes(change.lastStatus)) return "STOPPED";
  if (STOPPING_STATUSES.includes(change.lastStatus) || change.desiredStatus === "STOPPED")
    return "STOPPING";
  if (change.lastStatus === "RUNNING") return "RUNNING";
  if (change.lastStatus === "PROVISIONING") return "PROVISIONING";
  return "PENDING";
}
