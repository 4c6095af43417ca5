import { applyTaskStateChange } from "../../../handlers/rooms/apply-task-state-change";
import { createRoom, newRecord } from "../../../handlers/rooms/create-room";
import { NOT_OWNER_MESSAGE, type RoomsError } from "../../../handlers/rooms/errors";
import { hashOwnerToken, newOwnerToken } from "../../../handlers/rooms/owner-token";
import { NAME_RULES } from "../../../handlers/rooms/room-names";
import { stopRoom } from "../../../handlers/rooms/stop-room";
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

async function runningRoom(deps: ReturnType<typeof roomDeps>) {
  const { ownerToken } = await createRoom({ name: "Keep" }, deps);
  const started = deps.fleet.started[0];
  await applyTaskStateChange(
    taskEvent({
      taskArn: started.serverId,
      roomId: started.roomId,
      roomName: "Keep",
      lastStatus: "RUNNING",
      version: 3,
    }),
    deps,
  );
  return { ownerToken, started };
}

describe("stopRoom", () => {
  test("with the owner token, the task is stopped and the room is STOPPING until its task stops", async () => {
    const deps = roomDeps(table);
    const { ownerToken, started } = await runningRoom(deps);
    const room = await stopRoom({ name: "keep", ownerToken }, deps);
    expect(room.status).toBe("STOPPING");
    expect(room).not.toHaveProperty("ip");
    expect(deps.fleet.stopped).toEqual([
      { serverId: started.serverId, reason: "stopped by its owner" },
    ]);
    expect(await deps.store.get("Keep")).toMatchObject({ status: "STOPPING" });
    await applyTaskStateChange(
      taskEvent({
        taskArn: started.serverId,
        roomId: started.roomId,
        roomName: "Keep",
        lastStatus: "STOPPED",
        version: 5,
      }),
      deps,
    );
    expect(await deps.store.get("Keep")).toBeUndefined();
  });

  test.each([
    ["a wrong token", "not-the-token"],
    ["a missing token", undefined],
    ["an empty token", ""],
  ])("with %s: 403, no task stopped, the room unchanged", async (_, ownerToken) => {
    const deps = roomDeps(table);
    await runningRoom(deps);
    const before = await deps.store.get("Keep");
    const error = await stopRoom({ name: "Keep", ownerToken }, deps).catch((e: unknown) => e);
    expect((error as RoomsError).status).toBe(403);
    expect(deps.fleet.stopped).toEqual([]);
    expect(await deps.store.get("Keep")).toEqual(before);
  });

  test("another room's token does not stop this room", async () => {
    const deps = roomDeps(table);
    await runningRoom(deps);
    const other = await createRoom({ name: "Other" }, deps);
    const error = await stopRoom({ name: "Keep", ownerToken: other.ownerToken }, deps).catch(
      (e: unknown) => e,
    );
    expect((error as RoomsError).status).toBe(403);
    expect(deps.fleet.stopped).toEqual([]);
  });

  test("an unknown room is a 404", async () => {
    const deps = roomDeps(table);
    const error = await stopRoom({ name: "Nowhere", ownerToken: "x" }, deps).catch(
      (e: unknown) => e,
    );
    expect((error as RoomsError).status).toBe(404);
  });
});

describe("stopRoom: exact answers", () => {
  test("returns the room as STOPPING at the time of the stop, counts it, and logs it", async () => {
    const deps = roomDeps(table);
    const { ownerToken, started } = await runningRoom(deps);
    const counted: Array<[string, number | undefined]> = [];
    Object.assign(deps, {
      metrics: { count: (name: string, value?: number) => counted.push([name, value]) },
    });
    const before = (await deps.store.get("Keep"))!;
    deps.clock = new Date("2026-11-20T18:30:00.000Z");
    const room = await stopRoom({ name: " KEEP ", ownerToken }, deps);
    expect(room).toStrictEqual({
      name: "Keep",
      status: "STOPPING",
      port: 7777,
      createdAt: before.createdAt,
      updatedAt: "2026-11-20T18:30:00.000Z",
    });
    expect(await deps.store.get("Keep")).toMatchObject({
      status: "STOPPING",
      updatedAt: "2026-11-20T18:30:00.000Z",
      serverId: started.serverId,
    });
    expect(counted).toEqual([["RoomsStopped", undefined]]);
    expect(deps.log.lines).toContainEqual({
      level: "info",
      message: "room stopping at its owner's request",
      fields: { room: "Keep" },
    });
  });

  test.each<[string, unknown]>([
    ["no name", undefined],
    ["an empty name", ""],
  ])("%s: 400 asking for the name, nothing read or stopped", async (_, name) => {
    const deps = roomDeps(table);
    await runningRoom(deps);
    await expect(stopRoom({ name, ownerToken: "x" }, deps)).rejects.toMatchObject({
      status: 400,
      code: "InvalidRequest",
      message: "Name the room to stop: ?server=<name>.",
    });
    expect(deps.fleet.stopped).toEqual([]);
  });

  test.each<[string, unknown]>([
    ["only spaces", "   "],
    ["a placeholder", "~0123456789abcdef"],
    ["a number", 42],
  ])("a name of %s: 400 with the name rules", async (_, name) => {
    const deps = roomDeps(table);
    await expect(stopRoom({ name, ownerToken: "x" }, deps)).rejects.toMatchObject({
      status: 400,
      code: "InvalidRequest",
      message: NAME_RULES,
    });
  });

  test("an unknown room: 404 naming it", async () => {
    const deps = roomDeps(table);
    await expect(stopRoom({ name: " Nowhere ", ownerToken: "x" }, deps)).rejects.toMatchObject({
      status: 404,
      code: "RoomNotFound",
      message: 'No room is named "Nowhere".',
    });
  });

  test("a wrong token: 403 with the owner message", async () => {
    const deps = roomDeps(table);
    await runningRoom(deps);
    await expect(stopRoom({ name: "Keep", ownerToken: "nope" }, deps)).rejects.toMatchObject({
      status: 403,
      code: "NotRoomOwner",
      message: NOT_OWNER_MESSAGE,
    });
  });

  test("a room whose server is not recorded yet: 409, still starting; nothing stopped or changed", async () => {
    const deps = roomDeps(table);
    const ownerToken = newOwnerToken();
    const record = newRecord("Early", undefined, hashOwnerToken(ownerToken), deps);
    await deps.store.reserve(record);
    const error = await stopRoom({ name: "early", ownerToken }, deps).catch((e: unknown) => e);
    expect(error).toMatchObject({
      status: 409,
      code: "RoomNotReady",
      message: 'The room "Early" is still starting. Try again in a few seconds.',
    });
    expect(deps.fleet.stopped).toEqual([]);
    expect(await deps.store.get("Early")).toEqual(record);
  });

  test("a room being stopped can be stopped again: the stop is repeated, the room stays STOPPING", async () => {
    const deps = roomDeps(table);
    const { ownerToken, started } = await runningRoom(deps);
    await stopRoom({ name: "Keep", ownerToken }, deps);
    const again = await stopRoom({ name: "Keep", ownerToken }, deps);
    expect(again.status).toBe("STOPPING");
    expect(deps.fleet.stopped.map((s) => s.serverId)).toEqual([started.serverId, started.serverId]);
  });
});
