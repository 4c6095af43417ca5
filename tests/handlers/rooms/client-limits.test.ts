import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { RoomSettings } from "../../../handlers/ports";
import { applyTaskStateChange } from "../../../handlers/rooms/apply-task-state-change";
import { createRoom } from "../../../handlers/rooms/create-room";
import { fleetCapacity, unavailable } from "../../../handlers/rooms/errors";
import { reconcileRooms } from "../../../handlers/rooms/reconcile-rooms";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { RecordingMetrics, roomDeps, type TestDeps } from "../../support/room-deps";
import { markRunning, taskEvent } from "../../support/task-events";

let table: TestTable;
beforeEach(async () => {
  table = await startRoomsTable();
});
afterEach(async () => {
  await table.close();
});

function limitedDeps(limit: number, settings: Partial<RoomSettings> = {}) {
  const deps = roomDeps(table, { createsPerClientPerMinute: limit, ...settings });
  deps.clock = new Date("2026-11-25T12:00:45.000Z");
  return Object.assign(deps, { metrics: new RecordingMetrics() });
}

test("one client gets `limit` creates a minute, in parallel too; then 429 with Retry-After to the next minute; others are not affected", async () => {
  const deps = limitedDeps(5);
  const results = await Promise.allSettled(
    Array.from({ length: 20 }, (_, i) =>
      createRoom({ name: `Burst ${i}`, client: "198.51.100.7" }, deps),
    ),
  );
  expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(5);
  const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  expect(refused).toHaveLength(15);
  for (const r of refused)
    expect(r.reason).toMatchObject({
      status: 429,
      message: "You can create 5 rooms a minute. Try again in 15 s.",
      headers: { "retry-after": "15" },
    });
  expect((await deps.store.scanAll()).map((r) => r.name)).toHaveLength(5);
  expect(deps.metrics.counts.filter(([name]) => name === "CreatesRejected")).toEqual(
    Array(15).fill(["CreatesRejected", 1, { Reason: "ClientLimit" }]),
  );
  await createRoom({ name: "Neighbour", client: "203.0.113.9" }, deps);
  // The next minute, the client may create again.
  deps.clock = new Date("2026-11-25T12:01:00.000Z");
  await createRoom({ name: "Later", client: "198.51.100.7" }, deps);
});

test("invalid requests are not counted; the address is stored only hashed; 0 means no limit", async () => {
  const deps = limitedDeps(1);
  await expect(
    createRoom({ name: "bad/name", client: "198.51.100.8" }, deps),
  ).rejects.toMatchObject({ status: 400 });
  await createRoom({ name: "First", client: "198.51.100.8" }, deps);
  await expect(createRoom({ name: "Second", client: "198.51.100.8" }, deps)).rejects.toMatchObject({
    status: 429,
  });
  const { Items } = await table.db.send(new ScanCommand({ TableName: table.tableName }));
  expect(JSON.stringify(Items)).not.toContain("198.51.100.8");
  const counters = (Items ?? []).filter((i) => String(i.pk).startsWith("client#"));
  expect(counters).toEqual([
    {
      pk: expect.stringMatching(/^client#[0-9a-f]{32}#29926800$/),
      slots: 1,
      expiresAt: 29926802 * 60,
    },
  ]);
  const unlimited = limitedDeps(0);
  for (let i = 0; i < 3; i++)
    await createRoom({ name: `Free ${i}`, client: "198.51.100.9" }, unlimited);
});

/** The client's live-room counter row, as stored. */
async function liveCounter() {
  const { Items } = await table.db.send(new ScanCommand({ TableName: table.tableName }));
  return (Items ?? []).filter((i) => /^client#[0-9a-f]{32}#live$/.test(String(i.pk)));
}

/** The STOPPED event of a room's server, as ECS sends it once the task is gone. */
function stoppedEvent(deps: TestDeps, name: string) {
  const started = deps.fleet.started.find((s) => s.name === name)!;
  return taskEvent({
    taskArn: started.serverId,
    roomId: started.roomId,
    roomName: name,
    lastStatus: "STOPPED",
    version: 5,
    stopCode: "EssentialContainerExited",
  });
}

const TOO_MANY_ROOMS = {
  status: 429,
  code: "TooManyRooms",
  message: "You can have 3 rooms at once. Stop one, or wait for one to end.",
  headers: { "retry-after": "60" },
};

test("one client holds at most roomsPerClient live rooms, in parallel too; others are not affected; the counter row expires", async () => {
  const deps = limitedDeps(0, { roomsPerClient: 3 });
  const results = await Promise.allSettled(
    Array.from({ length: 10 }, (_, i) =>
      createRoom({ name: `Mine ${i}`, client: "198.51.100.20" }, deps),
    ),
  );
  expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(3);
  for (const r of results.filter((r): r is PromiseRejectedResult => r.status === "rejected"))
    expect(r.reason).toMatchObject(TOO_MANY_ROOMS);
  expect(deps.metrics.counts.filter(([name]) => name === "CreatesRejected")).toEqual(
    Array(7).fill(["CreatesRejected", 1, { Reason: "ClientRooms" }]),
  );
  // The refused creates left nothing: 3 rooms, 3 servers, 3 capacity slots.
  expect(await deps.store.scanAll()).toHaveLength(3);
  expect(deps.fleet.started).toHaveLength(3);
  expect(await deps.store.slotCount()).toBe(3);
  const now = deps.clock.getTime() / 1000;
  expect(await liveCounter()).toEqual([
    { pk: expect.any(String), slots: 3, expiresAt: now + 2 * 86_400 },
  ]);
  await createRoom({ name: "Theirs", client: "203.0.113.20" }, deps);
  // Without a source address (local tools, tests), no client is limited.
  await createRoom({ name: "Anonymous" }, deps);
});

test("a removed room gives its client's slot back once, whichever path removes it", async () => {
  const deps = limitedDeps(0, { roomsPerClient: 3 });
  for (const name of ["A", "B", "C"]) {
    await createRoom({ name, client: "198.51.100.21" }, deps);
    await markRunning(deps, name);
  }
  await expect(createRoom({ name: "D", client: "198.51.100.21" }, deps)).rejects.toMatchObject(
    TOO_MANY_ROOMS,
  );
  // Its server stopped: the STOPPED event, delivered twice at once, frees one slot, not two.
  const stopped = stoppedEvent(deps, "A");
  await Promise.all([applyTaskStateChange(stopped, deps), applyTaskStateChange(stopped, deps)]);
  expect((await liveCounter())[0].slots).toBe(2);
  await createRoom({ name: "D", client: "198.51.100.21" }, deps);
  await markRunning(deps, "D");
  await expect(createRoom({ name: "E", client: "198.51.100.21" }, deps)).rejects.toMatchObject(
    TOO_MANY_ROOMS,
  );
  // The reconciler removes a room whose server is gone (its event lost): its slot comes back too.
  const lost = deps.fleet.started.find((s) => s.name === "B")!;
  deps.fleet.stopped.push({ serverId: lost.serverId, reason: "lost" });
  deps.clock = new Date(deps.clock.getTime() + 3600 * 1000);
  await reconcileRooms(deps);
  expect((await deps.store.scanAll()).map((r) => r.name)).not.toContain("B");
  expect((await liveCounter())[0].slots).toBe(2);
  await createRoom({ name: "E", client: "198.51.100.21" }, deps);
});

test("a create that fails after taking the client's slot gives it back: at the cap, and when the server cannot start", async () => {
  const deps = limitedDeps(0, { roomsPerClient: 3, maxRooms: 1 });
  await createRoom({ name: "Only", client: "203.0.113.30" }, deps);
  await expect(createRoom({ name: "Capped", client: "198.51.100.22" }, deps)).rejects.toMatchObject(
    { status: 503 },
  );
  const roomy = limitedDeps(0, { roomsPerClient: 3 });
  roomy.fleet.failNextStart = fleetCapacity("RESOURCE:FARGATE");
  await expect(
    createRoom({ name: "Unlucky", client: "198.51.100.22" }, roomy),
  ).rejects.toMatchObject({ status: 503 });
  // Only "Only"'s client holds a slot.
  expect((await liveCounter()).map((c) => c.slots).sort()).toEqual([0, 1]);
  for (const name of ["X", "Y", "Z"]) await createRoom({ name, client: "198.51.100.22" }, roomy);
});

test("a counter write that fails for another reason than the limit is not answered as the limit: 503, nothing left, nothing counted as refused", async () => {
  for (const settings of [{ createsPerClientPerMinute: 5 }, { roomsPerClient: 3 }]) {
    const deps = limitedDeps(0, settings);
    const acquire = deps.store.acquireSlot.bind(deps.store);
    // The client's counter row is throttled; the stack's capacity row is not.
    jest
      .spyOn(deps.store, "acquireSlot")
      .mockImplementation((max, counter) =>
        counter ? Promise.reject(unavailable()) : acquire(max, counter),
      );
    await expect(
      createRoom({ name: "Throttled", client: "198.51.100.50" }, deps),
    ).rejects.toMatchObject({ status: 503, code: "Unavailable" });
    expect(await deps.store.scanAll()).toEqual([]);
    expect(deps.fleet.started).toEqual([]);
    expect(await deps.store.slotCount()).toBe(0);
    expect(deps.metrics.counts.filter(([name]) => name === "CreatesRejected")).toEqual([]);
  }
});

test("without a live-room limit, rooms carry no client key; with one, rooms without a client are not limited together, and their removal gives back the capacity slot only", async () => {
  const free = limitedDeps(0);
  await createRoom({ name: "Unlimited", client: "198.51.100.60" }, free);
  expect(await free.store.get("Unlimited")).not.toHaveProperty("clientKey");
  const deps = limitedDeps(0, { roomsPerClient: 1 });
  for (const name of ["Anon 1", "Anon 2", "Anon 3"]) await createRoom({ name }, deps);
  expect(await liveCounter()).toEqual([]);
  await markRunning(deps, "Anon 1");
  const release = jest.spyOn(deps.store, "releaseSlot");
  await applyTaskStateChange(stoppedEvent(deps, "Anon 1"), deps);
  expect(release.mock.calls).toEqual([[]]);
  // Unlimited and two of the three anonymous rooms hold the stack's capacity.
  expect(await deps.store.slotCount()).toBe(3);
});
