import { fleetCapacity, isClientError, type RoomsError } from "../../../handlers/rooms/errors";
import { createRoom } from "../../../handlers/rooms/create-room";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { MemoryFleet } from "../../support/memory-fleet";
import { roomDeps } from "../../support/room-deps";

let table: TestTable;
beforeEach(async () => {
  table = await startRoomsTable();
});
afterEach(async () => {
  await table.close();
});

async function settle<T>(runs: Array<Promise<T>>) {
  const results = await Promise.allSettled(runs);
  const ok = results.filter(
    (r): r is PromiseFulfilledResult<Awaited<T>> => r.status === "fulfilled",
  );
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  return { ok, failed };
}

describe("createRoom", () => {
  test("creates a PROVISIONING room with the given name and an owner token, and starts one server", async () => {
    const deps = roomDeps(table);
    const created = await createRoom({ name: "  Castle Siege ", version: "1.2.0" }, deps);
    expect(created.room).toEqual({
      name: "Castle Siege",
      status: "PROVISIONING",
      port: 7777,
      version: "1.2.0",
      createdAt: "2026-11-20T18:00:00.000Z",
      updatedAt: "2026-11-20T18:00:00.000Z",
    });
    expect(created.ownerToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(deps.fleet.started).toHaveLength(1);
    expect(deps.fleet.started[0].name).toBe("Castle Siege");
    const stored = await deps.store.get("castle siege");
    expect(stored?.serverId).toBe(deps.fleet.started[0].serverId);
    expect(stored?.ownerTokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.ownerTokenHash).not.toContain(created.ownerToken);
    expect(stored?.expiresAt).toBe(Date.parse("2026-11-20T18:00:00.000Z") / 1000 + 3600);
    expect(await deps.store.slotCount()).toBe(1);
  });

  test("without a name, a readable random name is generated", async () => {
    const deps = roomDeps(table);
    const { room } = await createRoom({}, deps);
    expect(room.name).toMatch(/^[A-Z][a-z]+-[A-Z][a-z]+-\d{1,2}$/);
  });

  test.each([["x".repeat(33)], ["bad/name"], ["<script>"], ["名前"], ["   "], [42], [["a"]]])(
    "an invalid name %p is rejected with 400 and changes nothing",
    async (name) => {
      const deps = roomDeps(table);
      const error = await createRoom({ name }, deps).catch((e: unknown) => e);
      expect(isClientError(error)).toBe(true);
      expect((error as RoomsError).status).toBe(400);
      expect((error as RoomsError).message).toMatch(/1 to 32 characters/);
      expect(deps.fleet.started).toHaveLength(0);
      expect(await deps.store.scanAll()).toHaveLength(0);
    },
  );

  test("a second create with the same name in another case is rejected with 409 and starts no task", async () => {
    const deps = roomDeps(table);
    await createRoom({ name: "Arena" }, deps);
    const error = await createRoom({ name: "ARENA" }, deps).catch((e: unknown) => e);
    expect((error as RoomsError).status).toBe(409);
    expect(deps.fleet.started).toHaveLength(1);
  });

  test("50 parallel creates with one name: exactly one succeeds and exactly one task starts", async () => {
    const deps = roomDeps(table);
    const { ok, failed } = await settle(
      Array.from({ length: 50 }, () => createRoom({ name: "Duel" }, deps)),
    );
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(49);
    expect(failed.every((f) => (f.reason as RoomsError).status === 409)).toBe(true);
    expect(deps.fleet.started).toHaveLength(1);
    expect(await deps.store.slotCount()).toBe(1);
  });

  test("100 parallel creates with a cap of 10 start exactly 10 tasks; the rest get 503 and leave no row", async () => {
    const deps = roomDeps(table, { maxRooms: 10 });
    const { ok, failed } = await settle(
      Array.from({ length: 100 }, (_, i) => createRoom({ name: `Room ${i}` }, deps)),
    );
    expect(ok).toHaveLength(10);
    expect(failed).toHaveLength(90);
    expect(failed.every((f) => (f.reason as RoomsError).status === 503)).toBe(true);
    expect(deps.fleet.started).toHaveLength(10);
    expect(await deps.store.scanAll()).toHaveLength(10);
    expect(await deps.store.slotCount()).toBe(10);
  });

  test("when RunTask fails, the reservation and its slot are released and 503 is returned", async () => {
    const deps = roomDeps(table);
    deps.fleet.failNextStart = new Error("AccessDeniedException");
    const error = await createRoom({ name: "Lobby" }, deps).catch((e: unknown) => e);
    expect((error as RoomsError).status).toBe(503);
    expect((error as RoomsError).message).toBe(
      "The game server could not be started. Try again in a moment.",
    );
    expect(await deps.store.get("Lobby")).toBeUndefined();
    expect(await deps.store.slotCount()).toBe(0);
    await expect(createRoom({ name: "Lobby" }, deps)).resolves.toBeDefined();
  });

  test("a provider capacity failure is a 503 that says so", async () => {
    const deps = roomDeps(table);
    deps.fleet.failNextStart = fleetCapacity("Capacity is unavailable at this time");
    const error = await createRoom({ name: "Lobby" }, deps).catch((e: unknown) => e);
    expect((error as RoomsError).status).toBe(503);
    expect((error as RoomsError).message).toMatch(/No game server capacity/);
    expect(await deps.store.scanAll()).toHaveLength(0);
  });

  test("when recording the task fails after it started, the task is stopped and the room released", async () => {
    class FleetThatLosesTheRow extends MemoryFleet {
      override async start(request: Parameters<MemoryFleet["start"]>[0]) {
        const serverId = await super.start(request);
        // The row disappears between RunTask and the write that records it.
        await deps.store.remove(request.name, request.roomId);
        return serverId;
      }
    }
    const deps = roomDeps(table, {}, new FleetThatLosesTheRow());
    const error = await createRoom({ name: "Ghost" }, deps).catch((e: unknown) => e);
    expect((error as RoomsError).status).toBe(503);
    expect(deps.fleet.stopped).toEqual([
      { serverId: "server-1", reason: "room could not be recorded" },
    ]);
    expect(deps.fleet.running).toBe(0);
    expect(await deps.store.scanAll()).toHaveLength(0);
  });

  test("when the table fails while recording the task, the task is stopped and the error is a 503", async () => {
    const deps = roomDeps(table);
    const attach = jest
      .spyOn(deps.store, "attachServer")
      .mockRejectedValueOnce(new Error("ProvisionedThroughputExceeded"));
    const error = await createRoom({ name: "Storm" }, deps).catch((e: unknown) => e);
    expect(attach).toHaveBeenCalledTimes(1);
    expect((error as RoomsError).status).toBe(503);
    expect(deps.fleet.running).toBe(0);
    expect(await deps.store.get("Storm")).toBeUndefined();
    expect(await deps.store.slotCount()).toBe(0);
  });
});
