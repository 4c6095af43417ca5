import { applyTaskStateChange } from "../../../handlers/rooms/apply-task-state-change";
import { createRoom } from "../../../handlers/rooms/create-room";
import { NAME_RULES } from "../../../handlers/rooms/room-names";
import { getRoom } from "../../../handlers/rooms/get-room";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { roomDeps } from "../../support/room-deps";
import { taskEvent } from "../../support/task-events";

let table: TestTable;
beforeEach(async () => {
  table = await startRoomsTable();
});
afterEach(async () => {
  await table.close();
});

describe("getRoom", () => {
  test("reads a room by its name in any case and trimmed; the address only once RUNNING", async () => {
    const deps = roomDeps(table);
    const created = await createRoom({ name: "Look Here", version: "1.2" }, deps);
    expect(await getRoom("  look here ", deps)).toStrictEqual(created.room);
    expect(created.room).toStrictEqual({
      name: "Look Here",
      status: "PROVISIONING",
      port: 7777,
      version: "1.2",
      createdAt: "2026-11-20T18:00:00.000Z",
      updatedAt: "2026-11-20T18:00:00.000Z",
    });
    const [started] = deps.fleet.started;
    deps.clock = new Date("2026-11-20T18:01:00.000Z");
    await applyTaskStateChange(
      taskEvent({
        taskArn: started.serverId,
        roomId: started.roomId,
        roomName: "Look Here",
        lastStatus: "RUNNING",
        version: 3,
      }),
      deps,
    );
    expect(await getRoom("LOOK HERE", deps)).toStrictEqual({
      name: "Look Here",
      status: "RUNNING",
      ip: "203.0.113.10",
      port: 7777,
      version: "1.2",
      createdAt: "2026-11-20T18:00:00.000Z",
      updatedAt: "2026-11-20T18:01:00.000Z",
    });
  });

  test("an unknown room is a 404 that names it", async () => {
    const deps = roomDeps(table);
    await expect(getRoom(" Nowhere ", deps)).rejects.toMatchObject({
      status: 404,
      code: "RoomNotFound",
      message: 'No room is named "Nowhere".',
    });
  });

  test.each<[string, unknown]>([
    ["no name", undefined],
    ["an empty name", ""],
    ["a placeholder name", "~0123456789abcdef"],
    ["a name too long", "x".repeat(33)],
  ])("%s is a 400, and the store is not read", async (_, raw) => {
    const deps = roomDeps(table);
    const reads: string[] = [];
    const store = { get: (name: string) => (reads.push(name), deps.store.get(name)) };
    await expect(getRoom(raw, { store } as never)).rejects.toMatchObject({
      status: 400,
      message: NAME_RULES,
    });
    expect(reads).toEqual([]);
  });
});
