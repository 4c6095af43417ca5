import { DynamoDbWarmPool } from "../../../handlers/aws/dynamodb-warm-pool";
import type { Metrics, RoomSettings } from "../../../handlers/ports";
import { applyTaskStateChange } from "../../../handlers/rooms/apply-task-state-change";
import { createRoom } from "../../../handlers/rooms/create-room";
import { fillWarmPool } from "../../../handlers/rooms/fill-warm-pool";
import { reconcileRooms } from "../../../handlers/rooms/reconcile-rooms";
import { roomHeartbeat } from "../../../handlers/rooms/room-heartbeat";
import { stopRoom } from "../../../handlers/rooms/stop-room";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { roomDeps, type TestDeps } from "../../support/room-deps";
import { markRunning, taskEvent } from "../../support/task-events";

/**
 * The reconciler's liveness checks (ready timeout, heartbeat timeout, stuck rooms) at their
 * edges, what it reports (log lines, metrics, the report), and its races with events and creates.
 */
let table: TestTable;
beforeEach(async () => {
  table = await startRoomsTable();
});
afterEach(async () => {
  await table.close();
});

class RecordingMetrics implements Metrics {
  readonly counts: Array<{ name: string; value?: number; dimensions?: Record<string, string> }> =
    [];
  count(name: string, value?: number, dimensions?: Record<string, string>) {
    this.counts.push({ name, value, ...(dimensions ? { dimensions } : {}) });
  }
  last(name: string) {
    return this.counts.filter((c) => c.name === name).at(-1)?.value;
  }
}

function reconcileDeps(settings: Partial<RoomSettings> = {}) {
  const deps = roomDeps(table, { serverReadiness: "heartbeat", ...settings });
  return Object.assign(deps, { metrics: new RecordingMetrics() });
}

function later(deps: TestDeps, seconds: number) {
  deps.clock = new Date(deps.clock.getTime() + seconds * 1000);
}

/** A room whose task runs; its server has not said ready. */
async function taskRunning(deps: TestDeps, name: string) {
  await createRoom({ name }, deps);
  return markRunning(deps, name);
}

/** A RUNNING heartbeat room; its room key. */
async function readyRoom(deps: TestDeps, name: string) {
  const started = await taskRunning(deps, name);
  const answer = await roomHeartbeat(
    { server: name, state: "ready", players: 0, maxPlayers: 8, secret: started.secret },
    deps,
  );
  return { ...started, roomKey: answer.roomKey! };
}

function beat(deps: TestDeps, name: string, key: string) {
  return roomHeartbeat(
    { server: name, state: "ready", players: 1, maxPlayers: 8, secret: key },
    deps,
  );
}

const NEVER_READY_CHECK =
  "the game server must call the server SDK's ready(); a game without the SDK needs serverReadiness: task";
const HEARTBEAT_CHECK = "the server froze, lost its network, or stopped heartbeating";

describe("the ready timeout", () => {
  test("default 120 s after the task runs: kept at 120 s, stopped and removed past it", async () => {
    const deps = reconcileDeps();
    const slow = await taskRunning(deps, "Slow");
    later(deps, 120);
    expect((await reconcileRooms(deps)).removedRooms).toEqual([]);
    expect(deps.fleet.stopped).toEqual([]);
    later(deps, 1);
    const report = await reconcileRooms(deps);
    expect(report.removedRooms).toEqual(["Slow"]);
    expect(deps.fleet.stopped).toEqual([
      { serverId: slow.serverId, reason: "server never said ready within 120 s" },
    ]);
    expect(deps.log.lines).toContainEqual({
      level: "warn",
      message: "room removed: server never said ready within 120 s",
      fields: { room: "Slow", reason: "NeverReady", check: NEVER_READY_CHECK },
    });
    expect(deps.metrics.counts).toContainEqual({
      name: "RoomsRemoved",
      value: 1,
      dimensions: { Reason: "NeverReady" },
    });
    expect(await deps.store.get("Slow")).toBeUndefined();
    expect(await deps.store.slotCount()).toBe(0);
  });

  test("the stack's ready timeout is used when set", async () => {
    const deps = reconcileDeps({ readyTimeoutSeconds: 20 });
    const slow = await taskRunning(deps, "Slow");
    later(deps, 20);
    expect((await reconcileRooms(deps)).removedRooms).toEqual([]);
    later(deps, 1);
    expect((await reconcileRooms(deps)).removedRooms).toEqual(["Slow"]);
    expect(deps.fleet.stopped).toEqual([
      { serverId: slow.serverId, reason: "server never said ready within 20 s" },
    ]);
  });

  test("counts from the task's RUNNING, not the room's creation; a ready room is not judged by it", async () => {
    const deps = reconcileDeps({ stuckAfterSeconds: 10_000 });
    await createRoom({ name: "Queued" }, deps);
    await createRoom({ name: "Quick" }, deps);
    later(deps, 100);
    await markRunning(deps, "Queued");
    const quick = await markRunning(deps, "Quick");
    const roomKey = (
      await roomHeartbeat(
        { server: "Quick", state: "ready", players: 0, maxPlayers: 8, secret: quick.secret },
        deps,
      )
    ).roomKey!;
    later(deps, 60);
    await beat(deps, "Quick", roomKey);
    later(deps, 60);
    await beat(deps, "Quick", roomKey);
    expect((await reconcileRooms(deps)).removedRooms).toEqual([]);
    later(deps, 1);
    await beat(deps, "Quick", roomKey);
    expect((await reconcileRooms(deps)).removedRooms).toEqual(["Queued"]);
    expect(await deps.store.get("Quick")).toMatchObject({ status: "RUNNING" });
  });

  test("task-readiness rooms, and rooms from before readiness, are never judged by heartbeats", async () => {
    const deps = reconcileDeps({ serverReadiness: "task" });
    await taskRunning(deps, "Legacy");
    later(deps, 10_000);
    const report = await reconcileRooms(deps);
    expect(report).toMatchObject({ removedRooms: [], refreshedRooms: 1 });
    expect(deps.fleet.stopped).toEqual([]);
  });
});

describe("the heartbeat timeout", () => {
  test("default three periods of 30 s: kept at 90 s of silence, removed past it", async () => {
    const deps = reconcileDeps();
    const silent = await readyRoom(deps, "Silent");
    later(deps, 90);
    expect((await reconcileRooms(deps)).removedRooms).toEqual([]);
    later(deps, 1);
    expect((await reconcileRooms(deps)).removedRooms).toEqual(["Silent"]);
    expect(deps.fleet.stopped).toEqual([
      { serverId: silent.serverId, reason: "no heartbeat for 90 s" },
    ]);
    expect(deps.log.lines).toContainEqual({
      level: "warn",
      message: "room removed: no heartbeat for 90 s",
      fields: { room: "Silent", reason: "HeartbeatLost", check: HEARTBEAT_CHECK },
    });
    expect(deps.metrics.counts).toContainEqual({
      name: "RoomsRemoved",
      value: 1,
      dimensions: { Reason: "HeartbeatLost" },
    });
  });

  test("three of the stack's periods, or the timeout it sets", async () => {
    const periods = reconcileDeps({ heartbeatSeconds: 10 });
    await readyRoom(periods, "Ten");
    later(periods, 30);
    expect((await reconcileRooms(periods)).removedRooms).toEqual([]);
    later(periods, 1);
    expect((await reconcileRooms(periods)).removedRooms).toEqual(["Ten"]);
    expect(periods.fleet.stopped[0].reason).toBe("no heartbeat for 30 s");
    await table.close();
    table = await startRoomsTable();
    const given = reconcileDeps({ heartbeatSeconds: 10, heartbeatTimeoutSeconds: 45 });
    await readyRoom(given, "Given");
    later(given, 45);
    expect((await reconcileRooms(given)).removedRooms).toEqual([]);
    later(given, 1);
    expect((await reconcileRooms(given)).removedRooms).toEqual(["Given"]);
    expect(given.fleet.stopped[0].reason).toBe("no heartbeat for 45 s");
  });

  test("each heartbeat starts the timeout again", async () => {
    const deps = reconcileDeps();
    const { roomKey } = await readyRoom(deps, "Alive");
    for (let i = 0; i < 4; i++) {
      later(deps, 80);
      await beat(deps, "Alive", roomKey);
      expect((await reconcileRooms(deps)).removedRooms).toEqual([]);
    }
    expect(deps.fleet.stopped).toEqual([]);
  });

  test("a STOPPING room is not judged: its server is draining, and it is not stopped twice", async () => {
    const deps = reconcileDeps();
    const created = await createRoom({ name: "Leaving" }, deps);
    const started = await markRunning(deps, "Leaving");
    await roomHeartbeat(
      { server: "Leaving", state: "ready", players: 0, maxPlayers: 8, secret: started.secret },
      deps,
    );
    await stopRoom({ name: "Leaving", ownerToken: created.ownerToken }, deps);
    const stops = deps.fleet.stopped.length;
    // Its server still runs (ECS drains it) but no longer heartbeats.
    deps.fleet.stopped.splice(0);
    later(deps, 500);
    const report = await reconcileRooms(deps);
    expect(report).toMatchObject({ removedRooms: [], refreshedRooms: 0 });
    expect(stops).toBe(1);
    expect(deps.fleet.stopped).toEqual([]);
    expect(await deps.store.get("Leaving")).toMatchObject({ status: "STOPPING" });
  });
});

describe("stuck rooms", () => {
  test("kept at the limit, removed one second past it; a room whose server is gone is removed without a stop", async () => {
    const deps = reconcileDeps({ serverReadiness: "task", stuckAfterSeconds: 300 });
    await createRoom({ name: "AtLimit" }, deps);
    const lost = await createRoom({ name: "Lost" }, deps);
    deps.fleet.stopped.push({ serverId: "server-2", reason: "gone" });
    expect(lost.room.status).toBe("PROVISIONING");
    later(deps, 300);
    const first = await reconcileRooms(deps);
    expect(first.removedRooms).toEqual(["Lost"]);
    expect(deps.fleet.stopped).toHaveLength(1);
    later(deps, 1);
    expect((await reconcileRooms(deps)).removedRooms).toEqual(["AtLimit"]);
    expect(deps.fleet.stopped.slice(1)).toEqual([
      { serverId: "server-1", reason: "room stuck before RUNNING" },
    ]);
    // Only rooms judged unhealthy by their heartbeats are reported as such.
    expect(deps.log.lines.filter((l) => l.message.startsWith("room removed:"))).toEqual([]);
    expect(deps.metrics.counts.filter((c) => c.name === "RoomsRemoved")).toEqual([]);
  });

  test("removing a stuck room does not lower RoomsRunning: only RUNNING rooms that stay count", async () => {
    const deps = reconcileDeps({ serverReadiness: "task", stuckAfterSeconds: 60 });
    await taskRunning(deps, "Playing");
    await createRoom({ name: "Stuck" }, deps);
    later(deps, 61);
    deps.metrics.counts.splice(0);
    expect((await reconcileRooms(deps)).removedRooms).toEqual(["Stuck"]);
    expect(deps.metrics.last("RoomsRunning")).toBe(1);
  });

  test("RUNNING and STOPPING rooms are never stuck; only RUNNING ones get a longer TTL", async () => {
    const deps = reconcileDeps({ serverReadiness: "task", stuckAfterSeconds: 60 });
    await taskRunning(deps, "Running");
    const stopping = await createRoom({ name: "Stopping" }, deps);
    await markRunning(deps, "Stopping");
    await stopRoom({ name: "Stopping", ownerToken: stopping.ownerToken }, deps);
    deps.fleet.stopped.splice(0);
    const stoppingBefore = await deps.store.get("Stopping");
    later(deps, 3600);
    const report = await reconcileRooms(deps);
    expect(report).toMatchObject({ removedRooms: [], refreshedRooms: 1 });
    expect(deps.fleet.stopped).toEqual([]);
    expect((await deps.store.get("Running"))?.expiresAt).toBe(
      Math.floor(deps.clock.getTime() / 1000) + deps.settings.runningTtlSeconds,
    );
    expect(await deps.store.get("Stopping")).toStrictEqual(stoppingBefore);
  });

  test("a PENDING heartbeat room past the stuck limit but within its ready timeout is stuck", async () => {
    const deps = reconcileDeps({ stuckAfterSeconds: 60, readyTimeoutSeconds: 600 });
    const started = await taskRunning(deps, "Pending");
    later(deps, 61);
    expect((await reconcileRooms(deps)).removedRooms).toEqual(["Pending"]);
    expect(deps.fleet.stopped).toEqual([
      { serverId: started.serverId, reason: "room stuck before RUNNING" },
    ]);
  });
});

describe("the report, its log line and metrics", () => {
  test("counts rooms, running rooms and tasks after the run's repairs", async () => {
    const deps = reconcileDeps({ serverReadiness: "task" });
    await taskRunning(deps, "One");
    await taskRunning(deps, "Two");
    const lost = await taskRunning(deps, "Lost");
    await createRoom({ name: "Starting" }, deps);
    const orphan = await taskRunning(deps, "Orphan");
    await deps.store.remove("Orphan", orphan.roomId);
    deps.fleet.stopped.push({ serverId: lost.serverId, reason: "exited" });
    deps.metrics.counts.splice(0);
    later(deps, 60);
    const report = await reconcileRooms(deps);
    expect(report).toEqual({
      removedRooms: ["Lost"],
      stoppedOrphans: 1,
      refreshedRooms: 2,
      // Lost's release moved the counter during the run: it is left as stored, for the next run.
      slotCount: { before: 5, after: 4, repaired: false },
    });
    expect(deps.log.lines).toContainEqual({ level: "info", message: "reconciled", fields: report });
    expect(deps.log.lines).toContainEqual({
      level: "warn",
      message: "stopped a server that had no room",
      fields: { room: "Orphan" },
    });
    expect(deps.metrics.counts).toEqual([
      { name: "RoomsRunning", value: 2 },
      { name: "RoomsTotal", value: 3 },
      { name: "TasksRunning", value: 3 },
    ]);
    // Orphan's slot was never released: the next run repairs the counter to the rooms left.
    const next = await reconcileRooms(deps);
    expect(next.slotCount).toEqual({ before: 4, after: 3, repaired: true });
    expect(await deps.store.slotCount()).toBe(3);
  });

  test("a counter that already holds the rooms is left alone", async () => {
    const deps = reconcileDeps({ serverReadiness: "task" });
    await taskRunning(deps, "One");
    await createRoom({ name: "Two" }, deps);
    later(deps, 60);
    const report = await reconcileRooms(deps);
    expect(report).toEqual({
      removedRooms: [],
      stoppedOrphans: 0,
      refreshedRooms: 1,
      slotCount: { before: 2, after: 2, repaired: false },
    });
  });

  test("a create that races the run is not undone by the counter's repair", async () => {
    const deps = reconcileDeps({ serverReadiness: "task" });
    await taskRunning(deps, "Old");
    await deps.store.repairSlotCount(1, 3);
    const listActive = deps.fleet.listActive.bind(deps.fleet);
    deps.fleet.listActive = async () => {
      const servers = await listActive();
      await createRoom({ name: "Racing" }, deps);
      return servers;
    };
    later(deps, 60);
    const report = await reconcileRooms(deps);
    // Read as 3 before the create took a slot (4): the repair to 2 rooms does not hold.
    expect(report.slotCount).toEqual({ before: 3, after: 4, repaired: false });
    expect(await deps.store.slotCount()).toBe(4);
    expect(await deps.store.get("Racing")).toBeDefined();
  });

  test("a room its STOPPED event removes while the run stops it is reported once, not as removed by the run", async () => {
    const deps = reconcileDeps({ readyTimeoutSeconds: 30 });
    const started = await taskRunning(deps, "Racing");
    const stop = deps.fleet.stop.bind(deps.fleet);
    deps.fleet.stop = async (serverId, reason) => {
      await stop(serverId, reason);
      await applyTaskStateChange(
        taskEvent({
          taskArn: serverId,
          roomId: started.roomId,
          roomName: "Racing",
          lastStatus: "STOPPED",
          version: 9,
          stopCode: "UserInitiated",
        }),
        deps,
      );
    };
    later(deps, 31);
    const report = await reconcileRooms(deps);
    expect(report.removedRooms).toEqual([]);
    expect(report.slotCount).toEqual({ before: 1, after: 0, repaired: false });
    expect(
      deps.log.lines.filter((l) => l.message.startsWith("room removed: server never")),
    ).toEqual([expect.objectContaining({ fields: expect.objectContaining({ room: "Racing" }) })]);
    expect(deps.metrics.counts).toContainEqual({
      name: "RoomsRemoved",
      value: 1,
      dimensions: { Reason: "NeverReady" },
    });
    expect(await deps.store.slotCount()).toBe(0);
  });

  test("works without metrics", async () => {
    const deps = roomDeps(table, { readyTimeoutSeconds: 30, serverReadiness: "heartbeat" });
    await taskRunning(deps, "Quiet");
    later(deps, 31);
    expect((await reconcileRooms(deps)).removedRooms).toEqual(["Quiet"]);
  });
});

describe("warm servers' placeholders", () => {
  function poolDeps(settings: Partial<RoomSettings> = {}) {
    const deps = reconcileDeps({ warmRooms: 1, maxRooms: 4, stuckAfterSeconds: 600, ...settings });
    return Object.assign(deps, { pool: new DynamoDbWarmPool(table.db, table.tableName) });
  }

  async function claimedServer(deps: ReturnType<typeof poolDeps>) {
    await fillWarmPool(deps);
    const started = deps.fleet.started.find((s) => s.warm)!;
    await markRunning(deps, started.name);
    const { roomKey } = await roomHeartbeat(
      { server: started.name, state: "ready", players: 0, maxPlayers: 8, secret: started.secret },
      deps,
    );
    await createRoom({ name: "Arena" }, deps);
    return { ...started, roomKey: roomKey! };
  }

  test("a placeholder whose room still holds its server is kept however old, among other rooms", async () => {
    const deps = poolDeps({ maxRooms: 10 });
    const server = await claimedServer(deps);
    const cold = { ...deps, settings: { ...deps.settings, warmRooms: 0 } };
    const others = ["Alpha", "Bravo", "Delta", "Zulu"];
    const keys: Record<string, string> = {};
    for (const name of others) keys[name] = (await readyRoom(cold, name)).roomKey;
    // Precondition: the placeholder's room is not the first room the reconciler scans.
    const scanned = (await deps.store.scanAll()).filter((r) => !r.aliasOf);
    expect(scanned[0].name).not.toBe("Arena");
    for (let i = 0; i < 3; i++) {
      later(deps, 500);
      await beat(deps, "Arena", server.roomKey);
      for (const name of others) await beat(deps, name, keys[name]);
      const report = await reconcileRooms(deps);
      expect(report).toMatchObject({ removedRooms: [], stoppedOrphans: 0 });
    }
    expect(await deps.store.get(server.name)).toMatchObject({ aliasOf: "Arena" });
    expect(deps.fleet.stopped).toEqual([]);
    expect(deps.metrics.last("RoomsTotal")).toBe(5);
    expect(deps.metrics.last("RoomsRunning")).toBe(5);
  });

  test("a placeholder whose room is gone is kept for the stuck limit after its claim, then removed", async () => {
    const deps = poolDeps();
    const server = await claimedServer(deps);
    const claimedAt = Date.parse((await deps.store.get(server.name))!.updatedAt);
    await deps.store.remove("Arena", server.roomId);
    deps.clock = new Date(claimedAt + 599_999);
    await reconcileRooms(deps);
    expect(await deps.store.get(server.name)).toMatchObject({ aliasOf: "Arena" });
    deps.clock = new Date(claimedAt + 600_000);
    await reconcileRooms(deps);
    expect(await deps.store.get(server.name)).toBeUndefined();
  });

  test("a placeholder whose room's name now has another server is removed once old", async () => {
    const deps = poolDeps();
    const server = await claimedServer(deps);
    const arena = (await deps.store.get("Arena"))!;
    await deps.store.remove("Arena", arena.roomId);
    await createRoom({ name: "Arena" }, { ...deps, settings: { ...deps.settings, warmRooms: 0 } });
    later(deps, 600);
    await reconcileRooms(deps);
    expect(await deps.store.get(server.name)).toBeUndefined();
    expect(await deps.store.get("Arena")).toBeDefined();
  });
});
