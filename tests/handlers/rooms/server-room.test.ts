import { DynamoDbWarmPool } from "../../../handlers/aws/dynamodb-warm-pool";
import type { RoomSettings } from "../../../handlers/ports";
import { createRoom } from "../../../handlers/rooms/create-room";
import { fillWarmPool } from "../../../handlers/rooms/fill-warm-pool";
import { hashRoomSecret } from "../../../handlers/rooms/owner-token";
import { roomHeartbeat } from "../../../handlers/rooms/room-heartbeat";
import { serverRoom } from "../../../handlers/rooms/server-room";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { roomDeps, type TestDeps } from "../../support/room-deps";
import { markRunning } from "../../support/task-events";

/**
 * A server's room, found by the name it was started with: its own row, or (a claimed warm
 * server) the room its placeholder leads to; and the heartbeats of warm servers that use it.
 */
let table: TestTable;
beforeEach(async () => {
  table = await startRoomsTable();
});
afterEach(async () => {
  await table.close();
});

function poolDeps(settings: Partial<RoomSettings> = {}) {
  const deps = roomDeps(table, {
    serverReadiness: "heartbeat",
    warmRooms: 1,
    maxRooms: 4,
    ...settings,
  });
  return Object.assign(deps, { pool: new DynamoDbWarmPool(table.db, table.tableName) });
}

function beat(deps: TestDeps, server: string, secret: string, players = 0) {
  return roomHeartbeat({ server, state: "ready", players, maxPlayers: 8, secret }, deps);
}

/** One warm server, RUNNING and ready; its placeholder name, secret and room key. */
async function warmServer(deps: TestDeps) {
  await fillWarmPool(deps);
  const started = deps.fleet.started.find((s) => s.warm)!;
  await markRunning(deps, started.name);
  const answer = await beat(deps, started.name, started.secret);
  return { name: started.name, secret: started.secret, roomKey: answer.roomKey! };
}

describe("serverRoom", () => {
  test("an unknown name has no row", async () => {
    const deps = poolDeps();
    expect(await serverRoom("Nobody", deps)).toStrictEqual({ record: undefined });
  });

  test("a room's own server finds its row, and no placeholder", async () => {
    const deps = poolDeps();
    await createRoom({ name: "Plain" }, deps);
    expect(await serverRoom("Plain", deps)).toStrictEqual({
      record: await deps.store.get("Plain"),
    });
  });

  test("an unclaimed warm server finds its own row", async () => {
    const deps = poolDeps();
    const warm = await warmServer(deps);
    expect(await serverRoom(warm.name, deps)).toStrictEqual({
      record: await deps.store.get(warm.name),
    });
  });

  test("a claimed warm server finds the room it serves, and the placeholder that led there", async () => {
    const deps = poolDeps();
    const warm = await warmServer(deps);
    await createRoom({ name: "Arena" }, deps);
    const found = await serverRoom(warm.name, deps);
    const placeholder = await deps.store.get(warm.name);
    expect(placeholder).toMatchObject({ aliasOf: "Arena" });
    expect(found).toStrictEqual({ record: await deps.store.get("Arena"), alias: placeholder });
    expect(found.record?.roomId).toBe(placeholder?.roomId);
  });

  test("a placeholder whose room is gone, or is now another server's, finds only itself", async () => {
    const deps = poolDeps({ warmRooms: 0 });
    const pooled = poolDeps();
    const warm = await warmServer(pooled);
    await createRoom({ name: "Arena" }, pooled);
    const arena = (await deps.store.get("Arena"))!;
    await deps.store.remove("Arena", arena.roomId);
    const placeholder = await deps.store.get(warm.name);
    expect(await serverRoom(warm.name, deps)).toStrictEqual({ record: placeholder });
    // The name is taken again, by a room of its own server.
    await createRoom({ name: "Arena" }, deps);
    expect((await deps.store.get("Arena"))?.roomId).not.toBe(placeholder?.roomId);
    expect(await serverRoom(warm.name, deps)).toStrictEqual({ record: placeholder });
  });
});

describe("a warm server's heartbeats", () => {
  test("unassigned: answered under its placeholder, on the slow path and the one-write path", async () => {
    const deps = poolDeps();
    const warm = await warmServer(deps);
    const expected = { drain: false, heartbeatSeconds: 30, assigned: false, room: warm.name };
    // The key's first use (slow path), then the steady state.
    expect(await beat(deps, warm.name, warm.roomKey, 0)).toStrictEqual(expected);
    expect((await deps.store.get(warm.name))?.bootstrapHash).toBeUndefined();
    expect(await beat(deps, warm.name, warm.roomKey, 1)).toStrictEqual(expected);
    expect(await deps.store.get(warm.name)).toMatchObject({ players: 1, warm: true });
  });

  test("claimed: answered as its room, which takes the counts; the placeholder takes none", async () => {
    const deps = poolDeps();
    const warm = await warmServer(deps);
    await beat(deps, warm.name, warm.roomKey);
    await createRoom({ name: "Arena" }, deps);
    const placeholder = await deps.store.get(warm.name);
    const assigned = { drain: false, heartbeatSeconds: 30, assigned: true, room: "Arena" };
    expect(await beat(deps, warm.name, warm.roomKey, 3)).toStrictEqual(assigned);
    expect(await deps.store.get("Arena")).toMatchObject({ players: 3 });
    expect(await deps.store.get(warm.name)).toStrictEqual(placeholder);
    expect(await beat(deps, "Arena", warm.roomKey, 4)).toStrictEqual(assigned);
    expect(await beat(deps, "Arena", warm.roomKey, 5)).toStrictEqual(assigned);
    expect(await deps.store.get("Arena")).toMatchObject({ players: 5 });
    expect(await deps.store.get(warm.name)).toStrictEqual(placeholder);
  });

  test("claimed before it used its key: the secret's exchange happens on its room", async () => {
    const deps = poolDeps();
    const warm = await warmServer(deps);
    await createRoom({ name: "Arena" }, deps);
    // Its first answer was lost: it exchanges the secret again, through the placeholder.
    const again = await beat(deps, warm.name, warm.secret, 2);
    expect(again).toMatchObject({ drain: false, assigned: true, room: "Arena" });
    expect(again.roomKey).toMatch(/^[\w-]{43}$/);
    expect(await deps.store.get("Arena")).toMatchObject({
      players: 2,
      keyHash: hashRoomSecret(again.roomKey!),
    });
  });

  test("a claimed placeholder whose room is gone answers as itself, unassigned", async () => {
    const deps = poolDeps();
    const warm = await warmServer(deps);
    await beat(deps, warm.name, warm.roomKey);
    await createRoom({ name: "Arena" }, deps);
    const arena = (await deps.store.get("Arena"))!;
    await deps.store.remove("Arena", arena.roomId);
    expect(await beat(deps, warm.name, warm.roomKey, 1)).toStrictEqual({
      drain: false,
      heartbeatSeconds: 30,
      assigned: false,
      room: warm.name,
    });
  });
});
