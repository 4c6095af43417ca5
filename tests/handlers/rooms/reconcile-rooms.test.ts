import { createRoom } from "../../../handlers/rooms/create-room";
import { reconcileRooms } from "../../../handlers/rooms/reconcile-rooms";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { roomDeps, type TestDeps } from "../../support/room-deps";
import { markRunning } from "../../support/task-events";

let table: TestTable;
beforeEach(async () => {
  table = await startRoomsTable();
});
afterEach(async () => {
  await table.close();
});

async function runningRoom(deps: TestDeps, name: string) {
  await createRoom({ name }, deps);
  const started = await markRunning(deps, name);
  return started;
}

function later(deps: TestDeps, seconds: number) {
  deps.clock = new Date(deps.clock.getTime() + seconds * 1000);
}

describe("reconcileRooms", () => {
  test("removes a room whose STOPPED event was lost, and frees its slot", async () => {
    const deps = roomDeps(table);
    const lost = await runningRoom(deps, "Lost");
    await runningRoom(deps, "Alive");
    deps.fleet.stopped.push({
      serverId: lost.serverId,
      reason: "exited; its STOPPED event never arrived",
    });
    later(deps, 60);
    const report = await reconcileRooms(deps);
    expect(report.removedRooms).toEqual(["Lost"]);
    // The release moved the counter: the report gives it as stored, not as it was.
    expect(report.slotCount).toEqual({ before: 2, after: 1, repaired: false });
    expect(await deps.store.get("Lost")).toBeUndefined();
    expect(await deps.store.get("Alive")).toMatchObject({ status: "RUNNING" });
    expect(await deps.store.slotCount()).toBe(1);
  });

  test("stops a task of ours that has no room", async () => {
    const deps = roomDeps(table);
    await runningRoom(deps, "Orphaned");
    const orphan = deps.fleet.started[0];
    await deps.store.remove("Orphaned", orphan.roomId);
    later(deps, 60);
    const report = await reconcileRooms(deps);
    expect(report.stoppedOrphans).toBe(1);
    expect(deps.fleet.stopped).toEqual([
      { serverId: orphan.serverId, reason: "no room for this server" },
    ]);
  });

  test("stops and removes a room stuck before RUNNING past the limit, and leaves a young one", async () => {
    const deps = roomDeps(table, { stuckAfterSeconds: 300 });
    await createRoom({ name: "Stuck" }, deps);
    later(deps, 200);
    await createRoom({ name: "Young" }, deps);
    later(deps, 150);
    const report = await reconcileRooms(deps);
    expect(report.removedRooms).toEqual(["Stuck"]);
    expect(deps.fleet.stopped).toEqual([
      { serverId: "server-1", reason: "room stuck before RUNNING" },
    ]);
    expect(await deps.store.get("Young")).toMatchObject({ status: "PROVISIONING" });
  });

  test("repairs a capacity count that drifted, and extends the TTL of live rooms", async () => {
    const deps = roomDeps(table);
    await runningRoom(deps, "One");
    await runningRoom(deps, "Two");
    await deps.store.repairSlotCount(2, 7);
    later(deps, 3600);
    const report = await reconcileRooms(deps);
    expect(report.slotCount).toEqual({ before: 7, after: 2, repaired: true });
    expect(await deps.store.slotCount()).toBe(2);
    expect(report.refreshedRooms).toBe(2);
    const expected = Math.floor(deps.clock.getTime() / 1000) + deps.settings.runningTtlSeconds;
    expect((await deps.store.get("One"))?.expiresAt).toBe(expected);
  });

  test("a room created after the fleet was listed is left alone", async () => {
    const deps = roomDeps(table);
    const listActive = deps.fleet.listActive.bind(deps.fleet);
    deps.fleet.listActive = async () => {
      const servers = await listActive();
      await createRoom({ name: "Racing" }, deps);
      return servers;
    };
    const report = await reconcileRooms(deps);
    expect(report.removedRooms).toEqual([]);
    expect(report.stoppedOrphans).toBe(0);
    expect(await deps.store.get("Racing")).toBeDefined();
  });
});
