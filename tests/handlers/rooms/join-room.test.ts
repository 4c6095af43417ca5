import { DynamoDbSeats } from "../../../handlers/aws/dynamodb-seats";
import { DynamoDbWarmPool } from "../../../handlers/aws/dynamodb-warm-pool";
import type { QuickPlayCreate, RoomCreator, RoomSettings } from "../../../handlers/ports";
import { createRoom } from "../../../handlers/rooms/create-room";
import { fillWarmPool } from "../../../handlers/rooms/fill-warm-pool";
import { joinRoom, type QuickPlayAnswer, quickPlay } from "../../../handlers/rooms/join-room";
import { roomHeartbeat } from "../../../handlers/rooms/room-heartbeat";
import { verifyTicket } from "../../../handlers/rooms/tickets";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { roomDeps, type TestDeps } from "../../support/room-deps";
import { markRunning } from "../../support/task-events";

/** join_room over dynalite: seats, tickets, expiry, seat reports, quick play. */
let table: TestTable;
beforeEach(async () => {
  table = await startRoomsTable();
});
afterEach(async () => {
  await table.close();
});

function joinDeps(settings: Partial<RoomSettings> = {}) {
  const deps = roomDeps(table, { serverReadiness: "heartbeat", ...settings });
  return Object.assign(deps, { seats: new DynamoDbSeats(table.db, table.tableName) });
}

type JoinDeps = ReturnType<typeof joinDeps>;

/** A RUNNING room whose server said ready with `maxPlayers` seats; returns its keys. */
async function readyRoom(
  deps: JoinDeps,
  name: string,
  maxPlayers: number,
  players = 0,
  version?: string,
) {
  await createRoom({ name, ...(version ? { version } : {}) }, deps);
  const started = await markRunning(deps, name);
  const answer = await roomHeartbeat(
    { server: name, state: "ready", players, maxPlayers, secret: started.secret },
    deps,
  );
  return { roomKey: answer.roomKey!, ticketKey: answer.ticketKey!, roomId: answer.roomId! };
}

function later(deps: TestDeps, seconds: number) {
  deps.clock = new Date(deps.clock.getTime() + seconds * 1000);
}

test("a join answers the room's address and a ticket its server verifies: its id, a seat, 60 s", async () => {
  const deps = joinDeps();
  const keys = await readyRoom(deps, "Arena", 4);
  const joined = await joinRoom({ name: "arena" }, deps);
  expect(joined).toMatchObject({ name: "Arena", ip: "203.0.113.10", port: 7777 });
  const claims = verifyTicket(joined.ticket, keys.ticketKey)!;
  expect(claims.roomId).toBe(keys.roomId);
  expect(claims.seat).toMatch(/^[0-3]\.[A-Za-z0-9_-]+$/);
  const now = deps.clock.getTime() / 1000;
  expect(claims.expiresAt).toBe(now + 60);
  expect(joined.expiresAt).toBe(new Date((now + 60) * 1000).toISOString());
  expect(verifyTicket(joined.ticket, "AAAA")).toBeUndefined();
});

test("seats are never over-booked: 12 parallel joins on 4 seats give 4 tickets on 4 seats and 8 × 409", async () => {
  const deps = joinDeps();
  const keys = await readyRoom(deps, "Small", 4);
  const results = await Promise.allSettled(
    Array.from({ length: 12 }, () => joinRoom({ name: "Small" }, deps)),
  );
  const tickets = results.flatMap((r) => (r.status === "fulfilled" ? [r.value.ticket] : []));
  expect(tickets).toHaveLength(4);
  const slots = tickets.map((t) => verifyTicket(t, keys.ticketKey)!.seat.split(".")[0]);
  expect(new Set(slots).size).toBe(4);
  for (const r of results.filter((r) => r.status === "rejected"))
    expect(r.reason).toMatchObject({
      status: 409,
      message: 'The room "Small" is full. Pick another room, or try again later.',
    });
});

test("an unused reservation frees its seat when it expires; a used seat does not expire until released", async () => {
  const deps = joinDeps({ ticketSeconds: 30 });
  const keys = await readyRoom(deps, "Two", 2);
  const first = await joinRoom({ name: "Two" }, deps);
  await joinRoom({ name: "Two" }, deps);
  await expect(joinRoom({ name: "Two" }, deps)).rejects.toMatchObject({ status: 409 });
  // The server admitted the first ticket's player.
  const seat = verifyTicket(first.ticket, keys.ticketKey)!.seat;
  await roomHeartbeat(
    {
      server: "Two",
      state: "ready",
      players: 1,
      maxPlayers: 2,
      seatsUsed: [seat],
      secret: keys.roomKey,
    },
    deps,
  );
  later(deps, 31);
  // The second reservation expired; the used seat did not.
  await joinRoom({ name: "Two" }, deps);
  await expect(joinRoom({ name: "Two" }, deps)).rejects.toMatchObject({ status: 409 });
  later(deps, 31);
  await roomHeartbeat(
    {
      server: "Two",
      state: "ready",
      players: 0,
      maxPlayers: 2,
      seatsReleased: [seat],
      secret: keys.roomKey,
    },
    deps,
  );
  expect(
    (await Promise.all([joinRoom({ name: "Two" }, deps), joinRoom({ name: "Two" }, deps)])).length,
  ).toBe(2);
});

test("players without tickets fill a room too: no seat when players reach maxPlayers", async () => {
  const deps = joinDeps();
  await readyRoom(deps, "Busy", 3, 3);
  await expect(joinRoom({ name: "Busy" }, deps)).rejects.toMatchObject({ status: 409 });
});

test("refusals: bad name 400, unknown 404, not running 409, a server without the SDK 409", async () => {
  const deps = joinDeps();
  await expect(joinRoom({ name: "bad/name" }, deps)).rejects.toMatchObject({ status: 400 });
  await expect(joinRoom({ name: "Nobody" }, deps)).rejects.toMatchObject({
    status: 404,
    message: 'No room is named "Nobody".',
  });
  await createRoom({ name: "Starting" }, deps);
  await expect(joinRoom({ name: "Starting" }, deps)).rejects.toMatchObject({ status: 409 });
  const taskDeps = joinDeps({ serverReadiness: "task" });
  await createRoom({ name: "Legacy" }, taskDeps);
  await markRunning(taskDeps, "Legacy");
  await expect(joinRoom({ name: "Legacy" }, taskDeps)).rejects.toMatchObject({
    status: 409,
    message: expect.stringContaining("takes no tickets"),
  });
});

test("seat reports must be ticket seat ids; another room's seat changes nothing", async () => {
  const deps = joinDeps();
  const keys = await readyRoom(deps, "Reports", 2);
  const beat = {
    server: "Reports",
    state: "ready",
    players: 0,
    maxPlayers: 2,
    secret: keys.roomKey,
  };
  await expect(roomHeartbeat({ ...beat, seatsUsed: "0.x" }, deps)).rejects.toMatchObject({
    status: 400,
  });
  await expect(roomHeartbeat({ ...beat, seatsUsed: ["../etc"] }, deps)).rejects.toMatchObject({
    status: 400,
  });
  await roomHeartbeat({ ...beat, seatsUsed: ["1.notissued"] }, deps);
  expect(
    (await Promise.all([joinRoom({ name: "Reports" }, deps), joinRoom({ name: "Reports" }, deps)]))
      .length,
  ).toBe(2);
});

/** The room quick play put the player in (it must have joined one, not started one). */
async function joinedRoom(answer: Promise<QuickPlayAnswer>): Promise<string> {
  const joined = await answer;
  if ("starting" in joined) throw new Error(`quick play started ${joined.starting.name}`);
  return joined.name;
}

test("quick play joins the fullest room of the version with a free seat, and refuses when none has one", async () => {
  const deps = joinDeps();
  await readyRoom(deps, "Empty", 4, 0, "1.0");
  await readyRoom(deps, "Half", 4, 2, "1.0");
  await readyRoom(deps, "Full", 4, 4, "1.0");
  await readyRoom(deps, "Other", 4, 3, "2.0");
  expect(await joinedRoom(quickPlay({ version: "1.0" }, deps))).toBe("Half");
  expect(await joinedRoom(quickPlay({ version: "1.0" }, deps))).toBe("Half");
  // Half has 2 players and 2 reservations now: full.
  expect(await joinedRoom(quickPlay({ version: "1.0" }, deps))).toBe("Empty");
  expect(await joinedRoom(quickPlay({ version: "2.0" }, deps))).toBe("Other");
  await expect(quickPlay({ version: "2.0" }, deps)).rejects.toMatchObject({
    status: 409,
    message: "No room has a free seat right now. Create one with /create_server, then join it.",
  });
  await expect(quickPlay({ version: "bad version" }, deps)).rejects.toMatchObject({ status: 400 });
});

/** Join deps whose quick play creates rooms with the create use case, recording each request. */
function creatingDeps(settings: Partial<RoomSettings> = {}) {
  const deps = joinDeps(settings);
  const requests: QuickPlayCreate[] = [];
  const creator: RoomCreator = {
    async create(input) {
      requests.push(input);
      return (await createRoom(input, deps)).room;
    },
  };
  return { deps: Object.assign(deps, { creator }), requests };
}

test("quick play with every room full starts a room of the version for the player, and answers it while it starts", async () => {
  const { deps, requests } = creatingDeps();
  await readyRoom(deps, "Full", 2, 2, "1.0");
  const answer = await quickPlay(
    { version: "1.0", client: "198.51.100.7", apiUrl: "https://api.example" },
    deps,
  );
  expect(requests).toEqual([
    { version: "1.0", client: "198.51.100.7", apiUrl: "https://api.example" },
  ]);
  if (!("starting" in answer)) throw new Error("expected a starting room");
  expect(answer.starting).toMatchObject({ status: "PROVISIONING", version: "1.0", port: 7777 });
  expect(answer.starting.name).not.toBe("Full");
  expect(deps.fleet.started.map((s) => s.name)).toEqual(["Full", answer.starting.name]);
  // Once RUNNING and ready, the player joins it by name.
  const started = await markRunning(deps, answer.starting.name);
  await roomHeartbeat(
    {
      server: answer.starting.name,
      state: "ready",
      players: 0,
      maxPlayers: 2,
      secret: started.secret,
    },
    deps,
  );
  expect((await joinRoom({ name: answer.starting.name }, deps)).name).toBe(answer.starting.name);
  // Now a room has a seat: the next quick play joins it and creates nothing.
  expect(await joinedRoom(quickPlay({ version: "1.0" }, deps))).toBe(answer.starting.name);
  expect(requests).toHaveLength(1);
});

test("quick play with every room full at the cap creates nothing and answers create's 503", async () => {
  const { deps } = creatingDeps({ maxRooms: 1 });
  await readyRoom(deps, "Only", 1, 1);
  await expect(quickPlay({ version: undefined }, deps)).rejects.toMatchObject({
    status: 503,
    message: "All servers are busy right now. Try again in a few minutes.",
  });
  expect((await deps.store.scanAll()).map((r) => r.name)).toEqual(["Only"]);
  expect(deps.fleet.started).toHaveLength(1);
});

test("quick play with no room with a seat takes a warm server: RUNNING at once, so it answers a ticket the server verifies; the room keeps its client's live-room slot", async () => {
  const { deps, requests } = creatingDeps({ warmRooms: 1, roomsPerClient: 2 });
  Object.assign(deps, { pool: new DynamoDbWarmPool(table.db, table.tableName) });
  await fillWarmPool(deps);
  const warm = deps.fleet.started.find((s) => s.warm)!;
  await markRunning(deps, warm.name);
  const beat = await roomHeartbeat(
    { server: warm.name, state: "ready", players: 0, maxPlayers: 4, secret: warm.secret },
    deps,
  );
  const answer = await quickPlay({ version: undefined, client: "198.51.100.50" }, deps);
  expect(requests).toHaveLength(1);
  if ("starting" in answer) throw new Error("a warm room is RUNNING at once");
  expect(answer).toMatchObject({ ip: "203.0.113.10", port: 7777 });
  expect(verifyTicket(answer.ticket, beat.ticketKey!)).toMatchObject({ roomId: warm.roomId });
  // No task was started for it: the warm server serves the room.
  expect(deps.fleet.started).toHaveLength(1);
  expect(await deps.store.get(answer.name)).toMatchObject({
    status: "RUNNING",
    clientKey: expect.stringMatching(/^[0-9a-f]{32}$/),
  });
});
