import { randomInt } from "node:crypto";
import type { RoomDeps } from "../ports";
import type { RoomRecord } from "./room";

/** More than any pool: a create sees every ready warm server of its version. */
const WARM_CANDIDATES = 100;

/**
 * Gives a new room a warm server, if one is free: the room is RUNNING at once, with the server's
 * address. Each candidate is claimed by one conditional write, so parallel creates never share a
 * server; a create that loses a claim tries the next candidate (from a random start, so parallel
 * creates spread over the pool), and only when every one is taken does it start a task.
 * The warm server's capacity slot becomes the room's: the cap holds whatever the mix. If the
 * reservation vanished under us (only the reconciler removes one this young), the claimed server
 * has no room: the reconciler removes its placeholder, then stops it.
 */
export async function assignWarmServer(
  room: RoomRecord,
  deps: RoomDeps,
): Promise<RoomRecord | undefined> {
  const pool = deps.pool;
  if (!pool || !deps.settings.warmRooms) return undefined;
  const candidates = await pool.listReady(room.version, WARM_CANDIDATES);
  const first = randomInt(Math.max(1, candidates.length));
  for (let i = 0; i < candidates.length; i++) {
    const warm = candidates[(first + i) % candidates.length];
    const now = deps.now();
    if (!(await pool.claim(warm, room.name, now.toISOString()))) continue;
    const assigned: RoomRecord = {
      ...serverFactsOf(warm),
      name: room.name,
      ownerTokenHash: room.ownerTokenHash,
      ...(room.clientKey ? { clientKey: room.clientKey } : {}),
      createdAt: room.createdAt,
      updatedAt: now.toISOString(),
      expiresAt: Math.floor(now.getTime() / 1000) + deps.settings.runningTtlSeconds,
    };
    if (await pool.adopt(assigned, room.roomId)) {
      deps.metrics?.count("WarmPoolHits");
      deps.log.info("room assigned a warm server", { room: room.name, server: warm.name });
      return assigned;
    }
    deps.log.warn("room gone before it took its warm server", { room: room.name });
    return undefined;
  }
  deps.metrics?.count("WarmPoolMisses");
  return undefined;
}

/** What a room takes over from its warm server: all but the pool's own fields. */
function serverFactsOf(warm: RoomRecord): RoomRecord {
  const facts: Record<string, unknown> = { ...warm };
  delete facts.warm;
  delete facts.aliasOf;
  return facts as unknown as RoomRecord;
}
