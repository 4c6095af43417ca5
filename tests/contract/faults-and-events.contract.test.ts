import {
  NO_FLEET_CAPACITY_MESSAGE,
  SERVER_START_MESSAGE,
  UNAVAILABLE_MESSAGE,
} from "../../handlers/rooms/errors";
import { taskEvent, taskLifecycle } from "../support/task-events";
import { expectCallsAllowed } from "../support/iam-simulation";
import { devProgram } from "./support/lambda-world";
import { taskFactsOf } from "./support/task-facts";
import type { ContractTarget } from "./target";
import { LAMBDA_TARGETS, useTarget } from "./targets";

/**
 * What needs fault injection or ECS events: shown on the use cases in-process and on the
 * uploaded archives. (Local mode has no ECS to fail or events to replay; its real Godot
 * processes show stop and exit instead, in the route tests and tests/local/.)
 */
describe.each(LAMBDA_TARGETS)("failures and events on %s", (name, start) => {
  const target = useTarget(start);
  const create = (query: string) => target().request("POST", "/create_server", { query });
  const refusal = (message: string) => ({ success: false, message, data: [] });

  async function expectEmpty(t: ContractTarget) {
    expect(await t.rows()).toEqual([]);
    expect(await t.slotCount()).toBe(0);
    expect(await t.activeServers()).toEqual([]);
  }

  const taskOf = (name: string) => taskFactsOf(target(), name);

  test("RunTask without capacity: 503 with the capacity message, and no row or slot left", async () => {
    target().faults!.failNextRunTask(
      "Capacity is unavailable at this time. Please try again later.",
    );
    const answer = await create("server=NoRoom");
    expect(answer).toMatchObject({ status: 503, body: refusal(NO_FLEET_CAPACITY_MESSAGE) });
    await expectEmpty(target());
  });

  test("RunTask failing otherwise: 503 'could not be started', and no row or slot left", async () => {
    target().faults!.failNextRunTask("MISSING");
    const answer = await create("server=Broken");
    expect(answer).toMatchObject({ status: 503, body: refusal(SERVER_START_MESSAGE) });
    await expectEmpty(target());
  });

  test("RunTask throttled: 503 busy with Retry-After, not the cap message, and nothing left", async () => {
    target().faults!.throttleNextRunTask();
    const answer = await create("server=Throttled");
    expect(answer).toMatchObject({ status: 503, body: refusal(UNAVAILABLE_MESSAGE) });
    expect(answer.headers["retry-after"]).toBe("1");
    await expectEmpty(target());
  });

  test("the DB write after RunTask fails: the started task is stopped, 503, and nothing left", async () => {
    target().faults!.failNextServerRecord();
    const answer = await create("server=Unrecorded");
    expect(answer).toMatchObject({ status: 503, body: refusal(SERVER_START_MESSAGE) });
    await expectEmpty(target());
  });

  test("taking a slot throttled is 'busy, try again', never the cap message; nothing left", async () => {
    target().faults!.throttleNextSlot();
    const answer = await create("server=SlotThrottled");
    expect(answer).toMatchObject({ status: 503, body: refusal(UNAVAILABLE_MESSAGE) });
    expect(answer.headers["retry-after"]).toBe("1");
    await expectEmpty(target());
  });

  test("events duplicated, replayed and shuffled: the room ends RUNNING once, then gone once", async () => {
    await create("server=Shuffled");
    const facts = await taskOf("Shuffled");
    const [provisioning, pending, running] = taskLifecycle(facts);
    for (const event of [running, provisioning, running, pending, provisioning]) {
      await target().events!.send(event);
    }
    // The dev stack's rooms are heartbeat rooms: the task runs, the room waits for its server.
    const room = (await target().rows())[0];
    expect(room).toMatchObject({ status: "PENDING", eventVersion: 3, taskRunning: true });
    await target().bringUp("Shuffled");
    expect((await target().rows())[0]).toMatchObject({
      status: "RUNNING",
      eventVersion: 3,
      ip: target().expectedIp,
    });
    // A replayed older RUNNING (version 2 < 3) is ignored and answered normally.
    const replay = taskEvent({ ...facts, lastStatus: "RUNNING", version: 2 });
    expect(await target().events!.send(replay)).toEqual({ outcome: "ignored" });
    expect((await target().rows())[0]).toMatchObject({ status: "RUNNING", eventVersion: 3 });
  });

  test("a Spot interruption notice marks the room STOPPING and unlisted; STOPPED removes it", async () => {
    await create("server=Spot");
    const facts = await taskOf("Spot");
    const [, , running, notice, stopped] = taskLifecycle(facts);
    await target().events!.send(running);
    expect(await target().events!.send(notice)).toEqual({ outcome: "applied" });
    expect((await target().rows())[0]).toMatchObject({ status: "STOPPING" });
    const page = await target().request("GET", "/get_servers", { query: "page=0" });
    expect(page.body.data).toEqual([]);
    expect(await target().events!.send(stopped)).toEqual({ outcome: "removed" });
    expect(await target().rows()).toEqual([]);
    expect(await target().slotCount()).toBe(0);
  });

  test("concurrent duplicate STOPPED events and reconciler runs release the slot exactly once", async () => {
    await create("server=Keeper");
    await create("server=Gone");
    const facts = await taskOf("Gone");
    const stopped = taskEvent({ ...facts, lastStatus: "STOPPED", version: 5 });
    const outcomes = await Promise.all([
      ...Array.from({ length: 6 }, () => target().events!.send(stopped)),
      target().reconcile!(),
      target().reconcile!(),
    ]);
    const removed = outcomes
      .slice(0, 6)
      .filter((o) => (o as { outcome: string }).outcome === "removed");
    expect(removed.length).toBeLessThanOrEqual(1);
    expect((await target().rows()).map((r) => r.name)).toEqual(["Keeper"]);
    expect(await target().slotCount()).toBe(1);
  });

  test("the reconciler removes a stuck room, stops a server with no room, and repairs the counter", async () => {
    await create("server=Healthy");
    await create("server=Orphaned");
    const orphan = await taskOf("Orphaned");
    const old = new Date(Date.now() - 3 * 3600_000).toISOString();
    await target().seed!({
      name: "Stuck",
      status: "PROVISIONING",
      port: 7777,
      createdAt: old,
      updatedAt: old,
      roomId: "0123456789abcdef01234567",
      ownerTokenHash: "0".repeat(64),
      expiresAt: Math.floor(Date.now() / 1000) + 3600,
    });
    // The row of "Orphaned" vanishes (as if deleted by hand); its task keeps running.
    await target().events!.send(taskEvent({ ...orphan, lastStatus: "STOPPED", version: 9 }));
    expect((await target().activeServers()).map((s) => s.serverId)).toContain(orphan.taskArn);
    const report = (await target().reconcile!()) as Record<string, unknown>;
    expect(report).toMatchObject({ removedRooms: ["Stuck"], stoppedOrphans: 1 });
    expect((await target().rows()).map((r) => r.name)).toEqual(["Healthy"]);
    expect(await target().slotCount()).toBe(1);
    expect((await target().activeServers()).map((s) => s.serverId)).not.toContain(orphan.taskArn);
  });

  // In-process code runs as the test process, not as a function's role: archives only.
  if (name === "archives") {
    test("IAM allows every AWS call the uploaded code made in these tests", async () => {
      const calls = target().awsCalls!();
      // These tests call every function but stop_server (the route tests cover its calls).
      expect(Object.keys(calls).sort()).toEqual(
        ["api-create-server", "api-get-servers", "api-heartbeat", "tasks", "tasks-reconciler"].map(
          (f) => `godot-rooms-dev-${f}`,
        ),
      );
      const evaluated = await expectCallsAllowed(await devProgram(), calls);
      for (const count of Object.values(evaluated)) expect(count).toBeGreaterThan(0);
    });
  }
});
