import { applyTaskStateChange } from "../../../handlers/rooms/apply-task-state-change";
import { createRoom } from "../../../handlers/rooms/create-room";
import type { RoomsError } from "../../../handlers/rooms/errors";
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
