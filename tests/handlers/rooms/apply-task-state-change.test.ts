import fc from "fast-check";
import { applyTaskStateChange } from "../../../handlers/rooms/apply-task-state-change";
import { createRoom } from "../../../handlers/rooms/create-room";
import { parseTaskStateChange } from "../../../handlers/rooms/task-state-change";
import fixture from "../../fixtures/ecs-task-state-change.running.json";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { roomDeps, type TestDeps } from "../../support/room-deps";
import { taskEvent, taskLifecycle } from "../../support/task-events";

let table: TestTable;
beforeEach(async () => {
  table = await startRoomsTable();
});
afterEach(async () => {
  await table.close();
});

/** Creates a room and returns the identity its task's events carry. */
async function roomWithTask(deps: TestDeps, name = "Brave-Otter-42") {
  await createRoom({ name }, deps);
  const started = deps.fleet.started.at(-1)!;
  return { taskArn: started.serverId, roomId: started.roomId, roomName: name };
}

async function applyAll(events: unknown[], deps: TestDeps) {
  for (const event of events) await applyTaskStateChange(event, deps);
}

describe("parseTaskStateChange", () => {
  test("reads the fixture's task, room, status, version and network interface", () => {
    expect(parseTaskStateChange(fixture)).toEqual({
      serverId: fixture.detail.taskArn,
      clusterArn: fixture.detail.clusterArn,
      roomId: "brave-otter-42",
      roomName: "Brave-Otter-42",
      lastStatus: "RUNNING",
      desiredStatus: "RUNNING",
      version: 4,
      networkInterfaceId: "eni-0f1e2d3c4b5a69788",
    });
  });

  test.each([
    ["another detail type", { ...fixture, "detail-type": "ECS Container Instance State Change" }],
    [
      "a task not started by us",
      { ...fixture, detail: { ...fixture.detail, startedBy: "ecs-svc/123" } },
    ],
    ["no room name override", { ...fixture, detail: { ...fixture.detail, overrides: {} } }],
    ["a version that is not a number", { ...fixture, detail: { ...fixture.detail, version: "4" } }],
    ["null", null],
    ["a string", "ECS Task State Change"],
  ])("returns undefined for %s", (_, event) => {
    expect(parseTaskStateChange(event)).toBeUndefined();
  });
});

describe("applyTaskStateChange", () => {
  test("RUNNING resolves the public IP once and makes the room joinable", async () => {
    const deps = roomDeps(table);
    const task = await roomWithTask(deps);
    deps.clock = new Date("2026-11-20T18:04:12.000Z");
    const running = taskEvent({ ...task, lastStatus: "RUNNING", version: 3 });
    expect(await applyTaskStateChange(running, deps)).toBe("applied");
    expect(await applyTaskStateChange(running, deps)).toBe("ignored");
    expect(
      await applyTaskStateChange(taskEvent({ ...task, lastStatus: "RUNNING", version: 4 }), deps),
    ).toBe("applied");
    expect(deps.fleet.addressLookups).toEqual([task.taskArn]);
    const stored = await deps.store.get(task.roomName);
    expect(stored).toMatchObject({
      status: "RUNNING",
      ip: "203.0.113.10",
      port: 7777,
      eventVersion: 4,
      updatedAt: "2026-11-20T18:04:12.000Z",
      expiresAt: Date.parse("2026-11-20T18:04:12.000Z") / 1000 + 86400,
    });
  });

  test("a stopped task's room is removed and its slot freed; later events do not bring it back", async () => {
    const deps = roomDeps(table);
    const task = await roomWithTask(deps);
    const [provisioning, pending, running, , stopped] = taskLifecycle(task);
    await applyAll([provisioning, running, stopped], deps);
    expect(await deps.store.get(task.roomName)).toBeUndefined();
    expect(await deps.store.slotCount()).toBe(0);
    await applyAll([pending, running, stopped], deps);
    expect(await deps.store.get(task.roomName)).toBeUndefined();
    expect(await deps.store.slotCount()).toBe(0);
  });

  test("a Spot termination notice marks the room STOPPING and takes it out of the list", async () => {
    const deps = roomDeps(table);
    const task = await roomWithTask(deps);
    const [, , running, notice] = taskLifecycle(task);
    await applyAll([running, notice], deps);
    expect(await deps.store.get(task.roomName)).toMatchObject({ status: "STOPPING" });
    expect((await deps.store.listRunning({ limit: 20 })).rooms).toEqual([]);
  });

  test("events for tasks we do not know are ignored quietly", async () => {
    const deps = roomDeps(table);
    const task = await roomWithTask(deps);
    const strangers = [
      fixture,
      taskEvent({ ...task, roomId: "someone-else", lastStatus: "STOPPED", version: 9 }),
      taskEvent({
        ...task,
        taskArn: "arn:aws:ecs:us-east-1:111122223333:task/c/other",
        lastStatus: "STOPPED",
        version: 9,
      }),
      taskEvent({ ...task, roomName: "Nobody", lastStatus: "RUNNING", version: 9 }),
      { "detail-type": "ECS Task State Change", detail: { taskArn: 7 } },
      {},
    ];
    for (const event of strangers)
      await expect(applyTaskStateChange(event, deps)).resolves.toBe("ignored");
    expect(await deps.store.get(task.roomName)).toMatchObject({
      status: "PROVISIONING",
      roomId: task.roomId,
    });
    expect(await deps.store.slotCount()).toBe(1);
  });

  test("duplicated and shuffled event sequences end in the same state as the ordered one", async () => {
    const deps = roomDeps(table);
    const expectedOf = async (events: unknown[], name: string) => {
      const task = await roomWithTask(deps, name);
      const lifecycle = taskLifecycle(task);
      await applyAll(
        events.map((i) => lifecycle[i as number]),
        deps,
      );
      const row = await deps.store.get(name);
      return (
        row && {
          ...row,
          roomId: undefined,
          serverId: undefined,
          name: undefined,
          ownerTokenHash: undefined,
          bootstrapHash: undefined,
        }
      );
    };
    const inOrderRunning = await expectedOf([0, 1, 2], "Ordered Running");
    const inOrderStopped = await expectedOf([0, 1, 2, 3, 4], "Ordered Stopped");
    expect(inOrderRunning?.status).toBe("RUNNING");
    expect(inOrderStopped).toBeUndefined();
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(fc.nat({ max: 4 }), { maxLength: 6 }),
        fc.infiniteStream(fc.nat()),
        async (untilStopped, duplicates, randomness) => {
          const last = untilStopped ? 4 : 2;
          const events = [...Array(last + 1).keys(), ...duplicates.filter((i) => i <= last)];
          const shuffled = events
            .map((i) => ({ i, key: randomness.next().value }))
            .sort((a, b) => a.key - b.key)
            .map((e) => e.i);
          const final = await expectedOf(shuffled, `Shuffled ${run++}`);
          expect(final).toEqual(untilStopped ? inOrderStopped : inOrderRunning);
        },
      ),
      { numRuns: 60 },
    );
  });
});
