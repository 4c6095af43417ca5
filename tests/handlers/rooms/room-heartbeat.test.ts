import { DynamoDbSeats, SEAT_IN_USE } from "../../../handlers/aws/dynamodb-seats";
import type { RoomSettings, RoomUpdater } from "../../../handlers/ports";
import { createRoom } from "../../../handlers/rooms/create-room";
import { NOT_ROOM_SERVER_MESSAGE, UNAVAILABLE_MESSAGE } from "../../../handlers/rooms/errors";
import { joinRoom } from "../../../handlers/rooms/join-room";
import { listRooms } from "../../../handlers/rooms/list-rooms";
import { hashRoomSecret } from "../../../handlers/rooms/owner-token";
import { type HeartbeatInput, roomHeartbeat } from "../../../handlers/rooms/room-heartbeat";
import { stopRoom } from "../../../handlers/rooms/stop-room";
import { verifyTicket } from "../../../handlers/rooms/tickets";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { roomDeps, type TestDeps } from "../../support/room-deps";
import { markRunning } from "../../support/task-events";

/**
 * `roomHeartbeat` over dynalite: what a room's server SDK sends, what it is answered, and what
 * each heartbeat writes (and never writes) to the room's row.
 */
let table: TestTable;
beforeEach(async () => {
  table = await startRoomsTable();
});
afterEach(async () => {
  await table.close();
});

/** A clock with milliseconds, so that epoch seconds are rounded down. */
const START = new Date("2026-11-20T18:00:00.750Z");

function beatDeps(settings: Partial<RoomSettings> = {}) {
  const deps = roomDeps(table, { serverReadiness: "heartbeat", ...settings });
  deps.clock = START;
  return deps;
}

function withSeats(deps: TestDeps) {
  return Object.assign(deps, { seats: new DynamoDbSeats(table.db, table.tableName) });
}

function later(deps: TestDeps, seconds: number) {
  deps.clock = new Date(deps.clock.getTime() + seconds * 1000);
}

function ready(server: string, secret: string, players = 0, maxPlayers = 8): HeartbeatInput {
  return { server, state: "ready", players, maxPlayers, secret };
}

function draining(server: string, secret: string, players = 0, maxPlayers = 8): HeartbeatInput {
  return { server, state: "draining", players, maxPlayers, secret };
}

const epoch = (date: Date) => Math.floor(date.getTime() / 1000);

/** A room whose task ECS reports RUNNING; its server's ROOM_SECRET. */
async function runningTask(deps: TestDeps, name: string, version?: string) {
  await createRoom({ name, ...(version ? { version } : {}) }, deps);
  return (await markRunning(deps, name)).secret;
}

/** A RUNNING room whose server exchanged its secret and used its key once (the steady state). */
async function steadyRoom(deps: TestDeps, name: string) {
  const secret = await runningTask(deps, name);
  const { roomKey } = await roomHeartbeat(ready(name, secret), deps);
  await roomHeartbeat(ready(name, roomKey!), deps);
  return { secret, roomKey: roomKey! };
}

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!error) throw new Error("expected a failure");
  return error as { status?: number; code?: string; message: string; headers?: unknown };
}

describe("the first heartbeat (ROOM_SECRET)", () => {
  test("makes a heartbeat room RUNNING and answers a room key, a ticket key and the room id", async () => {
    const deps = beatDeps();
    const secret = await runningTask(deps, "Ready");
    expect(await deps.store.get("Ready")).toMatchObject({ status: "PENDING" });
    later(deps, 5);
    const answer = await roomHeartbeat(ready("Ready", secret, 2, 8), deps);
    const row = (await deps.store.get("Ready"))!;
    expect(answer).toStrictEqual({
      drain: false,
      heartbeatSeconds: 30,
      assigned: true,
      room: "Ready",
      roomKey: expect.stringMatching(/^[\w-]{43}$/),
      ticketKey: expect.stringMatching(/^[\w-]{43}$/),
      roomId: row.roomId,
    });
    expect(answer.roomKey).not.toBe(answer.ticketKey);
    expect(row).toMatchObject({
      status: "RUNNING",
      ready: true,
      players: 2,
      maxPlayers: 8,
      heartbeatAt: deps.clock.toISOString(),
      updatedAt: deps.clock.toISOString(),
      expiresAt: epoch(deps.clock) + deps.settings.runningTtlSeconds,
      keyHash: hashRoomSecret(answer.roomKey!),
      ticketKey: answer.ticketKey,
      // Kept until the key is used: the answer may be lost.
      bootstrapHash: hashRoomSecret(secret),
    });
    expect(deps.log.lines).toContainEqual({
      level: "info",
      message: "room running: its server is ready",
      fields: { room: "Ready" },
    });
    expect((await listRooms({}, deps)).rooms.map((r) => r.name)).toEqual(["Ready"]);
  });

  test("answers the stack's heartbeat period", async () => {
    const deps = beatDeps({ heartbeatSeconds: 12 });
    const secret = await runningTask(deps, "Period");
    expect((await roomHeartbeat(ready("Period", secret), deps)).heartbeatSeconds).toBe(12);
  });

  test("a versioned room made RUNNING by its heartbeat is listed under its version", async () => {
    const deps = beatDeps();
    const secret = await runningTask(deps, "Versioned", "1.4");
    await roomHeartbeat(ready("Versioned", secret), deps);
    expect(await deps.store.get("Versioned")).toMatchObject({ status: "RUNNING", version: "1.4" });
    const listed = await listRooms({ version: "1.4" }, deps);
    expect(listed.rooms.map((r) => r.name)).toEqual(["Versioned"]);
  });

  test("a server ready before its task runs stays where it is, ready, until the task's RUNNING event", async () => {
    const deps = beatDeps();
    await createRoom({ name: "Early" }, deps);
    const { secret } = deps.fleet.started[0];
    const answer = await roomHeartbeat(ready("Early", secret), deps);
    expect(answer).toMatchObject({ drain: false, assigned: true, room: "Early" });
    expect(await deps.store.get("Early")).toMatchObject({ status: "PROVISIONING", ready: true });
    expect(deps.log.lines.filter((l) => l.message.startsWith("room running"))).toEqual([]);
    await markRunning(deps, "Early");
    expect(await deps.store.get("Early")).toMatchObject({ status: "RUNNING", ip: "203.0.113.10" });
  });

  test("a task-readiness room is RUNNING with its task; its heartbeats only add counts", async () => {
    const deps = beatDeps({ serverReadiness: "task" });
    await createRoom({ name: "Task" }, deps);
    const { secret } = deps.fleet.started[0];
    await roomHeartbeat(ready("Task", secret, 1, 4), deps);
    expect(await deps.store.get("Task")).toMatchObject({
      status: "PROVISIONING",
      ready: true,
      players: 1,
    });
    await markRunning(deps, "Task");
    const lines = deps.log.lines.length;
    const { roomKey } = await roomHeartbeat(ready("Task", secret, 2, 4), deps);
    await roomHeartbeat(ready("Task", roomKey!, 3, 4), deps);
    expect(await deps.store.get("Task")).toMatchObject({ status: "RUNNING", players: 3 });
    expect(deps.log.lines.slice(lines)).toEqual([]);
  });

  test("an exchange repeated (its answer lost) gives a new room key and the same ticket key", async () => {
    const deps = beatDeps();
    const secret = await runningTask(deps, "Lossy");
    const first = await roomHeartbeat(ready("Lossy", secret), deps);
    const second = await roomHeartbeat(ready("Lossy", secret), deps);
    expect(second.roomKey).toMatch(/^[\w-]{43}$/);
    expect(second.roomKey).not.toBe(first.roomKey);
    expect(second.ticketKey).toBe(first.ticketKey);
    expect(second.roomId).toBe(first.roomId);
    expect((await deps.store.get("Lossy"))?.ticketKey).toBe(first.ticketKey);
    // Only the key of the last answer is the room's.
    expect(await failure(roomHeartbeat(ready("Lossy", first.roomKey!), deps))).toMatchObject({
      status: 403,
    });
    expect(await roomHeartbeat(ready("Lossy", second.roomKey!), deps)).toStrictEqual({
      drain: false,
      heartbeatSeconds: 30,
      assigned: true,
      room: "Lossy",
    });
    // The running log line was written once, by the heartbeat that made the room RUNNING.
    expect(deps.log.lines.filter((l) => l.message.startsWith("room running:"))).toHaveLength(1);
  });
});

describe("with the room key", () => {
  test("its first use spends the secret; then each heartbeat writes the counts and nothing more", async () => {
    const deps = beatDeps();
    const secret = await runningTask(deps, "Steady");
    const { roomKey } = await roomHeartbeat(ready("Steady", secret), deps);
    later(deps, 30);
    expect(await roomHeartbeat(ready("Steady", roomKey!, 3, 8), deps)).toStrictEqual({
      drain: false,
      heartbeatSeconds: 30,
      assigned: true,
      room: "Steady",
    });
    const used = (await deps.store.get("Steady"))!;
    expect(used.bootstrapHash).toBeUndefined();
    expect(used).toMatchObject({ players: 3, keyHash: hashRoomSecret(roomKey!) });
    expect(await failure(roomHeartbeat(ready("Steady", secret), deps))).toMatchObject({
      status: 403,
      message: NOT_ROOM_SERVER_MESSAGE,
    });
    later(deps, 30);
    const lines = deps.log.lines.length;
    expect(await roomHeartbeat(ready("Steady", roomKey!, 5, 6), deps)).toStrictEqual({
      drain: false,
      heartbeatSeconds: 30,
      assigned: true,
      room: "Steady",
    });
    const after = (await deps.store.get("Steady"))!;
    expect(after).toStrictEqual({
      ...used,
      players: 5,
      maxPlayers: 6,
      heartbeatAt: deps.clock.toISOString(),
      expiresAt: epoch(deps.clock) + deps.settings.runningTtlSeconds,
    });
    expect(deps.log.lines.slice(lines)).toEqual([]);
  });

  test("a wrong key, another room's key, or no key is 403 and changes nothing", async () => {
    const deps = beatDeps();
    const mine = await steadyRoom(deps, "Mine");
    const other = await steadyRoom(deps, "Other");
    const before = await deps.store.scanAll();
    for (const secret of ["wrong", other.roomKey, other.secret, ""]) {
      expect(await failure(roomHeartbeat(ready("Mine", secret, 7), deps))).toMatchObject({
        status: 403,
        code: "NotRoomServer",
        message: NOT_ROOM_SERVER_MESSAGE,
      });
    }
    const { secret: _none, ...unsigned } = ready("Mine", mine.roomKey, 7);
    expect(await failure(roomHeartbeat(unsigned, deps))).toMatchObject({ status: 403 });
    expect(await deps.store.scanAll()).toEqual(before);
  });

  test("an unknown room is 404 and no row is created", async () => {
    const deps = beatDeps();
    const { roomKey } = await steadyRoom(deps, "Known");
    expect(await failure(roomHeartbeat(ready("Nobody", roomKey), deps))).toMatchObject({
      status: 404,
      code: "RoomNotFound",
      message: 'No room is named "Nobody".',
    });
    expect((await deps.store.scanAll()).map((r) => r.name)).toEqual(["Known"]);
  });

  test("a room whose ready flag is absent is made ready again (not the one-write path)", async () => {
    const deps = beatDeps();
    const { roomKey } = await steadyRoom(deps, "Flagless");
    await deps.updater.update("Flagless", { set: {}, remove: ["ready"] }, {});
    await roomHeartbeat(ready("Flagless", roomKey, 1), deps);
    expect(await deps.store.get("Flagless")).toMatchObject({ ready: true, players: 1 });
  });
});

describe("draining and stopping", () => {
  test("draining makes the room STOPPING and unlisted; a later ready heartbeat revives nothing", async () => {
    const deps = beatDeps();
    const { roomKey } = await steadyRoom(deps, "Drain");
    later(deps, 10);
    expect(await roomHeartbeat(draining("Drain", roomKey, 2), deps)).toStrictEqual({
      drain: true,
      heartbeatSeconds: 30,
      assigned: true,
      room: "Drain",
    });
    const stopping = (await deps.store.get("Drain"))!;
    expect(stopping).toMatchObject({
      status: "STOPPING",
      players: 2,
      updatedAt: deps.clock.toISOString(),
      heartbeatAt: deps.clock.toISOString(),
    });
    expect(deps.log.lines).toContainEqual({
      level: "info",
      message: "room draining: its server is leaving",
      fields: { room: "Drain" },
    });
    expect((await listRooms({}, deps)).rooms).toEqual([]);
    later(deps, 10);
    expect(await roomHeartbeat(ready("Drain", roomKey, 0), deps)).toStrictEqual({
      drain: true,
      heartbeatSeconds: 30,
      assigned: true,
      room: "Drain",
    });
    expect(await deps.store.get("Drain")).toStrictEqual(stopping);
  });

  test("an owner's stop is answered with drain, to the key and the unspent secret; nothing is written", async () => {
    const deps = beatDeps();
    const owned = await createRoom({ name: "Stopped" }, deps);
    const { secret } = await markRunning(deps, "Stopped");
    const { roomKey } = await roomHeartbeat(ready("Stopped", secret), deps);
    await stopRoom({ name: "Stopped", ownerToken: owned.ownerToken }, deps);
    const before = await deps.store.get("Stopped");
    later(deps, 10);
    for (const token of [roomKey!, secret]) {
      expect(await roomHeartbeat(ready("Stopped", token, 4), deps)).toStrictEqual({
        drain: true,
        heartbeatSeconds: 30,
        assigned: true,
        room: "Stopped",
      });
    }
    expect(await deps.store.get("Stopped")).toStrictEqual(before);
  });

  test("a server that drains before it ever used its key gets its keys and a STOPPING room", async () => {
    const deps = beatDeps();
    const secret = await runningTask(deps, "Quitter");
    const answer = await roomHeartbeat(draining("Quitter", secret), deps);
    expect(answer).toMatchObject({
      drain: true,
      assigned: true,
      room: "Quitter",
      roomKey: expect.stringMatching(/^[\w-]{43}$/),
      ticketKey: expect.stringMatching(/^[\w-]{43}$/),
    });
    expect(await deps.store.get("Quitter")).toMatchObject({ status: "STOPPING" });
    expect(deps.log.lines.filter((l) => l.message.startsWith("room running:"))).toEqual([]);
  });
});

describe("what a heartbeat must say", () => {
  test.each<[string, Partial<HeartbeatInput>, string]>([
    ["an unknown state", { state: "sleepy" }, `'state' must be "ready" or "draining".`],
    ["no state", { state: undefined }, `'state' must be "ready" or "draining".`],
    ["maxPlayers 0", { maxPlayers: 0 }, "'maxPlayers' must be a whole number from 1 to 4096."],
    [
      "maxPlayers 4097",
      { maxPlayers: 4097 },
      "'maxPlayers' must be a whole number from 1 to 4096.",
    ],
    ["maxPlayers -1", { maxPlayers: -1 }, "'maxPlayers' must be a whole number from 1 to 4096."],
    ["maxPlayers 2.5", { maxPlayers: 2.5 }, "'maxPlayers' must be a whole number from 1 to 4096."],
    ["maxPlayers '8'", { maxPlayers: "8" }, "'maxPlayers' must be a whole number from 1 to 4096."],
    [
      "no maxPlayers",
      { maxPlayers: undefined },
      "'maxPlayers' must be a whole number from 1 to 4096.",
    ],
    [
      "players above maxPlayers",
      { players: 9 },
      "'players' must be a whole number from 0 to maxPlayers.",
    ],
    ["negative players", { players: -1 }, "'players' must be a whole number from 0 to maxPlayers."],
    [
      "fractional players",
      { players: 0.5 },
      "'players' must be a whole number from 0 to maxPlayers.",
    ],
    ["players as text", { players: "1" }, "'players' must be a whole number from 0 to maxPlayers."],
    [
      "no players",
      { players: undefined },
      "'players' must be a whole number from 0 to maxPlayers.",
    ],
    [
      "a bad name",
      { server: "<b>" },
      "A room name has 1 to 32 characters: letters, digits, spaces, '-' and '_'.",
    ],
    [
      "a name that is not text",
      { server: 42 },
      "A room name has 1 to 32 characters: letters, digits, spaces, '-' and '_'.",
    ],
    [
      "a placeholder that is not hex",
      { server: "~xyz12345" },
      "A room name has 1 to 32 characters: letters, digits, spaces, '-' and '_'.",
    ],
    [
      "seatsUsed that is not a list",
      { seatsUsed: "0.abc" },
      "'seatsUsed' must be a list of at most 64 ticket seat ids.",
    ],
    [
      "seatsReleased with a number",
      { seatsReleased: [1] },
      "'seatsReleased' must be a list of at most 64 ticket seat ids.",
    ],
  ])(
    "%s is 400, before the secret is looked at, and changes nothing",
    async (_why, change, message) => {
      const deps = beatDeps();
      const { roomKey } = await steadyRoom(deps, "Bad");
      const before = await deps.store.scanAll();
      for (const secret of [roomKey, undefined]) {
        expect(
          await failure(roomHeartbeat({ ...ready("Bad", roomKey), ...change, secret }, deps)),
        ).toMatchObject({ status: 400, code: "InvalidRequest", message });
      }
      expect(await deps.store.scanAll()).toEqual(before);
    },
  );

  test("counts at their limits are taken: 4096 seats, a full room, an empty one", async () => {
    const deps = beatDeps();
    const { roomKey } = await steadyRoom(deps, "Edges");
    await roomHeartbeat(ready("Edges", roomKey, 4096, 4096), deps);
    expect(await deps.store.get("Edges")).toMatchObject({ players: 4096, maxPlayers: 4096 });
    await roomHeartbeat(ready("Edges", roomKey, 1, 1), deps);
    expect(await deps.store.get("Edges")).toMatchObject({ players: 1, maxPlayers: 1 });
    await roomHeartbeat(ready("Edges", roomKey, 0, 1), deps);
    expect(await deps.store.get("Edges")).toMatchObject({ players: 0, maxPlayers: 1 });
  });

  test.each([
    ["a seat number of 5 digits", ["12345.abc"]],
    ["no seat number", [".abc"]],
    ["no random part", ["1."]],
    ["a random part of 17", [`1.${"a".repeat(17)}`]],
    ["a letter before the number", ["x1.abc"]],
    ["a character after the id", ["1.abc!"]],
    ["a space", ["1.a c"]],
    ["no dot", ["1abc"]],
    ["a number that reads as an id", [1.5]],
    ["65 ids", Array.from({ length: 65 }, (_, i) => `${i}.abc`)],
  ])("a seat report with %s is 400", async (_why, ids) => {
    const deps = withSeats(beatDeps());
    const { roomKey } = await steadyRoom(deps, "Seats");
    for (const field of ["seatsUsed", "seatsReleased"]) {
      expect(
        await failure(roomHeartbeat({ ...ready("Seats", roomKey), [field]: ids }, deps)),
      ).toMatchObject({
        status: 400,
        message: `'${field}' must be a list of at most 64 ticket seat ids.`,
      });
    }
  });

  test("seat ids at their limits are taken: 4 digits, 16 characters, 64 of them", async () => {
    const deps = withSeats(beatDeps());
    const { roomKey } = await steadyRoom(deps, "SeatEdges");
    const ids = [
      "1234.a",
      `0.${"aZ9_-".repeat(3)}b`,
      ...Array.from({ length: 62 }, (_, i) => `${i}.x`),
    ];
    expect(ids).toHaveLength(64);
    const answer = await roomHeartbeat(
      { ...ready("SeatEdges", roomKey), seatsUsed: ids, seatsReleased: ids },
      deps,
    );
    expect(answer).toMatchObject({ drain: false, room: "SeatEdges" });
  });

  test("the function needs its updater", async () => {
    const deps = beatDeps();
    const secret = await runningTask(deps, "NoUpdater");
    const { updater: _updater, ...rest } = deps;
    await expect(roomHeartbeat(ready("NoUpdater", secret), rest)).rejects.toThrow(
      "room_heartbeat needs deps.updater",
    );
  });
});

describe("seat reports", () => {
  async function joinedRoom(deps: ReturnType<typeof withSeats>, name: string, maxPlayers: number) {
    const secret = await runningTask(deps, name);
    const { roomKey, ticketKey } = await roomHeartbeat(ready(name, secret, 0, maxPlayers), deps);
    await roomHeartbeat(ready(name, roomKey!, 0, maxPlayers), deps);
    return { roomKey: roomKey!, ticketKey: ticketKey! };
  }

  async function seatsOf(deps: ReturnType<typeof withSeats>, name: string) {
    return (await deps.seats.read(name))!.seats.sort((a, b) => a.slot - b.slot);
  }

  test("used seats stop expiring and released seats are freed, on the steady path and the slow one", async () => {
    const deps = withSeats(beatDeps());
    const keys = await joinedRoom(deps, "Seated", 3);
    const tickets = [];
    for (let i = 0; i < 3; i++) tickets.push((await joinRoom({ name: "Seated" }, deps)).ticket);
    const [a, b, c] = tickets.map((t) => verifyTicket(t, keys.ticketKey)!.seat);
    await roomHeartbeat({ ...ready("Seated", keys.roomKey, 2, 3), seatsUsed: [a, b] }, deps);
    const inUse = async () =>
      Object.fromEntries(
        (await seatsOf(deps, "Seated")).map((s) => [s.id, s.expiresAt === SEAT_IN_USE]),
      );
    expect(await inUse()).toEqual({ [a]: true, [b]: true, [c]: false });
    await roomHeartbeat({ ...ready("Seated", keys.roomKey, 1, 3), seatsReleased: [a] }, deps);
    expect((await seatsOf(deps, "Seated")).map((s) => s.id).sort()).toEqual([b, c].sort());
    // Both in one heartbeat, while draining (the slow path): used first, then released.
    await roomHeartbeat(
      { ...draining("Seated", keys.roomKey, 1, 3), seatsUsed: [c], seatsReleased: [b] },
      deps,
    );
    expect(await seatsOf(deps, "Seated")).toEqual([
      expect.objectContaining({ id: c, inUse: true }),
    ]);
  });

  test("a seat used and released in one heartbeat is free", async () => {
    const deps = withSeats(beatDeps());
    const keys = await joinedRoom(deps, "Brief", 1);
    const seat = verifyTicket(
      (await joinRoom({ name: "Brief" }, deps)).ticket,
      keys.ticketKey,
    )!.seat;
    await roomHeartbeat(
      { ...ready("Brief", keys.roomKey, 0, 1), seatsUsed: [seat], seatsReleased: [seat] },
      deps,
    );
    expect(await seatsOf(deps, "Brief")).toEqual([]);
  });

  test("seat reports need the seat store; heartbeats without reports do not", async () => {
    const deps = beatDeps();
    const { roomKey } = await steadyRoom(deps, "NoSeats");
    await roomHeartbeat({ ...ready("NoSeats", roomKey), seatsUsed: [], seatsReleased: [] }, deps);
    await expect(
      roomHeartbeat({ ...ready("NoSeats", roomKey), seatsUsed: ["0.abc"] }, deps),
    ).rejects.toThrow("room_heartbeat needs deps.seats for seat reports");
    await expect(
      roomHeartbeat({ ...ready("NoSeats", roomKey), seatsReleased: ["0.abc"] }, deps),
    ).rejects.toThrow("room_heartbeat needs deps.seats for seat reports");
  });

  test("seats are reported only after the key is checked", async () => {
    const deps = withSeats(beatDeps());
    const keys = await joinedRoom(deps, "Guarded", 2);
    const seat = verifyTicket(
      (await joinRoom({ name: "Guarded" }, deps)).ticket,
      keys.ticketKey,
    )!.seat;
    const before = await seatsOf(deps, "Guarded");
    for (const secret of ["wrong", keys.ticketKey]) {
      await expect(
        roomHeartbeat({ ...ready("Guarded", secret), seatsReleased: [seat] }, deps),
      ).rejects.toMatchObject({ status: 403 });
    }
    expect(await seatsOf(deps, "Guarded")).toEqual(before);
  });
});

describe("races", () => {
  /** The real updater; before each of its slow-path writes, another writer changes the row. */
  function racingUpdater(deps: TestDeps, races: number) {
    const real = deps.updater;
    const writes: string[] = [];
    let left = races;
    const updater: RoomUpdater = {
      applyState: (...args) => real.applyState(...args),
      async update(name, change, expected) {
        const slow = "roomId" in expected;
        writes.push(slow ? "slow" : "steady");
        if (slow && left > 0) {
          left--;
          // A task event (or another heartbeat) moves the row on between the read and the write.
          const row = (await deps.store.get(name))!;
          await real.update(name, { set: { taskRunning: !row.taskRunning } }, {});
        }
        return real.update(name, change, expected);
      },
    };
    return { deps: { ...deps, updater }, writes };
  }

  test("a write that loses to another writer is read and tried again, three times in all", async () => {
    const base = beatDeps();
    const secret = await runningTask(base, "Raced");
    const { deps, writes } = racingUpdater(base, 2);
    const answer = await roomHeartbeat(ready("Raced", secret, 1), deps);
    expect(answer).toMatchObject({ drain: false, room: "Raced", roomKey: expect.any(String) });
    expect(writes).toEqual(["steady", "slow", "slow", "slow"]);
    expect(await base.store.get("Raced")).toMatchObject({
      keyHash: hashRoomSecret(answer.roomKey!),
      players: 1,
    });
  });

  test("after three lost writes the heartbeat is a 503 to retry in a second, and nothing is written", async () => {
    const base = beatDeps();
    const secret = await runningTask(base, "Busy");
    const { deps, writes } = racingUpdater(base, 3);
    expect(await failure(roomHeartbeat(ready("Busy", secret, 1), deps))).toMatchObject({
      status: 503,
      code: "Unavailable",
      message: UNAVAILABLE_MESSAGE,
      headers: { "retry-after": "1" },
    });
    expect(writes).toEqual(["steady", "slow", "slow", "slow"]);
    const row = (await base.store.get("Busy"))!;
    expect(row.keyHash).toBeUndefined();
    expect(row.players).toBeUndefined();
  });

  test("the steady state is one write: a ready RUNNING room whose key was used once", async () => {
    const base = beatDeps();
    const { roomKey } = await steadyRoom(base, "OneWrite");
    const { deps, writes } = racingUpdater(base, 0);
    expect(await roomHeartbeat(ready("OneWrite", roomKey, 2), deps)).toStrictEqual({
      drain: false,
      heartbeatSeconds: 30,
      assigned: true,
      room: "OneWrite",
    });
    expect(writes).toEqual(["steady"]);
    expect(await base.store.get("OneWrite")).toMatchObject({ players: 2 });
  });

  test("a draining heartbeat never takes the one-write path", async () => {
    const base = beatDeps();
    const { roomKey } = await steadyRoom(base, "Leaving");
    const { deps, writes } = racingUpdater(base, 0);
    await roomHeartbeat(draining("Leaving", roomKey), deps);
    expect(writes).toEqual(["slow"]);
  });
});
