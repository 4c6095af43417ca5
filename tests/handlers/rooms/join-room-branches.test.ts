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
