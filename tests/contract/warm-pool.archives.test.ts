import { join } from "node:path";
import { type ArchiveHost, startArchiveHost } from "../support/archive-host";
import { httpEvent } from "../support/http-events";
import { expectCallsAllowed, expectForbiddenDenied } from "../support/iam-simulation";
import { runProgram } from "../support/pulumi-program";
import { type LambdaWorld, PUBLIC_IP, startLambdaWorld, worldAccess } from "./support/lambda-world";
import { closeWorldArchives, startWorldArchives } from "./support/world-archives";

/**
 * The warm pool on the uploaded archives, each in a fresh Node process: the dev stack evaluated
 * with `warmRooms: 20, maxRooms: 20`, against dynalite and the validating ECS/EC2 endpoint. The
 * pool's filler starts warm servers; their tasks' RUNNING events and their SDK's first heartbeat
 * make them ready; then creates race for them.
 */
const MAX_ROOMS = 20;
const program = runProgram("dev", { warmRooms: "20", maxRooms: String(MAX_ROOMS) });
let world: LambdaWorld;
let hosts: Record<"create" | "get" | "heartbeat" | "events" | "reconciler" | "pool", ArchiveHost>;
let smallPool: ArchiveHost;

beforeAll(async () => {
  world = await startLambdaWorld({ program, maxRooms: MAX_ROOMS });
  hosts = await startWorldArchives(world, [
    "create",
    "get",
    "heartbeat",
    "events",
    "reconciler",
    "pool",
  ]);
  // The same uploaded filler with a pool of 5 (the setting is read at cold start).
  const index = join(world.workDir, "pool", "__index.js");
  smallPool = await startArchiveHost(
    index,
    { ...world.envOf("pool"), ROOMS_WARM_ROOMS: "5" },
    { timeoutMs: 60_000 },
  );
}, 120_000);

afterAll(async () => {
  await closeWorldArchives({ ...hosts, smallPool });
  await world?.close();
}, 30_000);

beforeEach(async () => {
  await worldAccess(world).reset();
});

async function call(role: keyof typeof hosts, event: unknown): Promise<any> {
  return (await hosts[role].invoke(event)).result;
}

function body(result: { body: string }) {
  return JSON.parse(result.body);
}

const scheduled = { source: "aws.events", "detail-type": "Scheduled Event", detail: {} };

/** The filler starts the pool; each warm task runs; each warm server's SDK says ready. */
async function readyPool(filler: ArchiveHost, expected: number): Promise<string[]> {
  const report = (await filler.invoke(scheduled)).result;
  expect(report).toMatchObject({ started: expected, atCap: false });
  const access = worldAccess(world);
  const placeholders = (await access.rows()).filter((r) => r.warm).map((r) => r.name);
  expect(placeholders).toHaveLength(expected);
  for (const name of placeholders) {
    expect(await call("events", access.runningEventOf(name))).toEqual({ outcome: "applied" });
    const beat = await call(
      "heartbeat",
      httpEvent("POST", "/room_heartbeat", {
        headers: { authorization: `Bearer ${access.secretOf(name)}` },
        body: JSON.stringify({ server: name, state: "ready", players: 0, maxPlayers: 8 }),
      }),
    );
    expect(body(beat).data).toMatchObject({ assigned: false, room: name, drain: false });
  }
  // Ready warm servers are never listed.
  expect(body(await call("get", httpEvent("GET", "/get_servers"))).data).toEqual([]);
  return placeholders;
}

function createAll(names: string[]) {
  return Promise.all(
    names.map(async (name) =>
      call("create", httpEvent("POST", "/create_server", { query: `server=${name}` })),
    ),
  );
}

function runTasksBy(caller: string): number {
  return world.ecs.calls.filter((c) => c.caller === caller && c.action === "RunTask").length;
}

test("20 parallel creates take 20 distinct warm servers: each answers RUNNING with ip and port, and no task is started", async () => {
  const warm = await readyPool(hosts.pool, 20);
  const warmServers = new Set(world.ecs.active().map((t) => t.taskArn));
  const runTasksBefore = runTasksBy("create");
  const names = Array.from({ length: 20 }, (_, i) => `Warm ${i}`);
  const answers = await createAll(names);
  for (const answer of answers) {
    expect(answer.statusCode).toBe(200);
    expect(body(answer).data).toMatchObject({ status: "RUNNING", ip: PUBLIC_IP, port: 7777 });
  }
  expect(runTasksBy("create")).toBe(runTasksBefore);
  const rows = await worldAccess(world).rows();
  const rooms = rows.filter((r) => !r.warm && !r.aliasOf);
  expect(rooms.map((r) => r.name).sort()).toEqual([...names].sort());
  // Never two creates on one server: 20 rooms, 20 distinct servers, all of them the warm ones.
  const servers = new Set(rooms.map((r) => r.serverId));
  expect(servers.size).toBe(20);
  expect([...servers].every((s) => warmServers.has(s!))).toBe(true);
  // Each placeholder now leads to its room.
  const aliases = rows.filter((r) => r.aliasOf);
  expect(aliases.map((r) => r.name).sort()).toEqual([...warm].sort());
  expect(await worldAccess(world).slotCount()).toBe(MAX_ROOMS);
  // The cap holds exactly: the pool's slots became the rooms'.
  const over = await createAll(["One Too Many"]);
  expect(over[0].statusCode).toBe(503);
  expect((await hosts.pool.invoke(scheduled)).result).toMatchObject({ started: 0, atCap: true });
}, 120_000);

test("with 5 warm servers, 20 parallel creates give 5 warm assignments and 15 cold starts, never two on one server; the cap holds", async () => {
  await readyPool(smallPool, 5);
  const runTasksBefore = runTasksBy("create");
  const names = Array.from({ length: 20 }, (_, i) => `Mixed ${i}`);
  const answers = await createAll(names);
  expect(answers.map((a) => a.statusCode)).toEqual(names.map(() => 200));
  const statuses = answers.map((a) => body(a).data.status);
  expect(statuses.filter((s) => s === "RUNNING")).toHaveLength(5);
  expect(statuses.filter((s) => s === "PROVISIONING")).toHaveLength(15);
  expect(runTasksBy("create") - runTasksBefore).toBe(15);
  const rooms = (await worldAccess(world).rows()).filter((r) => !r.warm && !r.aliasOf);
  expect(rooms).toHaveLength(20);
  expect(new Set(rooms.map((r) => r.serverId)).size).toBe(20);
  expect(await worldAccess(world).slotCount()).toBe(MAX_ROOMS);
  const over = await createAll(["One Too Many"]);
  expect(over[0].statusCode).toBe(503);
}, 120_000);

test("an assigned server learns its room from its next heartbeat, then heartbeats as the room; its STOPPED event removes room and placeholder, releasing one slot", async () => {
  const [placeholder] = await readyPool(smallPool, 5);
  const access = worldAccess(world);
  expect(placeholder).toMatch(/^~/);
  const [created] = await createAll(["Arena"]);
  expect(body(created).data.status).toBe("RUNNING");
  const arena = (await access.rows()).find((r) => r.name === "Arena")!;
  const serving = (await access.rows()).find((r) => r.aliasOf === "Arena")!;
  expect(serving.roomId).toBe(arena.roomId);
  // The claimed server's placeholder still authenticates with its bootstrap secret until its key
  // is used; its answer names its room.
  const beat = await call(
    "heartbeat",
    httpEvent("POST", "/room_heartbeat", {
      headers: { authorization: `Bearer ${access.secretOf(serving.name)}` },
      body: JSON.stringify({ server: serving.name, state: "ready", players: 1, maxPlayers: 8 }),
    }),
  );
  expect(beat.statusCode).toBe(200);
  expect(body(beat).data).toMatchObject({ assigned: true, room: "Arena" });
  // Its secret was spent on a key: this answer gives the key it must use from now on.
  const bearer = body(beat).data.roomKey as string;
  expect(bearer).toEqual(expect.any(String));
  const asRoom = await call(
    "heartbeat",
    httpEvent("POST", "/room_heartbeat", {
      headers: { authorization: `Bearer ${bearer}` },
      body: JSON.stringify({ server: "Arena", state: "ready", players: 2, maxPlayers: 8 }),
    }),
  );
  expect(body(asRoom).data).toMatchObject({ assigned: true, room: "Arena" });
  const listed = body(await call("get", httpEvent("GET", "/get_servers"))).data;
  expect(listed).toEqual([expect.objectContaining({ name: "Arena", players: 2 })]);

  const slotsBefore = await access.slotCount();
  const task = world.ecs.tasks.find((t) => t.taskArn === arena.serverId)!;
  task.stopped = true;
  const stopped = access.stoppedEventOf(serving.name);
  // Duplicate deliveries (EventBridge is at-least-once) release the slot once.
  const outcomes = await Promise.all([call("events", stopped), call("events", stopped)]);
  expect(outcomes.map((o) => o.outcome).sort()).toEqual(["ignored", "removed"]);
  const rows = await access.rows();
  expect(rows.find((r) => r.name === "Arena")).toBeUndefined();
  expect(rows.find((r) => r.name === serving.name)).toBeUndefined();
  expect(await access.slotCount()).toBe(slotsBefore - 1);
  // The filler tops the pool up again.
  expect((await smallPool.invoke(scheduled)).result).toMatchObject({ started: 1 });
}, 120_000);

// Last: the calls the uploaded code made in this file's tests.
test("IAM allows every call the pool's filler and create_server made, and denies them everything else", async () => {
  // The failure paths: a server whose row cannot be recorded is stopped again, by either.
  const access = worldAccess(world);
  access.faults.failNextServerRecord();
  const failedFill = (await smallPool.invoke(scheduled)).result;
  expect(failedFill).toMatchObject({ started: 0, failed: true });
  access.faults.failNextServerRecord();
  const [unrecorded] = await createAll(["Unrecorded"]);
  expect(unrecorded.statusCode).toBe(503);
  expect(world.ecs.active()).toEqual([]);
  expect(await access.rows()).toEqual([]);
  const calls = access.awsCalls();
  const filler = world.fn("pool").name;
  const create = world.fn("create").name;
  expect(calls[filler].map((c) => c.action)).toEqual(
    expect.arrayContaining(["Scan", "PutItem", "UpdateItem", "RunTask"]),
  );
  expect(calls[create].map((c) => c.action)).toEqual(expect.arrayContaining(["Query"]));
  const stack = await program;
  await expectCallsAllowed(stack, calls);
  const denied = await expectForbiddenDenied(stack, {
    [filler]: calls[filler],
    [create]: calls[create],
  });
  expect(denied[filler].length).toBeGreaterThan(0);
}, 120_000);
