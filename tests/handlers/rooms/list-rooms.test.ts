import type { RoomsError } from "../../../handlers/rooms/errors";
import { listRooms, PAGE_SIZE } from "../../../handlers/rooms/list-rooms";
import type { RoomStatus } from "../../../handlers/rooms/room";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { roomDeps } from "../../support/room-deps";
import { seededRoom, seedRooms } from "../../support/seeded-rooms";

let table: TestTable;
beforeEach(async () => {
  table = await startRoomsTable();
});
afterEach(async () => {
  await table.close();
});

describe("listRooms", () => {
  test("a page reads a bounded number of items: 3,000 starting rooms and 5 running ones", async () => {
    const statuses: RoomStatus[] = ["PROVISIONING", "PENDING", "STOPPING"];
    await seedRooms(table, [
      ...Array.from({ length: 3000 }, (_, i) => seededRoom(i, statuses[i % 3])),
      ...Array.from({ length: 5 }, (_, i) => seededRoom(5000 + i, "RUNNING")),
    ]);
    const deps = roomDeps(table, { maxRooms: 10_000 });
    const page = await listRooms({ page: "0" }, deps);
    expect(page.rooms.map((r) => r.name)).toEqual([
      "Room 05000",
      "Room 05001",
      "Room 05002",
      "Room 05003",
      "Room 05004",
    ]);
    expect(page.rooms.every((r) => r.status === "RUNNING" && r.ip)).toBe(true);
    expect(page.itemsRead).toBe(5);
  });

  test("pages of 20 in name order, by page number or by cursor, each reading at most 20 per step", async () => {
    await seedRooms(
      table,
      Array.from({ length: 45 }, (_, i) => seededRoom(i, "RUNNING")),
    );
    const deps = roomDeps(table, { maxRooms: 100 });
    const pages = await Promise.all(
      [0, 1, 2, 3].map((page) => listRooms({ page: String(page) }, deps)),
    );
    expect(pages.map((p) => p.rooms.length)).toEqual([20, 20, 5, 0]);
    expect(pages[1].rooms[0].name).toBe("Room 00020");
    expect(pages[1].itemsRead).toBe(2 * PAGE_SIZE);
    const byCursor = await listRooms({ cursor: pages[0].nextCursor }, deps);
    expect(byCursor.rooms).toEqual(pages[1].rooms);
    expect(byCursor.itemsRead).toBe(PAGE_SIZE);
  });

  test("a page past the room cap reads nothing", async () => {
    await seedRooms(
      table,
      Array.from({ length: 30 }, (_, i) => seededRoom(i, "RUNNING")),
    );
    const deps = roomDeps(table, { maxRooms: 20 });
    expect(await listRooms({ page: 1 }, deps)).toEqual({ rooms: [], itemsRead: 0 });
  });

  test("the version filter lists only rooms of that game version", async () => {
    await seedRooms(table, [
      seededRoom(1, "RUNNING", "1.0"),
      seededRoom(2, "RUNNING", "2.0"),
      seededRoom(3, "RUNNING"),
      seededRoom(4, "PENDING", "2.0"),
    ]);
    const deps = roomDeps(table);
    const page = await listRooms({ version: "2.0" }, deps);
    expect(page.rooms.map((r) => r.name)).toEqual(["Room 00002"]);
    expect(page.itemsRead).toBe(1);
  });

  test.each([["-1"], ["1.5"], ["abc"], ["99999999999999999999"], ["1e3"], [" 1"]])(
    "page %p is a 400",
    async (page) => {
      const error = await listRooms({ page }, roomDeps(table)).catch((e: unknown) => e);
      expect((error as RoomsError).status).toBe(400);
      expect((error as RoomsError).message).toMatch(/'page' must be a whole number/);
    },
  );

  test.each([
    ["garbage!"],
    ["eyJwayI6MX0"],
    [Buffer.from('{"pk":"room#a","runningKey":"PENDING"}').toString("base64url")],
  ])("cursor %p is a 400", async (cursor) => {
    const error = await listRooms({ cursor }, roomDeps(table)).catch((e: unknown) => e);
    expect((error as RoomsError).status).toBe(400);
  });
});

describe("listRooms: what clients may ask", () => {
  async function refusal(input: Parameters<typeof listRooms>[0], maxRooms = 50) {
    const error = (await listRooms(input, roomDeps(table, { maxRooms })).catch(
      (e: unknown) => e,
    )) as RoomsError;
    return { status: error.status, code: error.code, message: error.message };
  }

  test("a page and a cursor together are a 400", async () => {
    await seedRooms(table, [seededRoom(1, "RUNNING")]);
    expect(await refusal({ page: "0", cursor: "abc" })).toEqual({
      status: 400,
      code: "InvalidRequest",
      message: "Give either 'page' or 'cursor', not both.",
    });
  });

  test.each([[""], [5], [{}]])(
    "cursor %p is a 400 that says the cursor is not valid",
    async (cursor) => {
      expect(await refusal({ cursor })).toEqual({
        status: 400,
        code: "InvalidRequest",
        message: "The cursor is not valid.",
      });
    },
  );

  test.each([["100001"], [100_001], ["1000000"], ["0000001"], [true], [{}], [[5]], [-1]])(
    "page %p is a 400 that names the range",
    async (page) => {
      expect(await refusal({ page })).toEqual({
        status: 400,
        code: "InvalidRequest",
        message: "'page' must be a whole number from 0 to 100000.",
      });
    },
  );

  test.each([["100000"], [100_000], ["000100"]])(
    "page %p is taken (past the cap: an empty page, nothing read)",
    async (page) => {
      expect(await listRooms({ page }, roomDeps(table, { maxRooms: 50 }))).toStrictEqual({
        rooms: [],
        itemsRead: 0,
      });
    },
  );

  test.each([["TRUE"], ["yes"], ["1"], [true]])("joinable=%p is a 400", async (joinable) => {
    expect(await refusal({ joinable })).toEqual({
      status: 400,
      code: "InvalidRequest",
      message: "'joinable' must be true or false.",
    });
  });

  test("a bad version is a 400, whatever else is given", async () => {
    for (const input of [{ version: "1 0" }, { version: "1 0", cursor: "x", page: "0" }]) {
      expect(await refusal(input)).toMatchObject({
        status: 400,
        message: "A version has 1 to 32 characters: letters, digits, '.', '_', '+' and '-'.",
      });
    }
  });
});

describe("listRooms: pages", () => {
  test("no page, an empty one, page 0 and page 0 as a number are the first page", async () => {
    await seedRooms(
      table,
      Array.from({ length: 25 }, (_, i) => seededRoom(i, "RUNNING")),
    );
    const deps = roomDeps(table);
    const first = await listRooms({ page: "0" }, deps);
    expect(first.rooms.map((r) => r.name)).toEqual(
      Array.from({ length: 20 }, (_, i) => `Room ${String(i).padStart(5, "0")}`),
    );
    for (const input of [{}, { page: "" }, { page: 0 }, { joinable: "" }, { joinable: "false" }])
      expect(await listRooms(input, deps)).toEqual(first);
    expect((await listRooms({ page: 1 }, deps)).rooms.map((r) => r.name)).toEqual(
      Array.from({ length: 5 }, (_, i) => `Room ${String(20 + i).padStart(5, "0")}`),
    );
  });

  test("the last page has no cursor; the page past it is empty and reads what it skipped", async () => {
    await seedRooms(
      table,
      Array.from({ length: 45 }, (_, i) => seededRoom(i, "RUNNING")),
    );
    const deps = roomDeps(table, { maxRooms: 100 });
    const last = await listRooms({ page: 2 }, deps);
    expect(Object.keys(last).sort()).toEqual(["itemsRead", "rooms"]);
    expect(last.itemsRead).toBe(45);
    expect(await listRooms({ page: 3 }, deps)).toStrictEqual({ rooms: [], itemsRead: 45 });
    expect(await listRooms({ page: 4 }, deps)).toStrictEqual({ rooms: [], itemsRead: 45 });
    const middle = await listRooms({ page: 1 }, deps);
    expect(middle.nextCursor).toEqual(expect.any(String));
    const byCursor = await listRooms({ cursor: middle.nextCursor }, deps);
    expect(byCursor.rooms).toEqual(last.rooms);
    expect(Object.keys(byCursor).sort()).toEqual(["itemsRead", "rooms"]);
  });

  test("the cap is exact: a page that starts at the cap reads nothing, one that starts below it reads", async () => {
    await seedRooms(
      table,
      Array.from({ length: 45 }, (_, i) => seededRoom(i, "RUNNING")),
    );
    expect(await listRooms({ page: 2 }, roomDeps(table, { maxRooms: 40 }))).toStrictEqual({
      rooms: [],
      itemsRead: 0,
    });
    expect((await listRooms({ page: 2 }, roomDeps(table, { maxRooms: 41 }))).rooms).toHaveLength(5);
    expect(
      await listRooms({ page: 2, joinable: "true" }, roomDeps(table, { maxRooms: 40 })),
    ).toStrictEqual({ rooms: [], itemsRead: 0 });
  });

  test("a cursor keeps to the version it was made for", async () => {
    await seedRooms(table, [
      ...Array.from({ length: 25 }, (_, i) => seededRoom(i, "RUNNING", "1.0")),
      ...Array.from({ length: 25 }, (_, i) => seededRoom(100 + i, "RUNNING", "2.0")),
    ]);
    const deps = roomDeps(table);
    const first = await listRooms({ version: "2.0" }, deps);
    expect(first.rooms).toHaveLength(20);
    const second = await listRooms({ version: "2.0", cursor: first.nextCursor }, deps);
    expect(second.rooms.map((r) => r.name)).toEqual(
      Array.from({ length: 5 }, (_, i) => `Room ${String(120 + i).padStart(5, "0")}`),
    );
    expect((await listRooms({ version: "2.0", page: 1 }, deps)).rooms).toEqual(second.rooms);
  });

  test("clients see a room's public fields only", async () => {
    await seedRooms(table, [
      {
        ...seededRoom(7, "RUNNING", "1.0"),
        players: 2,
        maxPlayers: 8,
        protocol: "tcp",
        readiness: "heartbeat",
        ready: true,
        keyHash: "a".repeat(64),
        ticketKey: "secret-ticket-key",
      },
    ]);
    const page = await listRooms({}, roomDeps(table));
    expect(page).toStrictEqual({
      rooms: [
        {
          name: "Room 00007",
          status: "RUNNING",
          ip: "198.51.100.7",
          port: 7777,
          version: "1.0",
          players: 2,
          maxPlayers: 8,
          protocol: "tcp",
          createdAt: "2026-11-20T18:00:00.000Z",
          updatedAt: "2026-11-20T18:00:00.000Z",
        },
      ],
      itemsRead: 1,
    });
  });
});

describe("listRooms: joinable=true", () => {
  function withSeats(
    i: number,
    players: number | undefined,
    maxPlayers: number | undefined,
    version?: string,
  ) {
    return {
      ...seededRoom(i, "RUNNING", version),
      ...(players !== undefined ? { players } : {}),
      ...(maxPlayers !== undefined ? { maxPlayers } : {}),
    };
  }

  test("rooms with a free seat, fullest first, then by name; full rooms and rooms without counts are left out", async () => {
    await seedRooms(table, [
      withSeats(1, 0, 4),
      withSeats(2, 3, 4),
      withSeats(3, 4, 4),
      withSeats(4, undefined, undefined),
      withSeats(5, 1, undefined),
      withSeats(6, 3, 8),
      withSeats(7, 7, 8),
      withSeats(8, 1, 2),
      { ...seededRoom(9, "PENDING"), players: 0, maxPlayers: 4 },
    ]);
    const page = await listRooms({ joinable: "true" }, roomDeps(table));
    expect(page.rooms.map((r) => [r.name, r.players])).toEqual([
      ["Room 00007", 7],
      ["Room 00002", 3],
      ["Room 00006", 3],
      ["Room 00008", 1],
      ["Room 00001", 0],
    ]);
    expect(page.itemsRead).toBe(8);
    expect(Object.keys(page).sort()).toEqual(["itemsRead", "rooms"]);
    expect(page.rooms[0]).not.toHaveProperty("roomId");
  });

  test("reads every running room of the version, in batches, and pages the result by 20", async () => {
    await seedRooms(table, [
      ...Array.from({ length: 130 }, (_, i) => withSeats(i, i % 5, 10, "1.0")),
      ...Array.from({ length: 10 }, (_, i) => withSeats(500 + i, 9, 10, "2.0")),
    ]);
    const deps = roomDeps(table, { maxRooms: 1000 });
    const pages = [];
    for (let page = 0; page < 8; page++)
      pages.push(await listRooms({ joinable: "true", version: "1.0", page }, deps));
    expect(pages.map((p) => p.rooms.length)).toEqual([20, 20, 20, 20, 20, 20, 10, 0]);
    expect(pages.every((p) => p.itemsRead === 130)).toBe(true);
    const all = pages.flatMap((p) => p.rooms);
    expect(new Set(all.map((r) => r.name)).size).toBe(130);
    expect(all.every((r) => r.version === "1.0")).toBe(true);
    const players = all.map((r) => r.players!);
    expect(players).toEqual([...players].sort((a, b) => b - a));
    expect(all[0].name).toBe("Room 00004");
    expect(all[1].name).toBe("Room 00009");
  });
});
