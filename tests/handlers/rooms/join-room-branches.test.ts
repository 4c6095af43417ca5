import { DynamoDbSeats } from "../../../handlers/aws/dynamodb-seats";
import type { RoomSettings } from "../../../handlers/ports";
import { createRoom } from "../../../handlers/rooms/create-room";
import { unavailable } from "../../../handlers/rooms/errors";
import { joinRoom, quickPlay } from "../../../handlers/rooms/join-room";
import { roomHeartbeat } from "../../../handlers/rooms/room-heartbeat";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { RecordingMetrics, roomDeps } from "../../support/room-deps";
import { markRunning } from "../../support/task-events";

/** join_room's branches: exact refusals, what it counts, quick play's choice and its limits. */
let table: TestTable;
beforeEach(async () => {
  table = await startRoomsTable();
});
afterEach(async () => {
  jest.restoreAllMocks();
  await table.close();
});

function joinDeps(settings: Partial<RoomSettings> = {}) {
  const deps = roomDeps(table, { serverReadiness: "heartbeat", maxRooms: 100, ...settings });
  return Object.assign(deps, {
    seats: new DynamoDbSeats(table.db, table.tableName),
    metrics: new RecordingMetrics(),
  });
}
type JoinDeps = ReturnType<typeof joinDeps>;

async function readyRoom(deps: JoinDeps, name: string, maxPlayers: number, players = 0) {
  await createRoom({ name }, deps);
  const started = await markRunning(deps, name);
  await roomHeartbeat(
    { server: name, state: "ready", players, maxPlayers, secret: started.secret },
    deps,
  );
}

test("exact refusals: still starting, full, no SDK; each full refusal counted", async () => {
  const deps = joinDeps();
  await createRoom({ name: "Starting" }, deps);
  await expect(joinRoom({ name: "Starting" }, deps)).rejects.toMatchObject({
    status: 409,
    code: "RoomNotReady",
    message: 'The room "Starting" is still starting. Try again in a few seconds.',
  });
  await readyRoom(deps, "Tiny", 1);
  await joinRoom({ name: "Tiny" }, deps);
  await expect(joinRoom({ name: "tiny" }, deps)).rejects.toMatchObject({
    status: 409,
    code: "RoomFull",
    message: 'The room "tiny" is full. Pick another room, or try again later.',
  });
  expect(deps.metrics.counts.filter(([name]) => name !== "RoomsCreated")).toEqual([
    ["SeatsReserved", undefined, undefined],
    ["JoinsRefused", 1, { Reason: "RoomFull" }],
  ]);
  const legacy = joinDeps({ serverReadiness: "task" });
  await createRoom({ name: "Legacy" }, legacy);
  await markRunning(legacy, "Legacy");
  await expect(joinRoom({ name: "Legacy" }, legacy)).rejects.toMatchObject({
    code: "NoTickets",
    message:
      'The room "Legacy" takes no tickets: its server runs without the server SDK. Connect to its ip and port.',
  });
});

test("a room whose players fill it is refused without a write", async () => {
  const deps = joinDeps();
  await readyRoom(deps, "Crowd", 2, 2);
  const take = jest.spyOn(deps.seats, "take");
  await expect(joinRoom({ name: "Crowd" }, deps)).rejects.toMatchObject({ code: "RoomFull" });
  expect(take).not.toHaveBeenCalled();
});

test("without seats in its deps, join_room says so (a wiring bug, not a client error)", async () => {
  const deps = roomDeps(table);
  await expect(joinRoom({ name: "Any" }, deps)).rejects.toThrow("join_room needs deps.seats");
  await expect(quickPlay({ version: undefined }, deps)).rejects.toThrow(
    "join_room needs deps.seats",
  );
});

test("quick play skips rooms without tickets and full rooms, prefers the fullest, then by name", async () => {
  const deps = joinDeps();
  await readyRoom(deps, "Bravo", 4, 2);
  await readyRoom(deps, "Alpha", 4, 2);
  await readyRoom(deps, "Packed", 4, 4);
  await readyRoom(deps, "Lonely", 4, 1);
  const legacy = joinDeps({ serverReadiness: "task" });
  await createRoom({ name: "Legacy" }, legacy);
  await markRunning(legacy, "Legacy");
  const order = [];
  for (let i = 0; i < 7; i++) {
    const joined = await quickPlay({ version: undefined }, deps);
    order.push("name" in joined ? joined.name : "?");
  }
  // Alpha and Bravo tie on players: by name. Then Lonely's 3 seats. Never Packed or Legacy.
  expect(order).toEqual(["Alpha", "Alpha", "Bravo", "Bravo", "Lonely", "Lonely", "Lonely"]);
});

test("quick play tries the 20 fullest rooms only, then starts one; a failure other than 409 is not skipped", async () => {
  const deps = joinDeps();
  const created: string[] = [];
  Object.assign(deps, {
    creator: {
      async create() {
        const { room } = await createRoom({}, deps);
        created.push(room.name);
        return room;
      },
    },
  });
  for (let i = 0; i < 21; i++) await readyRoom(deps, `Room ${String(i).padStart(2, "0")}`, 2, 1);
  // 21 rooms with one seat each: 20 are tried in turn, the 21st is only found by a later quick play.
  const take = jest.spyOn(deps.seats, "take").mockResolvedValue(false);
  const answer = await quickPlay({ version: undefined }, deps);
  expect(take).toHaveBeenCalledTimes(20);
  expect("starting" in answer).toBe(true);
  expect(created).toHaveLength(1);
  expect(deps.log.lines).toContainEqual({
    level: "info",
    message: "quick play created a room",
    fields: { room: created[0], status: "PROVISIONING" },
  });
  expect(deps.metrics.counts).toContainEqual(["QuickPlayCreates", undefined, undefined]);
  take.mockReset().mockRejectedValueOnce(unavailable());
  await expect(quickPlay({ version: undefined }, deps)).rejects.toMatchObject({
    code: "Unavailable",
  });
  expect(created).toHaveLength(1);
});

/** Creates a room, runs its task and has its server say ready; answers its room key. */
async function readyRoomKey(deps: JoinDeps, name: string, maxPlayers: number) {
  await createRoom({ name }, deps);
  const started = await markRunning(deps, name);
  const ready = await roomHeartbeat(
    { server: name, state: "ready", players: 0, maxPlayers, secret: started.secret },
    deps,
  );
  return ready.roomKey!;
}

test("a room with an address that takes no players yet, or no more, is refused as not ready: its task running before its server said ready; its server draining", async () => {
  const deps = joinDeps();
  await createRoom({ name: "Warming" }, deps);
  await markRunning(deps, "Warming");
  expect(await deps.store.get("Warming")).toMatchObject({ status: "PENDING", ip: "203.0.113.10" });
  await expect(joinRoom({ name: "Warming" }, deps)).rejects.toMatchObject({
    status: 409,
    code: "RoomNotReady",
  });
  const roomKey = await readyRoomKey(deps, "Closing", 4);
  await joinRoom({ name: "Closing" }, deps);
  await roomHeartbeat(
    { server: "Closing", state: "draining", players: 1, maxPlayers: 4, secret: roomKey },
    deps,
  );
  expect(await deps.store.get("Closing")).toMatchObject({
    status: "STOPPING",
    ip: "203.0.113.10",
    ticketKey: expect.any(String),
  });
  await expect(joinRoom({ name: "Closing" }, deps)).rejects.toMatchObject({
    status: 409,
    code: "RoomNotReady",
  });
});

test("a reservation ends at its expiry second: one second before, the room is full; at that second, a join takes the seat", async () => {
  const deps = joinDeps({ ticketSeconds: 30 });
  await readyRoom(deps, "Solo", 1);
  await joinRoom({ name: "Solo" }, deps);
  deps.clock = new Date(deps.clock.getTime() + 29_000);
  await expect(joinRoom({ name: "Solo" }, deps)).rejects.toMatchObject({ code: "RoomFull" });
  deps.clock = new Date(deps.clock.getTime() + 1_000);
  expect((await joinRoom({ name: "Solo" }, deps)).name).toBe("Solo");
});

test("each join takes a free seat with one write: held seats are never tried, and a full room is refused without a write", async () => {
  const deps = joinDeps();
  await readyRoom(deps, "Ten", 10);
  const take = jest.spyOn(deps.seats, "take");
  for (let i = 1; i <= 10; i++) {
    await joinRoom({ name: "Ten" }, deps);
    expect(take).toHaveBeenCalledTimes(i);
  }
  expect(new Set(take.mock.calls.map(([, , seat]) => seat.slot))).toEqual(
    new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]),
  );
  await expect(joinRoom({ name: "Ten" }, deps)).rejects.toMatchObject({ code: "RoomFull" });
  expect(take).toHaveBeenCalledTimes(10);
});

test("reservations and players without tickets fill a room together: 2 tickets out and 2 players in of 4 is full", async () => {
  const deps = joinDeps();
  // Six rooms: which seats the two tickets hold is random; together they cover every case.
  for (let room = 0; room < 6; room++) {
    const name = `Mixed ${room}`;
    const roomKey = await readyRoomKey(deps, name, 4);
    await joinRoom({ name }, deps);
    await joinRoom({ name }, deps);
    await roomHeartbeat(
      { server: name, state: "ready", players: 2, maxPlayers: 4, secret: roomKey },
      deps,
    );
    await expect(joinRoom({ name }, deps)).rejects.toMatchObject({ code: "RoomFull" });
  }
});

test("quick play reads only rooms it can join: a full room, though the fullest, is not tried", async () => {
  const deps = joinDeps();
  await readyRoom(deps, "Packed", 4, 4);
  await readyRoom(deps, "Open", 4, 0);
  const read = jest.spyOn(deps.seats, "read");
  const joined = await quickPlay({ version: undefined }, deps);
  expect("name" in joined && joined.name).toBe("Open");
  expect(read.mock.calls).toEqual([["Open"]]);
  expect(deps.metrics.counts.filter(([name]) => name === "JoinsRefused")).toEqual([]);
});
