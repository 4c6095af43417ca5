import { DynamoDBClient, ProvisionedThroughputExceededException } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoDbRoomStore } from "../../../handlers/aws/dynamodb-room-store";
import { DynamoDbWarmPool } from "../../../handlers/aws/dynamodb-warm-pool";
import type { Metrics, RoomSettings, ServerStart } from "../../../handlers/ports";
import { applyTaskStateChange } from "../../../handlers/rooms/apply-task-state-change";
import { createRoom } from "../../../handlers/rooms/create-room";
import { SERVER_START_MESSAGE, UNAVAILABLE_MESSAGE } from "../../../handlers/rooms/errors";
import { fillWarmPool } from "../../../handlers/rooms/fill-warm-pool";
import { hashRoomSecret } from "../../../handlers/rooms/owner-token";
import { roomHeartbeat } from "../../../handlers/rooms/room-heartbeat";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { MemoryFleet } from "../../support/memory-fleet";
import { roomDeps, type TestDeps } from "../../support/room-deps";
import { markRunning, taskEvent } from "../../support/task-events";

/** fillWarmPool's report, rows, starts, logs and metrics, over a real DynamoDB API. */
let table: TestTable;
let extraClients: DynamoDBClient[] = [];
beforeEach(async () => {
  table = await startRoomsTable();
});
afterEach(async () => {
  for (const client of extraClients) client.destroy();
  extraClients = [];
  await table.close();
});

class RecordingMetrics implements Metrics {
  readonly counts: Array<[string, number | undefined]> = [];
  count(name: string, value?: number) {
    this.counts.push([name, value]);
  }
}

/** ECS refuses the nth start (counting from 1) with the given error. */
class FailingFleet extends MemoryFleet {
  private calls = 0;
  constructor(
    private readonly failAt: number,
    private readonly error = new Error("RunTask failed: boom"),
  ) {
    super();
  }
  override async start(request: ServerStart): Promise<string> {
    if (++this.calls === this.failAt) throw this.error;
    return super.start(request);
  }
}

function poolDeps(settings: Partial<RoomSettings> = {}, fleet = new MemoryFleet()) {
  const deps = roomDeps(
    table,
    { serverReadiness: "heartbeat", warmRooms: 3, maxRooms: 10, ...settings },
    fleet,
  );
  return Object.assign(deps, {
    pool: new DynamoDbWarmPool(table.db, table.tableName),
    metrics: new RecordingMetrics(),
  });
}

function filledLogs(deps: TestDeps) {
  return deps.log.lines.filter((l) => l.message === "warm pool filled");
}

async function warmRows(deps: TestDeps) {
  return (await deps.store.scanAll()).filter((r) => r.warm);
}

describe("fillWarmPool", () => {
  test("without warmRooms the pool is empty and stays so: nothing started, nothing logged", async () => {
    const deps = poolDeps({ warmRooms: undefined });
    expect(await fillWarmPool(deps)).toStrictEqual({
      wanted: 0,
      ready: 0,
      starting: 0,
      started: 0,
      atCap: false,
      failed: false,
    });
    expect(deps.fleet.started).toEqual([]);
    expect(filledLogs(deps)).toEqual([]);
    expect(deps.metrics.counts).toEqual([
      ["WarmPoolReady", 0],
      ["WarmPoolStarting", 0],
    ]);
  });

  test("each warm server starts as a room of its own: placeholder name, heartbeat readiness, warm version, one-time secret, API URL", async () => {
    const deps = poolDeps({ warmVersion: "1.4", roomsApiUrl: "https://rooms.example/api" });
    await createRoom({ name: "Cold" }, deps);
    deps.metrics.counts.length = 0;
    deps.clock = new Date("2026-11-20T18:10:00.000Z");
    const report = await fillWarmPool(deps);
    expect(report).toStrictEqual({
      wanted: 3,
      ready: 0,
      starting: 3,
      started: 3,
      atCap: false,
      failed: false,
    });
    const starts = deps.fleet.started.filter((s) => s.warm);
    expect(starts).toHaveLength(3);
    expect(new Set(starts.map((s) => s.secret)).size).toBe(3);
    for (const start of starts) {
      expect(start).toStrictEqual({
        roomId: start.roomId,
        name: `~${start.roomId}`,
        version: "1.4",
        warm: true,
        secret: start.secret,
        apiUrl: "https://rooms.example/api",
        serverId: start.serverId,
      });
      const row = (await deps.store.get(start.name))!;
      expect(row).toMatchObject({
        name: start.name,
        roomId: start.roomId,
        serverId: start.serverId,
        status: "PROVISIONING",
        version: "1.4",
        warm: true,
        readiness: "heartbeat",
        bootstrapHash: hashRoomSecret(start.secret),
        port: 7777,
        createdAt: "2026-11-20T18:10:00.000Z",
        expiresAt: Date.parse("2026-11-20T18:10:00.000Z") / 1000 + 3600,
      });
      expect(row.ownerTokenHash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.aliasOf).toBeUndefined();
    }
    expect(await deps.store.slotCount()).toBe(4);
    expect(filledLogs(deps)).toEqual([
      { level: "info", message: "warm pool filled", fields: { ...report } },
    ]);
    expect(deps.metrics.counts).toEqual([
      ["WarmPoolReady", 0],
      ["WarmPoolStarting", 3],
    ]);
  });

  test("without a rooms API URL, warm servers are started without one", async () => {
    const deps = poolDeps({ warmRooms: 1 });
    await fillWarmPool(deps);
    expect(deps.fleet.started[0]).not.toHaveProperty("apiUrl");
    expect(deps.fleet.started[0].version).toBeUndefined();
  });

  test("counts ready and starting servers; STOPPING and claimed ones are replaced", async () => {
    const deps = poolDeps({ warmRooms: 3 });
    await fillWarmPool(deps);
    const [first, second] = deps.fleet.started;
    // The first is ready; the second gets its Spot interruption notice; the third still starts.
    await markRunning(deps, first.name);
    await roomHeartbeat(
      { server: first.name, state: "ready", players: 0, maxPlayers: 8, secret: first.secret },
      deps,
    );
    await applyTaskStateChange(
      taskEvent({
        taskArn: second.serverId,
        roomId: second.roomId,
        roomName: second.name,
        lastStatus: "RUNNING",
        desiredStatus: "STOPPED",
        stopCode: "TerminationNotice",
        version: 4,
      }),
      deps,
    );
    deps.metrics.counts.length = 0;
    expect(await fillWarmPool(deps)).toStrictEqual({
      wanted: 3,
      ready: 1,
      starting: 2,
      started: 1,
      atCap: false,
      failed: false,
    });
    expect(deps.metrics.counts).toEqual([
      ["WarmPoolReady", 1],
      ["WarmPoolStarting", 2],
    ]);
    // A steady pool: nothing to do, nothing logged.
    deps.log.lines.length = 0;
    expect(await fillWarmPool(deps)).toMatchObject({ ready: 1, starting: 2, started: 0 });
    expect(filledLogs(deps)).toEqual([]);
    // The ready one is claimed: it serves a room now, and the pool replaces it.
    await createRoom({ name: "Arena" }, deps);
    expect(await fillWarmPool(deps)).toStrictEqual({
      wanted: 3,
      ready: 0,
      starting: 3,
      started: 1,
      atCap: false,
      failed: false,
    });
    expect(deps.fleet.started).toHaveLength(5);
  });

  test("a pool larger than wanted (warmRooms lowered) starts nothing", async () => {
    const deps = poolDeps({ warmRooms: 3 });
    await fillWarmPool(deps);
    Object.assign(deps, { settings: { ...deps.settings, warmRooms: 1 } });
    expect(await fillWarmPool(deps)).toStrictEqual({
      wanted: 1,
      ready: 0,
      starting: 3,
      started: 0,
      atCap: false,
      failed: false,
    });
    expect(deps.fleet.started).toHaveLength(3);
  });

  test("exactly at the cap: every wanted server fits, and it is not at cap", async () => {
    const deps = poolDeps({ warmRooms: 2, maxRooms: 2 });
    expect(await fillWarmPool(deps)).toMatchObject({ started: 2, atCap: false, failed: false });
    expect(await deps.store.slotCount()).toBe(2);
  });

  test("one past the cap: the run stops at the first server without a slot, and leaves no row for it", async () => {
    const deps = poolDeps({ warmRooms: 4, maxRooms: 2 });
    const report = await fillWarmPool(deps);
    expect(report).toStrictEqual({
      wanted: 4,
      ready: 0,
      starting: 2,
      started: 2,
      atCap: true,
      failed: false,
    });
    expect(deps.fleet.started).toHaveLength(2);
    expect(await warmRows(deps)).toHaveLength(2);
    expect(await deps.store.slotCount()).toBe(2);
    expect(filledLogs(deps)).toEqual([
      { level: "info", message: "warm pool filled", fields: { ...report } },
    ]);
    // Held short by the cap: the normal state at peak, reported but not logged again.
    deps.log.lines.length = 0;
    expect(await fillWarmPool(deps)).toMatchObject({ started: 0, atCap: true, starting: 2 });
    expect(filledLogs(deps)).toEqual([]);
    expect(await warmRows(deps)).toHaveLength(2);
  });

  test("a refused start ends the run at once, undone, logged; the next start would have worked", async () => {
    const fleet = new FailingFleet(1);
    const deps = poolDeps({ warmRooms: 3 }, fleet);
    expect(await fillWarmPool(deps)).toStrictEqual({
      wanted: 3,
      ready: 0,
      starting: 0,
      started: 0,
      atCap: false,
      failed: true,
    });
    expect(fleet.started).toEqual([]);
    expect(await deps.store.scanAll()).toEqual([]);
    expect(await deps.store.slotCount()).toBe(0);
    expect(deps.log.lines).toContainEqual({
      level: "warn",
      message: "a warm server could not be started; the next run tries again",
      fields: { error: `ServerStartFailed: ${SERVER_START_MESSAGE}` },
    });
    expect(filledLogs(deps)).toEqual([]);
  });

  test("a start refused after others worked: those count, the rest wait for the next run", async () => {
    const fleet = new FailingFleet(2);
    const deps = poolDeps({ warmRooms: 3 }, fleet);
    const report = await fillWarmPool(deps);
    expect(report).toStrictEqual({
      wanted: 3,
      ready: 0,
      starting: 1,
      started: 1,
      atCap: false,
      failed: true,
    });
    expect(fleet.started).toHaveLength(1);
    expect(await warmRows(deps)).toHaveLength(1);
    expect(await deps.store.slotCount()).toBe(1);
    expect(filledLogs(deps)).toEqual([
      { level: "info", message: "warm pool filled", fields: { ...report } },
    ]);
    expect((await fillWarmPool(deps)).started).toBe(2);
  });

  test("DynamoDB busy while taking the slot: the run fails (it is not at cap), its placeholder is removed", async () => {
    // The same table through a client whose capacity-slot writes are throttled.
    const raw = new DynamoDBClient({
      endpoint: table.endpoint,
      region: "us-east-1",
      credentials: { accessKeyId: "test", secretAccessKey: "test" },
      maxAttempts: 1,
    });
    extraClients.push(raw);
    raw.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { UpdateExpression?: string };
        if (input.UpdateExpression === "ADD slots :one") {
          throw new ProvisionedThroughputExceededException({
            message: "Rate of requests exceeds the allowed throughput.",
            $metadata: { httpStatusCode: 400 },
          });
        }
        return next(args);
      },
      { step: "initialize", name: "throttleSlots" },
    );
    const throttled = DynamoDBDocumentClient.from(raw, {
      marshallOptions: { removeUndefinedValues: true },
    });
    const deps = poolDeps({ warmRooms: 2 });
    Object.assign(deps, { store: new DynamoDbRoomStore(throttled, table.tableName) });
    expect(await fillWarmPool(deps)).toStrictEqual({
      wanted: 2,
      ready: 0,
      starting: 0,
      started: 0,
      atCap: false,
      failed: true,
    });
    expect(deps.fleet.started).toEqual([]);
    expect(await deps.store.scanAll()).toEqual([]);
    expect(deps.log.lines).toContainEqual({
      level: "warn",
      message: "a warm server could not be started; the next run tries again",
      fields: { error: `Unavailable: ${UNAVAILABLE_MESSAGE}` },
    });
  });
});
