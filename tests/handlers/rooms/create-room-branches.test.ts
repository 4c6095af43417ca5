import { createRoom, releaseRoom } from "../../../handlers/rooms/create-room";
import { fleetCapacity, unavailable } from "../../../handlers/rooms/errors";
import * as roomNames from "../../../handlers/rooms/room-names";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { MemoryFleet } from "../../support/memory-fleet";
import { RecordingMetrics, roomDeps } from "../../support/room-deps";

/**
 * createRoom's branches one by one: names, the record it writes, what it logs and counts on
 * each path, and which error each failure becomes (the HTTP layer answers the error's status).
 */
let table: TestTable;
beforeEach(async () => {
  table = await startRoomsTable();
});
afterEach(async () => {
  jest.restoreAllMocks();
  await table.close();
});

function measured(settings = {}, fleet = new MemoryFleet()) {
  const deps = roomDeps(table, settings, fleet);
  const metrics = new RecordingMetrics();
  return { deps: Object.assign(deps, { metrics }), metrics };
}

const GENERATED = /^[A-Z][a-z]+-[A-Z][a-z]+-\d{1,2}$/;

describe("names", () => {
  test('"" and no name both get a generated name', async () => {
    const { deps } = measured();
    expect((await createRoom({ name: "" }, deps)).room.name).toMatch(GENERATED);
    expect((await createRoom({}, deps)).room.name).toMatch(GENERATED);
  });

  test("a generated name that is taken is drawn again, 5 times at most; then 409", async () => {
    const { deps } = measured();
    await createRoom({ name: "Taken-Name-1" }, deps);
    const draw = jest
      .spyOn(roomNames, "generateRoomName")
      .mockReturnValueOnce("Taken-Name-1")
      .mockReturnValueOnce("taken-name-1")
      .mockReturnValueOnce("Free-Name-2");
    expect((await createRoom({}, deps)).room.name).toBe("Free-Name-2");
    expect(draw).toHaveBeenCalledTimes(3);
    draw.mockReset().mockReturnValue("Taken-Name-1");
    await expect(createRoom({}, deps)).rejects.toMatchObject({
      status: 409,
      code: "RoomNameTaken",
      message: 'The room name "Taken-Name-1" is already taken. Pick another name.',
    });
    expect(draw).toHaveBeenCalledTimes(5);
  });

  test("a given name that is taken is not retried: one attempt, 409", async () => {
    const { deps } = measured();
    await createRoom({ name: "Mine" }, deps);
    const draw = jest.spyOn(roomNames, "generateRoomName");
    await expect(createRoom({ name: "MINE" }, deps)).rejects.toMatchObject({
      code: "RoomNameTaken",
      message: 'The room name "MINE" is already taken. Pick another name.',
    });
    expect(draw).not.toHaveBeenCalled();
  });
});

describe("the record", () => {
  test("readiness defaults to task; the stack's protocol is kept and shown", async () => {
    const { deps } = measured();
    const { room } = await createRoom({ name: "Plain" }, deps);
    expect(await deps.store.get("Plain")).toMatchObject({ readiness: "task" });
    expect(room.protocol).toBeUndefined();
    const tcp = measured({ gameProtocol: "tcp", serverReadiness: "heartbeat" }).deps;
    expect((await createRoom({ name: "Socket" }, tcp)).room.protocol).toBe("tcp");
    expect(await tcp.store.get("Socket")).toMatchObject({
      readiness: "heartbeat",
      protocol: "tcp",
    });
  });

  test("the server is started with the API URL the request came through, and without one when none", async () => {
    const { deps } = measured();
    await createRoom({ name: "Linked", apiUrl: "https://api.example.com" }, deps);
    await createRoom({ name: "Unlinked" }, deps);
    expect(deps.fleet.started[0].apiUrl).toBe("https://api.example.com");
    expect("apiUrl" in deps.fleet.started[1]).toBe(false);
  });
});

describe("what each path logs and counts", () => {
  test("a created room: logged with its name, counted", async () => {
    const { deps, metrics } = measured();
    await createRoom({ name: "Counted" }, deps);
    expect(deps.log.lines).toContainEqual({
      level: "info",
      message: "room created",
      fields: { room: "Counted" },
    });
    expect(metrics.counts).toEqual([["RoomsCreated", undefined, undefined]]);
  });

  test("at the cap: a warning with the cap, AtCap counted, the reservation gone", async () => {
    const { deps, metrics } = measured({ maxRooms: 1 });
    await createRoom({ name: "First" }, deps);
    await expect(createRoom({ name: "Second" }, deps)).rejects.toMatchObject({
      status: 503,
      code: "AtCapacity",
      message: "All servers are busy right now. Try again in a few minutes.",
    });
    expect(deps.log.lines).toContainEqual({
      level: "warn",
      message: "create rejected: at capacity",
      fields: { room: "Second", maxRooms: 1 },
    });
    expect(metrics.counts).toContainEqual(["CreatesRejected", 1, { Reason: "AtCap" }]);
    expect(await deps.store.get("Second")).toBeUndefined();
  });

  test("AWS busy while taking the slot: 503 Unavailable (not 'at capacity'), the reservation gone", async () => {
    const { deps, metrics } = measured();
    jest.spyOn(deps.store, "acquireSlot").mockRejectedValueOnce(unavailable());
    await expect(createRoom({ name: "Busy" }, deps)).rejects.toMatchObject({
      status: 503,
      code: "Unavailable",
      headers: { "retry-after": "1" },
    });
    expect(await deps.store.get("Busy")).toBeUndefined();
    expect(metrics.counts).toEqual([]);
    expect(deps.fleet.started).toHaveLength(0);
  });

  test("a start that fails: warned with the error, counted by reason, and each reason its own error", async () => {
    const { deps, metrics } = measured();
    deps.fleet.failNextStart = fleetCapacity("RESOURCE:FARGATE");
    await expect(createRoom({ name: "Full" }, deps)).rejects.toMatchObject({
      code: "AtCapacity",
      message: "No game server capacity is free right now. Try again in a few minutes.",
    });
    deps.fleet.failNextStart = unavailable();
    await expect(createRoom({ name: "Throttled" }, deps)).rejects.toMatchObject({
      code: "Unavailable",
      headers: { "retry-after": "1" },
    });
    deps.fleet.failNextStart = new Error("AccessDeniedException: not allowed");
    await expect(createRoom({ name: "Denied" }, deps)).rejects.toMatchObject({
      code: "ServerStartFailed",
      status: 503,
    });
    expect(metrics.counts).toEqual([
      ["CreatesRejected", 1, { Reason: "NoFargateCapacity" }],
      ["CreatesRejected", 1, { Reason: "StartFailed" }],
      ["CreatesRejected", 1, { Reason: "StartFailed" }],
    ]);
    expect(deps.log.lines.filter((l) => l.level === "warn")).toEqual(
      ["Full", "Throttled", "Denied"].map((room) => ({
        level: "warn",
        message: "server start failed; releasing the room",
        fields: { room, error: expect.any(String) },
      })),
    );
    expect(deps.log.lines[2].fields?.error).toBe("Error: AccessDeniedException: not allowed");
    expect(await deps.store.scanAll()).toEqual([]);
    expect(await deps.store.slotCount()).toBe(0);
  });

  test("recording fails, and so do stopping and releasing: each logged as an error, still a 503", async () => {
    class StuckFleet extends MemoryFleet {
      override async stop(): Promise<void> {
        throw new Error("ECS down");
      }
    }
    const { deps } = measured({}, new StuckFleet());
    jest.spyOn(deps.store, "attachServer").mockRejectedValueOnce(new Error("table down"));
    jest.spyOn(deps.store, "remove").mockRejectedValueOnce(new Error("table still down"));
    await expect(createRoom({ name: "Orphan" }, deps)).rejects.toMatchObject({
      code: "ServerStartFailed",
      message: "The game server could not be started. Try again in a moment.",
    });
    expect(deps.log.lines.filter((l) => l.level === "error")).toEqual([
      {
        level: "error",
        message: "recording the server failed",
        fields: { room: "Orphan", error: "Error: table down" },
      },
      {
        level: "error",
        message: "stopping an unrecorded server failed; the reconciler will stop it",
        fields: { room: "Orphan", error: "Error: ECS down" },
      },
      {
        level: "error",
        message: "releasing the room failed; the reconciler will remove it",
        fields: { room: "Orphan", error: "Error: table still down" },
      },
    ]);
  });
});

describe("releaseRoom", () => {
  test("gives the slot back only when this call deleted the row", async () => {
    const { deps } = measured();
    const { room } = await createRoom({ name: "Once" }, deps);
    const record = (await deps.store.get(room.name))!;
    expect(await deps.store.slotCount()).toBe(1);
    expect(await releaseRoom({ name: "Once", roomId: "another-reservation" }, deps)).toBe(false);
    expect(await deps.store.slotCount()).toBe(1);
    expect(await releaseRoom(record, deps)).toBe(true);
    expect(await deps.store.slotCount()).toBe(0);
    expect(await releaseRoom(record, deps)).toBe(false);
    await createRoom({ name: "Other" }, deps);
    expect(await deps.store.slotCount()).toBe(1);
  });
});
