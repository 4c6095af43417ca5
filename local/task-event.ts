import { ROOM_NAME_ENV, STARTED_BY_PREFIX } from "../common/env-names";

/** What a task state change says about one local server. */
export interface LocalTaskChange {
  readonly serverId: string;
  readonly roomId: string;
  readonly name: string;
  readonly lastStatus: "PENDING" | "RUNNING" | "STOPPED";
  readonly version: number;
  /** For STOPPED: the ECS stop code and a reason a player could read. */
  readonly stopCode?: string;
  readonly stoppedReason?: string;
}

/** The change in the shape of an ECS "Task State Change" event, so the same use case applies it. */
export function taskStateChangeEvent(change: LocalTaskChange): Record<string, unknown> {
  return {
    "detail-type": "ECS Task State Change",
    source: "local.godot-rooms",
    detail: {
      taskArn: change.serverId,
      clusterArn: "local:cluster/godot-rooms",
      lastStatus: change.lastStatus,
      desiredStatus: change.lastStatus === "STOPPED" ? "STOPPED" : "RUNNING",
      startedBy: `${STARTED_BY_PREFIX}${change.roomId}`,
      version: change.version,
      overrides: {
        containerOverrides: [
          { name: "game", environment: [{ name: ROOM_NAME_ENV, value: change.name }] },
        ],
      },
      ...(change.stopCode ? { stopCode: change.stopCode } : {}),
      ...(change.stoppedReason ? { stoppedReason: change.stoppedReason } : {}),
    },
  };
}

/** The room name and stop reason of a STOPPED change made by taskStateChangeEvent, if it is one. */
export function stoppedRoomOf(
  event: Record<string, unknown>,
): { name: string; stoppedReason: string } | undefined {
  const detail = event.detail as {
    lastStatus?: string;
    stoppedReason?: string;
    overrides?: { containerOverrides?: { environment?: { value?: string }[] }[] };
  };
  const name = detail.overrides?.containerOverrides?.[0]?.environment?.[0]?.value;
  if (detail.lastStatus !== "STOPPED" || !name || !detail.stoppedReason) return undefined;
  return { name, stoppedReason: detail.stoppedReason };
}

/** The server name (ROOM_NAME), status and stop code of a change made by taskStateChangeEvent. */
export function taskChangeOf(event: Record<string, unknown>): {
  name: string;
  lastStatus?: string;
  stopCode?: string;
} {
  const detail = (event.detail ?? {}) as {
    lastStatus?: string;
    stopCode?: string;
    overrides?: { containerOverrides?: { environment?: { value?: string }[] }[] };
  };
  return {
    name: detail.overrides?.containerOverrides?.[0]?.environment?.[0]?.value ?? "",
    ...(detail.lastStatus ? { lastStatus: detail.lastStatus } : {}),
    ...(detail.stopCode ? { stopCode: detail.stopCode } : {}),
  };
}
