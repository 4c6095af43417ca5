import { applyTaskStateChange } from "../../handlers/rooms/apply-task-state-change";
import fixture from "../fixtures/ecs-task-state-change.running.json";
import type { TestDeps } from "./room-deps";

export interface TaskEventFacts {
  readonly taskArn: string;
  readonly roomId: string;
  readonly roomName: string;
  readonly lastStatus: string;
  readonly desiredStatus?: string;
  readonly version: number;
  readonly stopCode?: string;
}

/** A real-shaped "ECS Task State Change" event (from the fixture) with the given facts. */
export function taskEvent(facts: TaskEventFacts): Record<string, unknown> {
  const event = structuredClone(fixture) as typeof fixture & { detail: Record<string, unknown> };
  const detail = event.detail;
  Object.assign(detail, {
    taskArn: facts.taskArn,
    lastStatus: facts.lastStatus,
    desiredStatus: facts.desiredStatus ?? (facts.lastStatus === "STOPPED" ? "STOPPED" : "RUNNING"),
    version: facts.version,
    startedBy: `room/${facts.roomId}`,
    overrides: {
      containerOverrides: [
        { name: "game", environment: [{ name: "ROOM_NAME", value: facts.roomName }] },
      ],
    },
  });
  if (facts.stopCode) detail.stopCode = facts.stopCode;
  event.resources = [facts.taskArn];
  return event;
}

/** The life of one task, as ECS reports it: versions increase with each change. */
export function taskLifecycle(
  base: Omit<TaskEventFacts, "lastStatus" | "version" | "desiredStatus">,
) {
  return [
    taskEvent({ ...base, lastStatus: "PROVISIONING", version: 1 }),
    taskEvent({ ...base, lastStatus: "PENDING", version: 2 }),
    taskEvent({ ...base, lastStatus: "RUNNING", version: 3 }),
    taskEvent({
      ...base,
      lastStatus: "RUNNING",
      desiredStatus: "STOPPED",
      version: 4,
      stopCode: "TerminationNotice",
    }),
    taskEvent({ ...base, lastStatus: "STOPPED", version: 5, stopCode: "EssentialContainerExited" }),
  ];
}

/** Applies the RUNNING event of the memory fleet's server for a room, as ECS would send it. */
export async function markRunning(deps: TestDeps, name: string, version = 3) {
  const started = deps.fleet.started.find((s) => s.name === name);
  if (!started) throw new Error(`no server was started for ${name}`);
  await applyTaskStateChange(
    taskEvent({
      taskArn: started.serverId,
      roomId: started.roomId,
      roomName: name,
      lastStatus: "RUNNING",
      version,
    }),
    deps,
  );
  return started;
}
