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
