import type { RoomDeps } from "../ports";
import { releaseRoom } from "./create-room";
import type { RoomRecord } from "./room";
import { serverRoom } from "./server-room";
import { parseTaskStateChange, phaseOf, type TaskStateChange } from "./task-state-change";

export type ChangeOutcome = "applied" | "removed" | "ignored";

/**
 * Applies one "ECS Task State Change" event to the rooms table. Events arrive at least once and
 * out of order, so each is applied only if its `detail.version` is newer than the last applied,
 * and a stopped task's room is deleted for good: later or repeated events find no row.
 * Events of tasks we do not know are ignored and never throw.
 */
export async function applyTaskStateChange(event: unknown, deps: RoomDeps): Promise<ChangeOutcome> {
  const change = parseTaskStateChange(event);
  if (!change) return "ignored";
  if (!deps.updater) throw new Error("task_events needs deps.updater");
  // A heartbeat may flip `ready` between our read and write: then read again and redo.
  for (let attempt = 0; attempt < 3; attempt++) {
    const outcome = await applyOnce(change, deps);
    if (outcome !== "retry") return outcome;
  }
  return "ignored";
}

async function applyOnce(
  change: TaskStateChange,
  deps: RoomDeps,
): Promise<ChangeOutcome | "retry"> {
  const { record, alias } = await serverRoom(change.roomName, deps);
  if (!belongsTo(record, change)) {
    deps.log.info("state change of an unknown task ignored", {
      room: change.roomName,
      lastStatus: change.lastStatus,
    });
    return "ignored";
  }
  const phase = phaseOf(change);
  if (phase === "STOPPED") {
    // A claimed warm server's placeholder goes with its room; it holds no slot of its own.
    if (alias) await deps.store.remove(alias.name, alias.roomId);
    const removed = record.aliasOf
      ? await deps.store.remove(record.name, record.roomId)
      : await releaseRoom(record, deps);
    if (removed)
      deps.log.info("room removed: its server stopped", {
        room: record.name,
        stopCode: change.stopCode,
      });
    return removed ? "removed" : "ignored";
  }
  if ((record.eventVersion ?? -1) >= change.version) return "ignored";
  const address = phase === "RUNNING" ? await addressOf(record, change, deps) : undefined;
  if (phase === "RUNNING" && !address) {
    deps.log.warn("running server has no public address yet", { room: record.name });
    return "ignored";
  }
  // A heartbeat room is RUNNING only once its server has also said ready.
  const gated = phase === "RUNNING" && record.readiness === "heartbeat";
  const status = gated && !record.ready ? "PENDING" : phase;
  const now = deps.now();
  const ttl =
    phase === "RUNNING" ? deps.settings.runningTtlSeconds : deps.settings.provisioningTtlSeconds;
  const applied = await deps.updater!.applyState(record.name, record.roomId, {
    status,
    serverId: change.serverId,
    eventVersion: change.version,
    ...(address ?? {}),
    ...(record.version ? { version: record.version } : {}),
    updatedAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + ttl,
    ...(phase === "RUNNING" ? { taskRunning: true, taskRunningAt: now.toISOString() } : {}),
    ...(gated ? { readySeen: record.ready === true } : {}),
    ...(record.warm ? { warm: true } : {}),
  });
  if (!applied) return gated ? "retry" : "ignored";
  if (status === "RUNNING")
    deps.log.info("room running", { room: record.name, port: address?.port });
  if (gated && status === "PENDING")
    deps.log.info("task running; waiting for the server to say ready", { room: record.name });
  return "applied";
}

function belongsTo(record: RoomRecord | undefined, change: TaskStateChange): record is RoomRecord {
  if (!record || record.roomId !== change.roomId) return false;
  return record.serverId === undefined || record.serverId === change.serverId;
}

/** The public address is looked up once per server; repeated RUNNING events reuse it. */
async function addressOf(record: RoomRecord, change: TaskStateChange, deps: RoomDeps) {
  if (record.status === "RUNNING" && record.ip) return { ip: record.ip, port: record.port };
  return deps.fleet.resolveAddress({
    serverId: change.serverId,
    networkInterfaceId: change.networkInterfaceId,
  });
}
