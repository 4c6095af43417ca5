import { HEARTBEAT_TIMEOUT_PERIODS, READINESS_DEFAULTS } from "../../common/readiness";
import type { FleetServer, RoomDeps } from "../ports";
import { releaseRoom } from "./create-room";
import { nameKeyOf, type RoomRecord } from "./room";

export interface ReconcileReport {
  readonly removedRooms: string[];
  readonly stoppedOrphans: number;
  readonly refreshedRooms: number;
  readonly slotCount: {
    readonly before: number;
    readonly after: number;
    readonly repaired: boolean;
  };
}

/**
 * Brings the table and the fleet back into agreement, on a schedule. It
 * - removes rooms whose server is gone (a lost STOPPED event),
 * - stops and removes rooms stuck before RUNNING for longer than the limit,
 * - stops servers of ours that have no room,
 * - extends the TTL of rooms whose server is alive (TTL is only the last safety net),
 * - sets the capacity counter to the number of rooms, if no create raced it.
 *
 * The fleet is listed before the table is read: a reservation always precedes its server, so a
 * listed server's room is already in the table; rooms created after the listing are left alone.
 */
export async function reconcileRooms(deps: RoomDeps): Promise<ReconcileReport> {
  const countBefore = await deps.store.slotCount();
  const listedAt = deps.now();
  const active = await deps.fleet.listActive();
  const scanned = await deps.store.scanAll();
  // A claimed warm server's placeholder row is not a room and holds no slot; it goes once its
  // room no longer holds that server.
  const aliases = scanned.filter((r) => r.aliasOf);
  const records = scanned.filter((r) => !r.aliasOf);
  await removeStaleAliases(aliases, records, deps);
  const removedRooms: string[] = [];
  let refreshedRooms = 0;
  for (const record of records) {
    if (Date.parse(record.createdAt) >= listedAt.getTime()) continue;
    const server = active.find((s) => s.roomId === record.roomId);
    const unhealthy = server ? livenessFailure(record, deps) : undefined;
    if (!server || unhealthy || isStuck(record, deps)) {
      if (server)
        await deps.fleet.stop(server.serverId, unhealthy?.reason ?? "room stuck before RUNNING");
      // Reported once its server is told to stop, whoever then deletes the room (this run or the
      // task's STOPPED event): the reason must not depend on that race.
      if (unhealthy) reportUnhealthy(record, unhealthy, deps);
      if (await releaseRoom(record, deps)) removedRooms.push(record.name);
    } else if (await refreshTtl(record, deps)) {
      refreshedRooms++;
    }
  }
  const stoppedOrphans = await stopOrphans(active, scanned, deps);
  const remaining = records.length - removedRooms.length;
  const repaired =
    countBefore !== remaining && (await deps.store.repairSlotCount(countBefore, remaining));
  const report = {
    removedRooms,
    stoppedOrphans,
    refreshedRooms,
    // Not repaired: this run's releases (or a create) moved the counter; report it as stored.
    slotCount: {
      before: countBefore,
      after: repaired ? remaining : await deps.store.slotCount(),
      repaired,
    },
  };
  deps.log.info("reconciled", { ...report });
  deps.metrics?.count(
    "RoomsRunning",
    records.filter((r) => r.status === "RUNNING" && !removedRooms.includes(r.name)).length,
  );
  deps.metrics?.count("RoomsTotal", remaining);
  deps.metrics?.count("TasksRunning", active.length - stoppedOrphans);
  return report;
}

interface LivenessFailure {
  readonly metric: "NeverReady" | "HeartbeatLost";
  readonly reason: string;
}

/**
 * A heartbeat room whose task runs but whose server never said ready within the ready timeout,
 * or whose heartbeats stopped for the heartbeat timeout. `task` rooms (and rooms from before
 * readiness existed) are never judged by heartbeats.
 */
function livenessFailure(record: RoomRecord, deps: RoomDeps): LivenessFailure | undefined {
  if (record.readiness !== "heartbeat" || record.status === "STOPPING") return undefined;
  const now = deps.now().getTime();
  const readyTimeout = deps.settings.readyTimeoutSeconds ?? READINESS_DEFAULTS.readyTimeoutSeconds;
  const heartbeatTimeout =
    deps.settings.heartbeatTimeoutSeconds ??
    HEARTBEAT_TIMEOUT_PERIODS *
      (deps.settings.heartbeatSeconds ?? READINESS_DEFAULTS.heartbeatSeconds);
  if (!record.ready && record.taskRunningAt) {
    const waited = (now - Date.parse(record.taskRunningAt)) / 1000;
    if (waited > readyTimeout)
      return { metric: "NeverReady", reason: `server never said ready within ${readyTimeout} s` };
  }
  if (record.ready && record.heartbeatAt) {
    const silent = (now - Date.parse(record.heartbeatAt)) / 1000;
    if (silent > heartbeatTimeout)
      return { metric: "HeartbeatLost", reason: `no heartbeat for ${heartbeatTimeout} s` };
  }
  return undefined;
}

function reportUnhealthy(record: RoomRecord, failure: LivenessFailure, deps: RoomDeps) {
  deps.metrics?.count("RoomsRemoved", 1, { Reason: failure.metric });
  deps.log.warn(`room removed: ${failure.reason}`, {
    room: record.name,
    reason: failure.metric,
    ...(failure.metric === "NeverReady"
      ? {
          check:
            "the game server must call the server SDK's ready(); a game without the SDK needs serverReadiness: task",
        }
      : { check: "the server froze, lost its network, or stopped heartbeating" }),
  });
}

async function removeStaleAliases(aliases: RoomRecord[], rooms: RoomRecord[], deps: RoomDeps) {
  for (const alias of aliases) {
    const room = rooms.find((r) => nameKeyOf(r.name) === nameKeyOf(alias.aliasOf!));
    const updatedAt = Date.parse(alias.updatedAt);
    // A claim is written a moment before its room: give it the stuck limit to appear.
    const young = deps.now().getTime() - updatedAt < deps.settings.stuckAfterSeconds * 1000;
    if (room?.roomId === alias.roomId || young) continue;
    await deps.store.remove(alias.name, alias.roomId);
  }
}

function isStuck(record: RoomRecord, deps: RoomDeps): boolean {
  if (record.status === "RUNNING" || record.status === "STOPPING") return false;
  const ageSeconds = (deps.now().getTime() - Date.parse(record.createdAt)) / 1000;
  return ageSeconds > deps.settings.stuckAfterSeconds;
}

async function refreshTtl(record: RoomRecord, deps: RoomDeps): Promise<boolean> {
  if (record.status !== "RUNNING") return false;
  const expiresAt = Math.floor(deps.now().getTime() / 1000) + deps.settings.runningTtlSeconds;
  return deps.store.extendExpiry(record.name, record.roomId, expiresAt);
}

async function stopOrphans(
  active: FleetServer[],
  records: RoomRecord[],
  deps: RoomDeps,
): Promise<number> {
  const known = new Set(records.map((r) => r.roomId));
  const orphans = active.filter((server) => !known.has(server.roomId));
  for (const orphan of orphans) {
    await deps.fleet.stop(orphan.serverId, "no room for this server");
    deps.log.warn("stopped a server that had no room", { room: orphan.name });
  }
  return orphans.length;
}
