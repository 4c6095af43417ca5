import { DynamoDbWarmPool } from "../../../handlers/aws/dynamodb-warm-pool";
import type { RoomSettings } from "../../../handlers/ports";
import { applyTaskStateChange } from "../../../handlers/rooms/apply-task-state-change";
import { createRoom } from "../../../handlers/rooms/create-room";
import { fillWarmPool } from "../../../handlers/rooms/fill-warm-pool";
import { listRooms } from "../../../handlers/rooms/list-rooms";
import { reconcileRooms } from "../../../handlers/rooms/reconcile-rooms";
import { roomHeartbeat } from "../../../handlers/rooms/room-heartbeat";
import { stopRoom } from "../../../handlers/rooms/stop-room";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { roomDeps, type TestDeps } from "../../support/room-deps";
import { markRunning, taskEvent } from "../../support/task-events";

/** The warm pool's use cases over dynalite: fill, readiness, assignment, and what follows. */
let table: TestTable;
beforeEach(async () => {
  table = await startRoomsTable();
});
afterEach(async () => {
  await table.close();
});

function poolDeps(settings: Partial<RoomSettings>) {
  const deps = roomDeps(table, {
    serverReadiness: "heartbeat",
    warmRooms: 2,
    maxRooms: 4,
    ...settings,
  });
  return Object.assign(deps, { pool: new DynamoDbWarmPool(table.db, table.tableName) });
}

function later(deps: TestDeps, seconds: number) {
  deps.clock = new Date(deps.clock.getTime() + seconds * 1000);
}

/** ECS reports each started warm task RUNNING; each server's SDK then says ready. */
async function makeReady(deps: TestDeps, names = warmNames(deps)) {
  const keys: Record<string, string> = {};
  for (const name of names) {
    const started = await markRunning(deps, name);
    const answer = await heartbeat(deps, name, started.secret);
    expect(answer).toMatchObject({ assigned: false, room: name });
    keys[name] = answer.roomKey!;
  }
  return keys;
}

function heartbeat(deps: TestDeps, server: string, secret: string, players = 0) {
  return roomHeartbeat({ server, state: "ready", players, maxPlayers: 8, secret }, deps);
}

function warmNames(deps: TestDeps): string[] {
  return deps.fleet.started.filter((s) => s.warm).map((s) => s.name);
}

describe("fillWarmPool", () => {
  test("starts warmRooms servers, each warm under a placeholder and with its own slot; a second run starts none", async () => {
    const deps = poolDeps({});
    expect(await fillWarmPool(deps)).toEqual({
      wanted: 2,
      ready: 0,
      starting: 2,
      started: 2,
      atCap: false,
      failed: false,
    });
    expect(deps.fleet.started).toHaveLength(2);
    for (const start of deps.fleet.started) {
      expect(start).toMatchObject({ warm: true, name: `~${start.roomId}` });
      expect(await deps.store.get(start.name)).toMatchObject({
        warm: true,
        readiness: "heartbeat",
        status: "PROVISIONING",
        serverId: start.serverId,
      });
    }
    expect(await deps.store.slotCount()).toBe(2);
    expect((await fillWarmPool(deps)).started).toBe(0);
    expect(deps.fleet.started).toHaveLength(2);
  });

  test("stops at the cap: warm servers count towards maxRooms", async () => {
    const deps = poolDeps({ warmRooms: 3, maxRooms: 3 });
    await createRoom({ name: "Cold" }, deps);
    const report = await fillWarmPool(deps);
    expect(report).toMatchObject({ started: 2, atCap: true });
    expect(await deps.store.slotCount()).toBe(3);
    // The placeholder of the server that found no slot is gone again.
    expect((await deps.store.scanAll()).filter((r) => r.warm)).toHaveLength(2);
  });

  test("a start that fails ends the run, undone, without throwing", async () => {
    const deps = poolDeps({});
    deps.fleet.failNextStart = new Error("RunTask failed: boom");
    expect(await fillWarmPool(deps)).toMatchObject({ started: 0, failed: true });
    expect(await deps.store.scanAll()).toEqual([]);
    expect(await deps.store.slotCount()).toBe(0);
  });

  test("a warm server that is STOPPING, or already claimed, is no longer in the pool: the run replaces it", async () => {
    const deps = poolDeps({ warmRooms: 1 });
    await fillWarmPool(deps);
    await makeReady(deps);
    await createRoom({ name: "Taker" }, deps);
    expect((await fillWarmPool(deps)).started).toBe(1);
  });
});

describe("assignment", () => {
  test("a create takes a ready warm server: RUNNING at once with its address; its owner can stop it", async () => {
    const deps = poolDeps({});
    await fillWarmPool(deps);
    await makeReady(deps);
    const created = await createRoom({ name: "Arena" }, deps);
    expect(created.room).toMatchObject({
      name: "Arena",
      status: "RUNNING",
      ip: "203.0.113.10",
      port: 7777,
    });
    expect(deps.fleet.started).toHaveLength(2);
    const room = (await deps.store.get("Arena"))!;
    const placeholder = (await deps.store.scanAll()).find((r) => r.aliasOf === "Arena")!;
    expect(room).toMatchObject({ roomId: placeholder.roomId, serverId: placeholder.serverId });
    expect(room.warm).toBeUndefined();
    expect(await deps.store.slotCount()).toBe(2);
    const listed = await listRooms({}, deps);
    expect(listed.rooms.map((r) => r.name)).toEqual(["Arena"]);
    await stopRoom({ name: "Arena", ownerToken: created.ownerToken }, deps);
    expect(deps.fleet.stopped.map((s) => s.serverId)).toEqual([placeholder.serverId]);
  });

  test("warm servers that are not ready yet are not taken: the create starts its own server", async () => {
    const deps = poolDeps({});
    await fillWarmPool(deps);
    const created = await createRoom({ name: "Early" }, deps);
    expect(created.room.status).toBe("PROVISIONING");
    expect(deps.fleet.started).toHaveLength(3);
    expect(deps.fleet.started[2]).toMatchObject({ name: "Early" });
    expect(deps.fleet.started[2].warm).toBeUndefined();
  });

  test("a warm server serves only creates of its version", async () => {
    const deps = poolDeps({ warmRooms: 1, warmVersion: "1.2" });
    await fillWarmPool(deps);
    await makeReady(deps);
    expect((await createRoom({ name: "Unversioned" }, deps)).room.status).toBe("PROVISIONING");
    expect((await createRoom({ name: "Other", version: "1.3" }, deps)).room.status).toBe(
      "PROVISIONING",
    );
    const same = await createRoom({ name: "Same", version: "1.2" }, deps);
    expect(same.room).toMatchObject({ status: "RUNNING", version: "1.2" });
  });

  test("a room name that is taken is refused before any warm server is claimed", async () => {
    const deps = poolDeps({});
    await fillWarmPool(deps);
    await makeReady(deps);
    await createRoom({ name: "Twice" }, deps);
    await expect(createRoom({ name: "twice" }, deps)).rejects.toMatchObject({ status: 409 });
    const pool = (await deps.store.scanAll()).filter((r) => r.warm && !r.aliasOf);
    expect(pool).toHaveLength(1);
    expect(await deps.pool.listReady(undefined, 10)).toHaveLength(1);
  });

  test("without warmRooms, create never looks at the pool", async () => {
    const deps = poolDeps({ warmRooms: 0 });
    const looked: unknown[] = [];
    const pool = deps.pool;
    Object.assign(deps, {
      pool: { ...pool, listReady: (...args: unknown[]) => (looked.push(args), []) },
    });
    await createRoom({ name: "Plain" }, deps);
    expect(looked).toEqual([]);
  });
});

describe("an assigned server", () => {
  test("learns its room from its next heartbeat, then heartbeats as the room with its key", async () => {
    const deps = poolDeps({ warmRooms: 1 });
    await fillWarmPool(deps);
    const [name] = warmNames(deps);
    const keys = await makeReady(deps);
    expect(await heartbeat(deps, name, keys[name])).toMatchObject({
      assigned: false,
      room: name,
    });
    await createRoom({ name: "Arena" }, deps);
    expect(await heartbeat(deps, name, keys[name], 3)).toMatchObject({
      assigned: true,
      room: "Arena",
      drain: false,
    });
    expect(await deps.store.get("Arena")).toMatchObject({ players: 3 });
    expect(await heartbeat(deps, "Arena", keys[name], 4)).toMatchObject({
      assigned: true,
      room: "Arena",
    });
    expect(await deps.store.get("Arena")).toMatchObject({ players: 4 });
    // The placeholder row took no counts: it only leads to the room.
    expect((await deps.store.get(name))?.players).toBe(0);
    await expect(heartbeat(deps, "Arena", "not-the-key")).rejects.toMatchObject({ status: 403 });
  });

  test("a placeholder must be ~ and hex; an unknown one is 404", async () => {
    const deps = poolDeps({});
    await expect(heartbeat(deps, "~not-hex!", "s")).rejects.toMatchObject({ status: 400 });
    await expect(heartbeat(deps, "~abc", "s")).rejects.toMatchObject({ status: 400 });
    await expect(heartbeat(deps, "~abcdef0123456789", "s")).rejects.toMatchObject({
      status: 404,
    });
    // Clients can never name a placeholder.
    await expect(createRoom({ name: "~abcdef0123456789" }, deps)).rejects.toMatchObject({
      status: 400,
    });
  });

  test("its STOPPED event removes the room and the placeholder, releasing one slot", async () => {
    const deps = poolDeps({ warmRooms: 1 });
    await fillWarmPool(deps);
    await makeReady(deps);
    await createRoom({ name: "Arena" }, deps);
    const [server] = deps.fleet.started;
    const stopped = taskEvent({
      taskArn: server.serverId,
      roomId: server.roomId,
      roomName: server.name,
      lastStatus: "STOPPED",
      version: 5,
      stopCode: "EssentialContainerExited",
    });
    expect(await applyTaskStateChange(stopped, deps)).toBe("removed");
    expect(await applyTaskStateChange(stopped, deps)).toBe("ignored");
    expect(await deps.store.scanAll()).toEqual([]);
    expect(await deps.store.slotCount()).toBe(0);
  });
});

describe("the reconciler and the pool", () => {
  test("keeps a young placeholder, removes one whose room is gone, and never counts placeholders as rooms", async () => {
    const deps = poolDeps({ warmRooms: 1, stuckAfterSeconds: 600 });
    await fillWarmPool(deps);
    await makeReady(deps);
    await createRoom({ name: "Arena" }, deps);
    const [server] = deps.fleet.started;
    later(deps, 60);
    expect((await reconcileRooms(deps)).slotCount).toEqual({
      before: 1,
      after: 1,
      repaired: false,
    });
    expect(await deps.store.get(server.name)).toMatchObject({ aliasOf: "Arena" });
    // The room is deleted without its placeholder (its STOPPED event was lost, say).
    await deps.store.remove("Arena", server.roomId);
    await deps.store.releaseSlot();
    later(deps, 60);
    await reconcileRooms(deps);
    expect(await deps.store.get(server.name)).toMatchObject({ aliasOf: "Arena" });
    later(deps, 600);
    const report = await reconcileRooms(deps);
    expect(await deps.store.get(server.name)).toBeUndefined();
    // Its server now has no row: stopped as an orphan, by this run or the next.
    const next = await reconcileRooms(deps);
    expect(report.stoppedOrphans + next.stoppedOrphans).toBe(1);
    expect(deps.fleet.stopped.map((s) => s.serverId)).toEqual([server.serverId]);
  });

  test("a warm server that never says ready is removed, and the next fill replaces it", async () => {
    const deps = poolDeps({ warmRooms: 1, readyTimeoutSeconds: 30 });
    await fillWarmPool(deps);
    const [server] = deps.fleet.started;
    await applyTaskStateChange(
      taskEvent({
        taskArn: server.serverId,
        roomId: server.roomId,
        roomName: server.name,
        lastStatus: "RUNNING",
        version: 3,
      }),
      deps,
    );
    later(deps, 31);
    expect((await reconcileRooms(deps)).removedRooms).toEqual([server.name]);
    expect((await fillWarmPool(deps)).started).toBe(1);
    expect(await deps.store.slotCount()).toBe(1);
  });
});
