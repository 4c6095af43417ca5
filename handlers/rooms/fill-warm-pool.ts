import type { RoomDeps } from "../ports";
import { newRecord, recordServer, startServer } from "./create-room";
import { hasCode } from "./errors";
import { hashOwnerToken, hashRoomSecret, newOwnerToken, newRoomSecret } from "./owner-token";
import { type RoomRecord, warmNameOf } from "./room";

export interface PoolReport {
  /** `warmRooms`: how many warm servers the pool keeps. */
  readonly wanted: number;
  /** Warm servers that are ready and unassigned. */
  readonly ready: number;
  /** Warm servers still starting. */
  readonly starting: number;
  /** Servers this run started. */
  readonly started: number;
  /** The cap left no slot for the rest: the pool fills up again as rooms close. */
  readonly atCap: boolean;
  /** A start failed (AWS busy, no Fargate capacity): the next run tries again. */
  readonly failed: boolean;
}

/**
 * Tops the warm pool up to `warmRooms`: counts the warm servers that are starting or ready and
 * starts the missing ones, each as a room under a placeholder name, with its own capacity slot
 * (so warm servers count towards maxRooms, and the cap stays exact). Runs after assignments
 * and on a schedule, never in a player's request. One run at a time (AWS: reserved concurrency 1;
 * local mode: one caller), so two runs never both start the same missing server.
 */
export async function fillWarmPool(deps: RoomDeps): Promise<PoolReport> {
  const wanted = deps.settings.warmRooms ?? 0;
  const records = await deps.store.scanAll();
  const pool = records.filter((r) => r.warm && !r.aliasOf && r.status !== "STOPPING");
  const ready = pool.filter((r) => r.status === "RUNNING").length;
  let started = 0;
  let atCap = false;
  let failed = false;
  for (let missing = wanted - pool.length; missing > 0 && !atCap && !failed; missing--) {
    try {
      atCap = !(await startWarmServer(deps));
      if (!atCap) started++;
    } catch (error) {
      // Each step undid itself (see createRoom). The next run (the schedule) tries again.
      deps.log.warn("a warm server could not be started; the next run tries again", {
        error: String(error),
      });
      failed = true;
    }
  }
  const report = {
    wanted,
    ready,
    starting: pool.length - ready + started,
    started,
    atCap,
    failed,
  };
  // Once per change, not once per run: a pool held short by the cap is the normal state at peak.
  if (started > 0) deps.log.info("warm pool filled", { ...report });
  deps.metrics?.count("WarmPoolReady", ready);
  deps.metrics?.count("WarmPoolStarting", report.starting);
  return report;
}

/** Starts one warm server; false when the cap leaves no slot for it. */
async function startWarmServer(deps: RoomDeps): Promise<boolean> {
  const secret = newRoomSecret();
  // No one holds its owner token: a warm server is stopped only by the service.
  const reservation = newRecord(
    "",
    deps.settings.warmVersion,
    hashOwnerToken(newOwnerToken()),
    deps,
  );
  const record: RoomRecord = {
    ...reservation,
    name: warmNameOf(reservation.roomId),
    // A warm server must say it is ready, and it learns its room through its heartbeats.
    readiness: "heartbeat",
    bootstrapHash: hashRoomSecret(secret),
    warm: true,
  };
  await deps.store.reserve(record);
  try {
    await deps.store.acquireSlot(deps.settings.maxRooms);
  } catch (error) {
    await deps.store.remove(record.name, record.roomId);
    if (hasCode(error, "NoFreeSlot")) return false;
    throw error;
  }
  const serverId = await startServer(record, deps, secret, deps.settings.roomsApiUrl);
  await recordServer(record, serverId, deps);
  return true;
}
