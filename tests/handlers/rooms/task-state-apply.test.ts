import fc from "fast-check";
import { DynamoDbWarmPool } from "../../../handlers/aws/dynamodb-warm-pool";
import type { RoomSettings, RoomStateUpdate, ServerAddress } from "../../../handlers/ports";
import { applyTaskStateChange } from "../../../handlers/rooms/apply-task-state-change";
import { createRoom, newRecord } from "../../../handlers/rooms/create-room";
import { fillWarmPool } from "../../../handlers/rooms/fill-warm-pool";
import { listRooms } from "../../../handlers/rooms/list-rooms";
import { hashOwnerToken, newOwnerToken } from "../../../handlers/rooms/owner-token";
import { roomHeartbeat } from "../../../handlers/rooms/room-heartbeat";
import { stopRoom } from "../../../handlers/rooms/stop-room";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { MemoryFleet } from "../../support/memory-fleet";
import { roomDeps, type TestDeps } from "../../support/room-deps";
import { markRunning, taskEvent, taskLifecycle } from "../../support/task-events";

/**
 * applyTaskStateChange, branch by branch: which events it applies, what it writes, what it
 * leaves alone, over a real DynamoDB API. ECS events come from the real-shaped fixture.
 */
let table: TestTable;
beforeEach(async () => {
  table = await startRoomsTable();
});
afterEach(async () => {
  await table.close();
});

const FIXTURE_ENI = "eni-0f1e2d3c4b5a69788";
const T0 = Date.parse("2026-11-20T18:00:00.000Z");

/** The EC2 side of the fleet: records each address lookup; the address may not exist yet. */
class AddressFleet extends MemoryFleet {
  address: ServerAddress | undefined = { ip: "198.51.100.7", port: 7777 };
  readonly lookups: Array<{ serverId: string; networkInterfaceId?: string }> = [];
  override async resolveAddress(change: { serverId: string; networkInterfaceId?: string }) {
    this.addressLookups.push(change.serverId);
    this.lookups.push(change);
    return this.address;
  }
}

function depsWith(settings: Partial<RoomSettings> = {}) {
  const fleet = new AddressFleet();
  const deps = roomDeps(table, settings, fleet) as TestDeps<AddressFleet> & TestDeps;
  return { deps, fleet };
}

/** Creates a room and returns the identity its task's events carry. */
async function roomWithTask(deps: TestDeps, name = "Brave-Otter-42", version?: string) {
  const created = await createRoom({ name, ...(version ? { version } : {}) }, deps);
  const started = deps.fleet.started.at(-1)!;
  return {
    task: { taskArn: started.serverId, roomId: started.roomId, roomName: name },
    secret: started.secret,
    ownerToken: created.ownerToken,
  };
}

function event(
  task: { taskArn: string; roomId: string; roomName: string },
  lastStatus: string,
  version: number,
  extra: { desiredStatus?: string; stopCode?: string } = {},
) {
  return taskEvent({ ...task, lastStatus, version, ...extra });
}

function readyBeat(deps: TestDeps, server: string, secret: string) {
  return roomHeartbeat({ server, state: "ready", players: 0, maxPlayers: 8, secret }, deps);
}

function at(deps: TestDeps, seconds: number) {
  deps.clock = new Date(T0 + seconds * 1000);
  return deps.clock.toISOString();
}

describe("what is not ours", () => {
  test("without an updater, a task event of ours throws; anything else is still ignored", async () => {
    const { deps } = depsWith();
    const { task } = await roomWithTask(deps);
    Object.assign(deps, { updater: undefined });
    await expect(applyTaskStateChange(event(task, "RUNNING", 3), deps)).rejects.toThrow(
      "task_events needs deps.updater",
    );
    await expect(applyTaskStateChange({ detail: {} }, deps)).resolves.toBe("ignored");
  });

  test("an unknown task is logged with its room and status, and nothing is written", async () => {
    const { deps, fleet } = depsWith();
    const { task } = await roomWithTask(deps);
    const before = await deps.store.get(task.roomName);
    const stranger = { ...task, taskArn: `${task.taskArn}-other` };
    const otherReservation = { ...task, roomId: "ffffffffffffffffffffffff" };
    deps.log.lines.length = 0;
    expect(await applyTaskStateChange(event(stranger, "RUNNING", 9), deps)).toBe("ignored");
    expect(await applyTaskStateChange(event(otherReservation, "STOPPED", 9), deps)).toBe("ignored");
    expect(
      await applyTaskStateChange(event({ ...task, roomName: "Gone" }, "PENDING", 2), deps),
    ).toBe("ignored");
    expect(deps.log.lines).toEqual([
      {
        level: "info",
        message: "state change of an unknown task ignored",
        fields: { room: task.roomName, lastStatus: "RUNNING" },
      },
      {
        level: "info",
        message: "state change of an unknown task ignored",
        fields: { room: task.roomName, lastStatus: "STOPPED" },
      },
      {
        level: "info",
        message: "state change of an unknown task ignored",
        fields: { room: "Gone", lastStatus: "PENDING" },
      },
    ]);
    expect(fleet.lookups).toEqual([]);
    expect(await deps.store.get(task.roomName)).toEqual(before);
    expect(await deps.store.slotCount()).toBe(1);
  });

  test("a room whose server is not recorded yet takes its task's events (it was started for it)", async () => {
    const { deps } = depsWith();
    const record = newRecord("Racing", undefined, hashOwnerToken(newOwnerToken()), deps);
    await deps.store.reserve(record);
    const task = {
      taskArn: "arn:aws:ecs:task/c/racing",
      roomId: record.roomId,
      roomName: "Racing",
    };
    expect(await applyTaskStateChange(event(task, "PENDING", 2), deps)).toBe("applied");
    expect(await deps.store.get("Racing")).toMatchObject({
      status: "PENDING",
      serverId: task.taskArn,
      eventVersion: 2,
    });
  });
});

describe("before RUNNING", () => {
  test.each([
    ["PROVISIONING", 1, "PROVISIONING"],
    ["PENDING", 2, "PENDING"],
    ["ACTIVATING", 2, "PENDING"],
  ])(
    "%s (version %i) is written as %s: no address looked up, provisioning TTL",
    async (lastStatus, version, status) => {
      const { deps, fleet } = depsWith();
      const { task } = await roomWithTask(deps);
      const now = at(deps, 30);
      expect(await applyTaskStateChange(event(task, lastStatus, version), deps)).toBe("applied");
      const row = (await deps.store.get(task.roomName))!;
      expect(row).toMatchObject({
        status,
        eventVersion: version,
        serverId: task.taskArn,
        updatedAt: now,
        expiresAt: (T0 + 30_000) / 1000 + 3600,
      });
      expect(row.ip).toBeUndefined();
      expect(row.taskRunning).toBeUndefined();
      expect(row.taskRunningAt).toBeUndefined();
      expect(fleet.lookups).toEqual([]);
      expect(deps.log.lines.map((l) => l.message)).not.toContain("room running");
      expect(deps.log.lines.map((l) => l.message)).not.toContain(
        "task running; waiting for the server to say ready",
      );
    },
  );

  test("version 0 is newer than no version at all", async () => {
    const { deps } = depsWith();
    const { task } = await roomWithTask(deps);
    expect(await applyTaskStateChange(event(task, "PROVISIONING", 0), deps)).toBe("applied");
    expect(await deps.store.get(task.roomName)).toMatchObject({ eventVersion: 0 });
    expect(await applyTaskStateChange(event(task, "PROVISIONING", 0), deps)).toBe("ignored");
  });

  test("a stop asked for before the task ran: STOPPING, no address, out of the list", async () => {
    const { deps, fleet } = depsWith();
    const { task } = await roomWithTask(deps);
    const notice = event(task, "PENDING", 2, { desiredStatus: "STOPPED" });
    expect(await applyTaskStateChange(notice, deps)).toBe("applied");
    expect(await deps.store.get(task.roomName)).toMatchObject({ status: "STOPPING" });
    expect(fleet.lookups).toEqual([]);
    // Neither an older event replayed nor a newer RUNNING one brings it back.
    expect(await applyTaskStateChange(event(task, "PENDING", 1), deps)).toBe("ignored");
    expect(await applyTaskStateChange(event(task, "RUNNING", 3), deps)).toBe("ignored");
    expect(await deps.store.get(task.roomName)).toMatchObject({
      status: "STOPPING",
      eventVersion: 2,
    });
  });
});

describe("RUNNING", () => {
  test("looks the address up by task and network interface, stores it, logs it with the port", async () => {
    const { deps, fleet } = depsWith();
    const { task } = await roomWithTask(deps);
    const now = at(deps, 45);
    expect(await applyTaskStateChange(event(task, "RUNNING", 3), deps)).toBe("applied");
    expect(fleet.lookups).toEqual([{ serverId: task.taskArn, networkInterfaceId: FIXTURE_ENI }]);
    expect(await deps.store.get(task.roomName)).toMatchObject({
      status: "RUNNING",
      ip: "198.51.100.7",
      port: 7777,
      taskRunning: true,
      taskRunningAt: now,
      updatedAt: now,
      expiresAt: (T0 + 45_000) / 1000 + 86400,
    });
    expect(deps.log.lines).toContainEqual({
      level: "info",
      message: "room running",
      fields: { room: task.roomName, port: 7777 },
    });
    expect(deps.log.lines.map((l) => l.message)).not.toContain(
      "task running; waiting for the server to say ready",
    );
  });

  test("no public address yet: nothing written, a warning; the same event applies once there is one", async () => {
    const { deps, fleet } = depsWith();
    const { task } = await roomWithTask(deps);
    const before = await deps.store.get(task.roomName);
    fleet.address = undefined;
    const running = event(task, "RUNNING", 3);
    expect(await applyTaskStateChange(running, deps)).toBe("ignored");
    expect(await deps.store.get(task.roomName)).toEqual(before);
    expect(deps.log.lines).toContainEqual({
      level: "warn",
      message: "running server has no public address yet",
      fields: { room: task.roomName },
    });
    fleet.address = { ip: "198.51.100.8", port: 7777 };
    expect(await applyTaskStateChange(running, deps)).toBe("applied");
    expect(await deps.store.get(task.roomName)).toMatchObject({
      status: "RUNNING",
      ip: "198.51.100.8",
      eventVersion: 3,
    });
  });

  test("a room of a game version is listed under its version once RUNNING", async () => {
    const { deps } = depsWith();
    const { task } = await roomWithTask(deps, "Versioned", "1.2");
    await applyTaskStateChange(event(task, "RUNNING", 3), deps);
    const listed = await deps.store.listRunning({ limit: 10, version: "1.2" });
    expect(listed.rooms.map((r) => r.name)).toEqual(["Versioned"]);
    expect((await deps.store.listRunning({ limit: 10, version: "1.3" })).rooms).toEqual([]);
  });

  test("a replayed RUNNING event, or an older one after the Spot notice, looks nothing up and changes nothing", async () => {
    const { deps, fleet } = depsWith();
    const { task } = await roomWithTask(deps);
    const [, , running, notice] = taskLifecycle(task);
    expect(await applyTaskStateChange(running, deps)).toBe("applied");
    expect(await applyTaskStateChange(notice, deps)).toBe("applied");
    const stopping = await deps.store.get(task.roomName);
    expect(stopping).toMatchObject({ status: "STOPPING", eventVersion: 4 });
    expect(stopping?.ip).toBeUndefined();
    expect(await applyTaskStateChange(running, deps)).toBe("ignored");
    expect(await applyTaskStateChange(notice, deps)).toBe("ignored");
    expect(await deps.store.get(task.roomName)).toEqual(stopping);
    expect(fleet.lookups).toHaveLength(1);
  });

  test("a newer RUNNING event of a RUNNING room reuses its address: no lookup, the same ip and port, logged", async () => {
    const { deps, fleet } = depsWith();
    const { task } = await roomWithTask(deps);
    expect(await applyTaskStateChange(event(task, "RUNNING", 3), deps)).toBe("applied");
    fleet.address = { ip: "198.51.100.99", port: 7777 };
    deps.log.lines.length = 0;
    expect(await applyTaskStateChange(event(task, "RUNNING", 4), deps)).toBe("applied");
    expect(fleet.lookups).toHaveLength(1);
    expect(await deps.store.get(task.roomName)).toMatchObject({
      status: "RUNNING",
      ip: "198.51.100.7",
      port: 7777,
      eventVersion: 4,
    });
    expect(deps.log.lines).toEqual([
      { level: "info", message: "room running", fields: { room: task.roomName, port: 7777 } },
    ]);
  });

  test("a room its owner stopped stays STOPPING when a newer RUNNING event arrives, and is not retried", async () => {
    const { deps, fleet } = depsWith();
    const { task, ownerToken } = await roomWithTask(deps);
    await stopRoom({ name: task.roomName, ownerToken }, deps);
    expect(await applyTaskStateChange(event(task, "RUNNING", 3), deps)).toBe("ignored");
    expect(await deps.store.get(task.roomName)).toMatchObject({ status: "STOPPING" });
    expect(fleet.lookups).toHaveLength(1);
    expect(deps.log.lines.map((l) => l.message)).not.toContain("room running");
  });
});

describe("a room that waits for its server to say ready (heartbeat readiness)", () => {
  test("its task RUNNING: PENDING with its address kept, unlisted, and a log saying why", async () => {
    const { deps } = depsWith({ serverReadiness: "heartbeat" });
    const { task } = await roomWithTask(deps);
    const now = at(deps, 20);
    expect(await applyTaskStateChange(event(task, "RUNNING", 3), deps)).toBe("applied");
    expect(await deps.store.get(task.roomName)).toMatchObject({
      status: "PENDING",
      ip: "198.51.100.7",
      taskRunning: true,
      taskRunningAt: now,
      // Its task runs: the running TTL, though the room is not joinable yet.
      expiresAt: (T0 + 20_000) / 1000 + 86400,
    });
    expect((await listRooms({}, deps)).rooms).toEqual([]);
    expect(deps.log.lines).toContainEqual({
      level: "info",
      message: "task running; waiting for the server to say ready",
      fields: { room: task.roomName },
    });
    expect(deps.log.lines.map((l) => l.message)).not.toContain("room running");
  });

  test("until it is RUNNING, each newer RUNNING event looks the address up again; a replay does not", async () => {
    const { deps, fleet } = depsWith({ serverReadiness: "heartbeat" });
    const { task } = await roomWithTask(deps);
    await applyTaskStateChange(event(task, "RUNNING", 3), deps);
    expect(await applyTaskStateChange(event(task, "RUNNING", 3), deps)).toBe("ignored");
    expect(fleet.lookups).toHaveLength(1);
    fleet.address = { ip: "198.51.100.9", port: 7777 };
    expect(await applyTaskStateChange(event(task, "RUNNING", 4), deps)).toBe("applied");
    expect(fleet.lookups).toHaveLength(2);
    expect(await deps.store.get(task.roomName)).toMatchObject({
      status: "PENDING",
      ip: "198.51.100.9",
    });
  });

  test("a server that said ready before ECS reported its task RUNNING is RUNNING with that event", async () => {
    const { deps } = depsWith({ serverReadiness: "heartbeat" });
    const { task, secret } = await roomWithTask(deps);
    await readyBeat(deps, task.roomName, secret);
    expect(await deps.store.get(task.roomName)).toMatchObject({
      status: "PROVISIONING",
      ready: true,
    });
    expect(await applyTaskStateChange(event(task, "RUNNING", 3), deps)).toBe("applied");
    expect(await deps.store.get(task.roomName)).toMatchObject({
      status: "RUNNING",
      ip: "198.51.100.7",
      ready: true,
    });
    expect((await listRooms({}, deps)).rooms.map((r) => r.name)).toEqual([task.roomName]);
    expect(deps.log.lines).toContainEqual({
      level: "info",
      message: "room running",
      fields: { room: task.roomName, port: 7777 },
    });
    expect(deps.log.lines.map((l) => l.message)).not.toContain(
      "task running; waiting for the server to say ready",
    );
  });

  /**
   * Each write of the event loses a race with a write of `ready` (a heartbeat): the updater's
   * condition on `ready` fails, and the event reads again. Races flip `ready` on the real table.
   */
  function racingReady(deps: TestDeps, races: number) {
    const updater = deps.updater;
    const seen: Array<boolean | undefined> = [];
    let left = races;
    const applyState = async (name: string, roomId: string, update: RoomStateUpdate) => {
      seen.push(update.readySeen);
      if (left > 0) {
        left--;
        const flip = update.readySeen
          ? { set: {}, remove: ["ready"] as const }
          : { set: { ready: true } };
        expect(await updater.update(name, flip, {})).toBe(true);
      }
      return updater.applyState(name, roomId, update);
    };
    Object.assign(deps, {
      updater: { applyState, update: updater.update.bind(updater) },
    });
    return seen;
  }

  test("an event that loses a race with the server's ready reads again and applies what it finds", async () => {
    const { deps } = depsWith({ serverReadiness: "heartbeat" });
    const { task } = await roomWithTask(deps);
    const seen = racingReady(deps, 1);
    expect(await applyTaskStateChange(event(task, "RUNNING", 3), deps)).toBe("applied");
    expect(seen).toEqual([false, true]);
    expect(await deps.store.get(task.roomName)).toMatchObject({ status: "RUNNING", ready: true });
  });

  test("it tries three times in all; three lost races leave the room to the next event", async () => {
    const { deps } = depsWith({ serverReadiness: "heartbeat" });
    const { task } = await roomWithTask(deps);
    const seen = racingReady(deps, 3);
    expect(await applyTaskStateChange(event(task, "RUNNING", 3), deps)).toBe("ignored");
    expect(seen).toEqual([false, true, false]);
    const row = await deps.store.get(task.roomName);
    expect(row).toMatchObject({ status: "PROVISIONING", ready: true });
    expect(row?.eventVersion).toBeUndefined();
  });

  test("two lost races: the third try applies", async () => {
    const { deps } = depsWith({ serverReadiness: "heartbeat" });
    const { task } = await roomWithTask(deps);
    const seen = racingReady(deps, 2);
    expect(await applyTaskStateChange(event(task, "RUNNING", 3), deps)).toBe("applied");
    expect(seen).toEqual([false, true, false]);
    expect(await deps.store.get(task.roomName)).toMatchObject({
      status: "PENDING",
      eventVersion: 3,
    });
  });
});

describe("a room that is RUNNING when its task runs (task readiness)", () => {
  test("heartbeats of its server (ready) do not hold back its RUNNING events", async () => {
    const { deps } = depsWith();
    const { task, secret } = await roomWithTask(deps);
    await readyBeat(deps, task.roomName, secret);
    expect(await applyTaskStateChange(event(task, "RUNNING", 3), deps)).toBe("applied");
    expect(await deps.store.get(task.roomName)).toMatchObject({ status: "RUNNING", ready: true });
    expect(await applyTaskStateChange(event(task, "RUNNING", 4), deps)).toBe("applied");
    expect(await deps.store.get(task.roomName)).toMatchObject({
      status: "RUNNING",
      eventVersion: 4,
    });
  });
});

describe("warm servers", () => {
  function poolDeps() {
    const { deps, fleet } = depsWith({ serverReadiness: "heartbeat", warmRooms: 1, maxRooms: 4 });
    return {
      deps: Object.assign(deps, { pool: new DynamoDbWarmPool(table.db, table.tableName) }),
      fleet,
    };
  }

  async function readyWarmServer(deps: TestDeps) {
    await fillWarmPool(deps);
    const [server] = deps.fleet.started;
    await markRunning(deps, server.name);
    await readyBeat(deps, server.name, server.secret);
    return server;
  }

  test("a newer RUNNING event of a ready warm server keeps it in its pool, out of the room list", async () => {
    const { deps } = poolDeps();
    const server = await readyWarmServer(deps);
    expect(await deps.pool.listReady(undefined, 10)).toHaveLength(1);
    const task = { taskArn: server.serverId, roomId: server.roomId, roomName: server.name };
    expect(await applyTaskStateChange(event(task, "RUNNING", 4), deps)).toBe("applied");
    expect(await deps.store.get(server.name)).toMatchObject({
      status: "RUNNING",
      warm: true,
      eventVersion: 4,
    });
    expect((await listRooms({}, deps)).rooms).toEqual([]);
    expect((await deps.store.listRunning({ limit: 10 })).rooms).toEqual([]);
    expect((await deps.pool.listReady(undefined, 10)).map((r) => r.name)).toEqual([server.name]);
  });

  test("a claimed server's events act on its room; its Spot notice marks the room STOPPING", async () => {
    const { deps } = poolDeps();
    const server = await readyWarmServer(deps);
    await createRoom({ name: "Arena" }, deps);
    const task = { taskArn: server.serverId, roomId: server.roomId, roomName: server.name };
    const notice = event(task, "RUNNING", 5, {
      desiredStatus: "STOPPED",
      stopCode: "TerminationNotice",
    });
    expect(await applyTaskStateChange(notice, deps)).toBe("applied");
    expect(await deps.store.get("Arena")).toMatchObject({ status: "STOPPING", eventVersion: 5 });
    expect((await listRooms({}, deps)).rooms).toEqual([]);
  });

  test("a claimed server whose room is gone: its STOPPED event removes the placeholder and frees no slot", async () => {
    const { deps } = poolDeps();
    const server = await readyWarmServer(deps);
    await createRoom({ name: "Arena" }, deps);
    await createRoom({ name: "Bystander" }, deps);
    // The room went without its placeholder (its own row and slot are gone).
    await deps.store.remove("Arena", server.roomId);
    await deps.store.releaseSlot();
    expect(await deps.store.slotCount()).toBe(1);
    const task = { taskArn: server.serverId, roomId: server.roomId, roomName: server.name };
    const stopped = event(task, "STOPPED", 6, { stopCode: "EssentialContainerExited" });
    expect(await applyTaskStateChange(stopped, deps)).toBe("removed");
    expect(await deps.store.get(server.name)).toBeUndefined();
    expect(await deps.store.slotCount()).toBe(1);
    expect(await applyTaskStateChange(stopped, deps)).toBe("ignored");
    expect(await deps.store.slotCount()).toBe(1);
  });

  test("concurrent duplicate STOPPED events of a claimed server free its one slot once", async () => {
    const { deps } = poolDeps();
    const server = await readyWarmServer(deps);
    await createRoom({ name: "Arena" }, deps);
    await createRoom({ name: "Bystander" }, deps);
    expect(await deps.store.slotCount()).toBe(2);
    const task = { taskArn: server.serverId, roomId: server.roomId, roomName: server.name };
    const stopped = event(task, "STOPPED", 6);
    const outcomes = await Promise.all([1, 2, 3].map(() => applyTaskStateChange(stopped, deps)));
    expect(outcomes.filter((o) => o === "removed")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "ignored")).toHaveLength(2);
    expect(await deps.store.get("Arena")).toBeUndefined();
    expect(await deps.store.get(server.name)).toBeUndefined();
    expect(await deps.store.slotCount()).toBe(1);
    expect(await deps.store.get("Bystander")).toBeDefined();
  });
});

describe("STOPPED", () => {
  test("removes the room, frees its slot, and logs the stop code; its replay is ignored quietly", async () => {
    const { deps } = depsWith();
    const { task } = await roomWithTask(deps);
    await roomWithTask(deps, "Bystander");
    const stopped = event(task, "STOPPED", 5, { stopCode: "SpotInterruption" });
    deps.log.lines.length = 0;
    expect(await applyTaskStateChange(stopped, deps)).toBe("removed");
    expect(deps.log.lines).toEqual([
      {
        level: "info",
        message: "room removed: its server stopped",
        fields: { room: task.roomName, stopCode: "SpotInterruption" },
      },
    ]);
    expect(await deps.store.slotCount()).toBe(1);
    deps.log.lines.length = 0;
    expect(await applyTaskStateChange(stopped, deps)).toBe("ignored");
    expect(deps.log.lines.map((l) => l.message)).not.toContain("room removed: its server stopped");
    expect(await deps.store.slotCount()).toBe(1);
  });

  test("removes a room whatever its last version: a STOPPED event older than the last applied still ends it", async () => {
    const { deps } = depsWith();
    const { task } = await roomWithTask(deps);
    await applyTaskStateChange(event(task, "RUNNING", 7), deps);
    expect(await applyTaskStateChange(event(task, "STOPPED", 6), deps)).toBe("removed");
    expect(await deps.store.get(task.roomName)).toBeUndefined();
    expect(await deps.store.slotCount()).toBe(0);
  });

  test("concurrent duplicate STOPPED events free one slot, once: the cap is not lifted", async () => {
    const { deps } = depsWith({ maxRooms: 2 });
    const { task } = await roomWithTask(deps, "First");
    await roomWithTask(deps, "Second");
    const stopped = event(task, "STOPPED", 5, { stopCode: "EssentialContainerExited" });
    const outcomes = await Promise.all([1, 2, 3, 4].map(() => applyTaskStateChange(stopped, deps)));
    expect(outcomes.sort()).toEqual(["ignored", "ignored", "ignored", "removed"]);
    expect(await deps.store.slotCount()).toBe(1);
    // Only the event that removed the row says so (the others found it and lost the delete).
    expect(
      deps.log.lines.filter((l) => l.message === "room removed: its server stopped"),
    ).toHaveLength(1);
    // One slot is free: one create fits, the next is at capacity.
    await createRoom({ name: "Third" }, deps);
    await expect(createRoom({ name: "Fourth" }, deps)).rejects.toMatchObject({ status: 503 });
  });
});

describe("at-least-once delivery, concurrently", () => {
  test("lifecycles delivered shuffled, duplicated and in parallel leave exactly the rooms still running and their slots", async () => {
    const { deps } = depsWith({ maxRooms: 50 });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            stops: fc.boolean(),
            duplicates: fc.array(fc.nat({ max: 4 }), { maxLength: 5 }),
            order: fc.array(fc.nat(), { minLength: 10, maxLength: 10 }),
          }),
          { minLength: 1, maxLength: 3 },
        ),
        async (rooms) => {
          const slotsBefore = await deps.store.slotCount();
          const deliveries: unknown[] = [];
          const names: Array<{ name: string; stops: boolean }> = [];
          for (const room of rooms) {
            const name = `Parallel ${run++}`;
            const { task } = await roomWithTask(deps, name);
            names.push({ name, stops: room.stops });
            const lifecycle = taskLifecycle(task);
            const last = room.stops ? 4 : 2;
            const indexes = [
              ...Array(last + 1).keys(),
              ...room.duplicates.filter((i) => i <= last),
            ];
            indexes
              .map((i, k) => ({ i, key: room.order[k % room.order.length] + k / 100 }))
              .sort((a, b) => a.key - b.key)
              .forEach(({ i }) => deliveries.push(lifecycle[i]));
          }
          await Promise.all(deliveries.map((d) => applyTaskStateChange(d, deps)));
          for (const { name, stops } of names) {
            const row = await deps.store.get(name);
            if (stops) expect(row).toBeUndefined();
            else expect(row).toMatchObject({ status: "RUNNING", eventVersion: 3 });
          }
          const running = names.filter((n) => !n.stops).length;
          expect(await deps.store.slotCount()).toBe(slotsBefore + running);
        },
      ),
      { numRuns: 10 },
    );
  });
});
