import { DynamoDbWarmPool } from "../../../handlers/aws/dynamodb-warm-pool";
import type { Metrics, RoomSettings } from "../../../handlers/ports";
import { assignWarmServer } from "../../../handlers/rooms/assign-warm-server";
import { createRoom, newRecord } from "../../../handlers/rooms/create-room";
import { fillWarmPool } from "../../../handlers/rooms/fill-warm-pool";
import { hashOwnerToken, newOwnerToken } from "../../../handlers/rooms/owner-token";
import type { RoomRecord } from "../../../handlers/rooms/room";
import { roomHeartbeat } from "../../../handlers/rooms/room-heartbeat";
import { stopRoom } from "../../../handlers/rooms/stop-room";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { roomDeps, type TestDeps } from "../../support/room-deps";
import { markRunning } from "../../support/task-events";

/** assignWarmServer over a real DynamoDB API: what a room takes over, and lost claims. */
let table: TestTable;
beforeEach(async () => {
  table = await startRoomsTable();
});
afterEach(async () => {
  await table.close();
});

class RecordingMetrics implements Metrics {
  readonly counts: string[] = [];
  count(name: string) {
    this.counts.push(name);
  }
}

function poolDeps(settings: Partial<RoomSettings> = {}) {
  const deps = roomDeps(table, {
    serverReadiness: "heartbeat",
    warmRooms: 2,
    maxRooms: 10,
    ...settings,
  });
  return Object.assign(deps, {
    pool: new DynamoDbWarmPool(table.db, table.tableName),
    metrics: new RecordingMetrics(),
  });
}
type PoolDeps = ReturnType<typeof poolDeps>;

/** Fills the pool; ECS reports each server RUNNING and each says ready. */
async function readyPool(deps: TestDeps) {
  await fillWarmPool(deps);
  const servers = deps.fleet.started.filter((s) => s.warm);
  for (const server of servers) {
    await markRunning(deps, server.name);
    await roomHeartbeat(
      { server: server.name, state: "ready", players: 0, maxPlayers: 8, secret: server.secret },
      deps,
    );
  }
  return servers;
}

/**
 * Parallel creates win claims first: before each of this create's claims, another create claims
 * the same server (a real conditional write on the table), up to `steals` times.
 */
function competitorClaimsFirst(deps: PoolDeps, steals: number) {
  const pool = deps.pool;
  const attempts: string[] = [];
  const stolen: string[] = [];
  let left = steals;
  Object.assign(deps, {
    pool: {
      listReady: pool.listReady.bind(pool),
      adopt: pool.adopt.bind(pool),
      claim: async (warm: RoomRecord, name: string, updatedAt: string) => {
        attempts.push(warm.name);
        if (left > 0) {
          left--;
          expect(await pool.claim(warm, `Rival ${left}`, updatedAt)).toBe(true);
          stolen.push(warm.name);
        }
        return pool.claim(warm, name, updatedAt);
      },
    },
  });
  return { attempts, stolen };
}

describe("assignWarmServer", () => {
  test("the room takes the server's facts under its own name, owner, creation time and TTL", async () => {
    const deps = poolDeps({ warmRooms: 1 });
    const [server] = await readyPool(deps);
    const warm = (await deps.store.get(server.name))!;
    deps.clock = new Date("2026-11-20T18:20:00.000Z");
    deps.metrics.counts.length = 0;
    const { room, ownerToken } = await createRoom({ name: "Arena" }, deps);
    expect(room).toStrictEqual({
      name: "Arena",
      status: "RUNNING",
      ip: "203.0.113.10",
      port: 7777,
      players: 0,
      maxPlayers: 8,
      createdAt: "2026-11-20T18:20:00.000Z",
      updatedAt: "2026-11-20T18:20:00.000Z",
    });
    const row = (await deps.store.get("Arena"))!;
    expect(row).toMatchObject({
      name: "Arena",
      roomId: warm.roomId,
      serverId: warm.serverId,
      keyHash: warm.keyHash,
      ticketKey: warm.ticketKey,
      readiness: "heartbeat",
      ready: true,
      eventVersion: 3,
      ownerTokenHash: hashOwnerToken(ownerToken),
      createdAt: "2026-11-20T18:20:00.000Z",
      updatedAt: "2026-11-20T18:20:00.000Z",
      expiresAt: Date.parse("2026-11-20T18:20:00.000Z") / 1000 + 86400,
    });
    expect(row.warm).toBeUndefined();
    expect(row.aliasOf).toBeUndefined();
    expect(await deps.store.get(server.name)).toMatchObject({
      aliasOf: "Arena",
      updatedAt: "2026-11-20T18:20:00.000Z",
    });
    expect(deps.metrics.counts).toEqual(["WarmPoolHits", "RoomsCreated"]);
    expect(deps.log.lines).toContainEqual({
      level: "info",
      message: "room assigned a warm server",
      fields: { room: "Arena", server: server.name },
    });
    // The room is listed, its owner's token is the one that stops it, and the pool is empty.
    expect((await deps.store.listRunning({ limit: 10 })).rooms.map((r) => r.name)).toEqual([
      "Arena",
    ]);
    expect(await deps.pool.listReady(undefined, 10)).toEqual([]);
    await stopRoom({ name: "Arena", ownerToken }, deps);
    expect(deps.fleet.stopped.map((s) => s.serverId)).toEqual([server.serverId]);
  });

  test("an empty pool is a miss: the create starts its own server", async () => {
    const deps = poolDeps();
    const created = await createRoom({ name: "Cold" }, deps);
    expect(created.room.status).toBe("PROVISIONING");
    expect(deps.metrics.counts).toEqual(["WarmPoolMisses", "RoomsCreated"]);
  });

  test("without a pool (a function that has none), there is no assignment and no miss", async () => {
    const deps = poolDeps();
    await readyPool(deps);
    Object.assign(deps, { pool: undefined });
    deps.metrics.counts.length = 0;
    const record = newRecord("Poolless", undefined, hashOwnerToken(newOwnerToken()), deps);
    await deps.store.reserve(record);
    expect(await assignWarmServer(record, deps)).toBeUndefined();
    expect(deps.metrics.counts).toEqual([]);
  });

  test("a claim lost to a parallel create moves on to the next server", async () => {
    const deps = poolDeps();
    const servers = await readyPool(deps);
    const { attempts, stolen } = competitorClaimsFirst(deps, 1);
    deps.metrics.counts.length = 0;
    const { room } = await createRoom({ name: "Second" }, deps);
    expect(room.status).toBe("RUNNING");
    expect(attempts).toHaveLength(2);
    expect(new Set(attempts).size).toBe(2);
    const row = (await deps.store.get("Second"))!;
    const won = servers.find((s) => s.name !== stolen[0])!;
    expect(row).toMatchObject({ serverId: won.serverId, roomId: won.roomId });
    expect(await deps.store.get(stolen[0])).toMatchObject({ aliasOf: "Rival 0" });
    expect(await deps.store.get(won.name)).toMatchObject({ aliasOf: "Second" });
    expect(deps.metrics.counts).toEqual(["WarmPoolHits", "RoomsCreated"]);
  });

  test("every claim lost: each ready server was tried once, then the create starts its own", async () => {
    const deps = poolDeps();
    await readyPool(deps);
    const { attempts } = competitorClaimsFirst(deps, 2);
    deps.metrics.counts.length = 0;
    const { room } = await createRoom({ name: "Late" }, deps);
    expect(room.status).toBe("PROVISIONING");
    expect(attempts).toHaveLength(2);
    expect(new Set(attempts).size).toBe(2);
    expect(deps.fleet.started.at(-1)).toMatchObject({ name: "Late" });
    expect(deps.metrics.counts).toEqual(["WarmPoolMisses", "RoomsCreated"]);
  });

  test("parallel creates never share a server, and each is a hit or a miss", async () => {
    const deps = poolDeps({ warmRooms: 3 });
    const servers = await readyPool(deps);
    deps.metrics.counts.length = 0;
    const names = ["P1", "P2", "P3", "P4", "P5"];
    const created = await Promise.all(names.map((name) => createRoom({ name }, deps)));
    const running = created.filter((c) => c.room.status === "RUNNING").map((c) => c.room.name);
    expect(running).toHaveLength(3);
    const rows = await Promise.all(running.map((name) => deps.store.get(name)));
    expect(new Set(rows.map((r) => r!.serverId))).toEqual(new Set(servers.map((s) => s.serverId)));
    expect(deps.metrics.counts.filter((c) => c === "WarmPoolHits")).toHaveLength(3);
    expect(deps.metrics.counts.filter((c) => c === "WarmPoolMisses")).toHaveLength(2);
  });

  test("every ready server can be the one taken: the start point is spread over the pool", async () => {
    const deps = poolDeps({ warmRooms: 2 });
    const servers = await readyPool(deps);
    const firstTaken = new Set<string>();
    const pool = deps.pool;
    for (let i = 0; i < 40 && firstTaken.size < 2; i++) {
      const record = newRecord(`Probe ${i}`, undefined, hashOwnerToken(newOwnerToken()), deps);
      let first: string | undefined;
      Object.assign(deps, {
        pool: {
          listReady: pool.listReady.bind(pool),
          // Observe the first choice, and refuse it: the pool stays as it is for the next probe.
          claim: async (warm: RoomRecord) => {
            first ??= warm.name;
            return false;
          },
          adopt: pool.adopt.bind(pool),
        },
      });
      expect(await assignWarmServer(record, deps)).toBeUndefined();
      firstTaken.add(first!);
    }
    expect(firstTaken).toEqual(new Set(servers.map((s) => s.name)));
  });

  test("a reservation gone before it took its server: no room, a warning, the server left to the reconciler", async () => {
    const deps = poolDeps({ warmRooms: 1 });
    const [server] = await readyPool(deps);
    deps.metrics.counts.length = 0;
    // Never reserved (as if the reconciler had removed it already).
    const record = newRecord("Vanished", undefined, hashOwnerToken(newOwnerToken()), deps);
    expect(await assignWarmServer(record, deps)).toBeUndefined();
    expect(await deps.store.get("Vanished")).toBeUndefined();
    expect(await deps.store.get(server.name)).toMatchObject({ aliasOf: "Vanished" });
    expect(deps.metrics.counts).toEqual([]);
    expect(deps.log.lines).toContainEqual({
      level: "warn",
      message: "room gone before it took its warm server",
      fields: { room: "Vanished" },
    });
  });
});
