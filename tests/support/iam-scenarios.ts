import { DeleteCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { join } from "node:path";
import { CAPACITY_KEY, roomKey, toItem } from "../../handlers/aws/room-items";
import { type ArchiveHost, lambdaEnvironment, startArchiveHost } from "./archive-host";
import { startAwsCallRecorder } from "./aws-call-recorder";
import { startRoomsTable } from "./dynalite-table";
import { ecsWorldOf } from "./fake-ecs-ec2-validation";
import { httpEvent } from "./http-events";
import { writeArchive } from "./lambda-archive";
import type { RecordedResource } from "./pulumi-program";
import { seededRoom } from "./seeded-rooms";
import { taskEvent } from "./task-events";

/** How the stack invokes a function: an API route, a task-state-change rule, or a schedule. */
export type Trigger =
  | { readonly kind: "route"; readonly routeKey: string }
  | { readonly kind: "events" }
  | { readonly kind: "schedule" };

/** Each function's trigger, read from the API routes/integrations and the EventBridge targets. */
export function functionTriggers(resources: RecordedResource[]): Map<string, Trigger> {
  const triggers = new Map<string, Trigger>();
  const functions = resources.filter((r) => r.type === "aws:lambda/function:Function");
  const nameOf = (arn: unknown) => functions.find((f) => f.state.arn === arn)?.name;
  const integrations = resources.filter(
    (r) => r.type === "aws:apigatewayv2/integration:Integration",
  );
  for (const route of resources.filter((r) => r.type === "aws:apigatewayv2/route:Route")) {
    const integration = integrations.find(
      (i) => route.inputs.target === `integrations/${i.name}-id`,
    );
    const fn = nameOf(integration?.inputs.integrationUri);
    if (fn) triggers.set(fn, { kind: "route", routeKey: route.inputs.routeKey });
  }
  const rules = resources.filter((r) => r.type === "aws:cloudwatch/eventRule:EventRule");
  for (const target of resources.filter(
    (r) => r.type === "aws:cloudwatch/eventTarget:EventTarget",
  )) {
    const rule = rules.find((r) => r.state.name === target.inputs.rule);
    const fn = nameOf(target.inputs.arn);
    if (fn && rule)
      triggers.set(fn, { kind: rule.inputs.scheduleExpression ? "schedule" : "events" });
  }
  return triggers;
}

const ROOM = "Iam Room";
const TASK_HEX = "0123456789abcdef0123456789abcdef";

/**
 * Runs every function's uploaded archive (one warm host each) through the paths its use cases
 * have, including failure branches (a taken name, the cap, a failing RunTask, the row vanishing
 * while RunTask runs, stuck rooms and orphan tasks), and returns the AWS calls each one made.
 * A function whose trigger is unknown to these scenarios is still invoked once on its route.
 */
export async function recordEveryFunction(resources: RecordedResource[], workDir: string) {
  const functions = resources.filter((r) => r.type === "aws:lambda/function:Function");
  const tableName = functions[0].inputs.environment.variables.ROOMS_TABLE_NAME as string;
  const table = await startRoomsTable(tableName);
  const recorder = await startAwsCallRecorder({
    dynamodbEndpoint: table.endpoint,
    world: ecsWorldOf(resources),
    publicIp: "203.0.113.44",
  });
  const hosts = new Map<string, ArchiveHost>();
  try {
    for (const fn of functions) {
      const index = await writeArchive(fn, join(workDir, fn.name));
      const env = { ...lambdaEnvironment(fn), ...(await recorder.endpointsFor(fn.name)) };
      const timeoutMs = Number(fn.inputs.timeout ?? 3) * 1000;
      hosts.set(fn.name, await startArchiveHost(index, env, { timeoutMs }));
      recorder.serve(fn.state.name ?? fn.name, hosts.get(fn.name)!);
    }
    const triggers = functionTriggers(resources);
    const byKind = (wanted: (t: Trigger) => boolean) =>
      [...triggers.entries()].filter(([, t]) => wanted(t)).map(([name]) => hosts.get(name)!);
    const route = (key: string) => byKind((t) => t.kind === "route" && t.routeKey === key)[0];
    const env = functions[0].inputs.environment.variables;
    const ctx = { table, recorder, env, route, events: byKind((t) => t.kind === "events")[0] };
    const { ownerToken, roomId, taskArn, secret } = await createPaths(ctx);
    await ctx.events.invoke(
      taskEvent({ taskArn, roomId, roomName: ROOM, lastStatus: "RUNNING", version: 3 }),
    );
    await heartbeatPaths(route("POST /room_heartbeat"), secret);
    // A seat in the ready room, then quick play over both listing indexes.
    const joinRoute = route("POST /join_room");
    for (const query of ["server=iam%20room", "", "version=1.0"]) {
      const answer = await joinRoute.invoke(httpEvent("POST", "/join_room", { query }));
      if (query.startsWith("server") && answer.result.statusCode !== 200)
        throw new Error(`join failed: ${answer.result.body}`);
    }
    const get = route("GET /get_servers");
    for (const query of ["server=iam%20room", "page=0", "page=0&version=1.0"])
      await get.invoke(httpEvent("GET", "/get_servers", { query }));
    await route("POST /stop_server").invoke(stopEvent("not-the-token"));
    await route("POST /stop_server").invoke(stopEvent(ownerToken));
    await ctx.events.invoke(
      taskEvent({ taskArn, roomId, roomName: ROOM, lastStatus: "STOPPED", version: 5 }),
    );
    await reconcilerPaths(ctx);
    for (const reconciler of byKind((t) => t.kind === "schedule")) await reconciler.invoke({});
    for (const [name, trigger] of triggers) {
      if (trigger.kind !== "route" || KNOWN_ROUTES.includes(trigger.routeKey)) continue;
      const [method, path] = trigger.routeKey.split(" ");
      await hosts.get(name)!.invoke(httpEvent(method, path));
    }
    return { callsByFunction: recorder.byFunction(), calls: recorder.calls };
  } finally {
    await Promise.all([...hosts.values()].map((host) => host.close()));
    await recorder.close();
    await table.close();
  }
}

const KNOWN_ROUTES = [
  "POST /create_server",
  "GET /get_servers",
  "POST /stop_server",
  "POST /room_heartbeat",
  "POST /join_room",
];

/** The server's first heartbeat (secret → room key), a steady one, and a wrong secret. */
async function heartbeatPaths(heartbeat: ArchiveHost, secret: string) {
  const beat = (token: string) =>
    heartbeat.invoke(
      httpEvent("POST", "/room_heartbeat", {
        headers: { authorization: `Bearer ${token}` },
        body: JSON.stringify({ server: ROOM, state: "ready", players: 0, maxPlayers: 8 }),
      }),
    );
  const first = await beat(secret);
  if (first.result.statusCode !== 200) throw new Error(`heartbeat failed: ${first.result.body}`);
  await beat(JSON.parse(first.result.body).data.roomKey);
  await beat("not-the-secret");
}

const stopEvent = (token: string) =>
  httpEvent("POST", "/stop_server", {
    query: "server=Iam%20Room",
    headers: { authorization: `Bearer ${token}` },
  });

interface Ctx {
  readonly table: Awaited<ReturnType<typeof startRoomsTable>>;
  readonly recorder: Awaited<ReturnType<typeof startAwsCallRecorder>>;
  readonly env: Record<string, string>;
  readonly route: (key: string) => ArchiveHost;
}

/** Every branch of create that reaches AWS: success, taken, at the cap, RunTask failing, row lost. */
async function createPaths(ctx: Ctx) {
  const create = (name: string) =>
    ctx
      .route("POST /create_server")
      .invoke(httpEvent("POST", "/create_server", { query: `server=${encodeURIComponent(name)}` }));
  const created = await create(ROOM);
  if (created.result.statusCode !== 200) throw new Error(`create failed: ${created.result.body}`);
  const run = ctx.recorder.calls.find((c) => c.action === "RunTask" && c.status === 200)!;
  await create(ROOM.toUpperCase()); // taken: 409
  ctx.recorder.failRunTask("RESOURCE:CPU");
  await create("No Capacity"); // 503, row and slot released
  ctx.recorder.failRunTask(undefined);
  ctx.recorder.beforeRunTask(() =>
    ctx.table.db
      .send(new DeleteCommand({ TableName: ctx.table.tableName, Key: roomKey("Row Lost") }))
      .then(() => undefined),
  );
  await create("Row Lost"); // the row vanished while RunTask ran: the task is stopped
  ctx.recorder.beforeRunTask(undefined);
  const max = Number(ctx.env.ROOMS_MAX_ROOMS);
  await putItem(ctx, { ...CAPACITY_KEY, slots: max });
  await create("Over The Cap"); // 503 at the cap
  await putItem(ctx, { ...CAPACITY_KEY, slots: 1 });
  const environment: Array<{ name: string; value: string }> =
    run.params.overrides.containerOverrides[0].environment;
  return {
    ownerToken: JSON.parse(created.result.body).data.ownerToken as string,
    roomId: String(run.params.startedBy).split("/")[1],
    taskArn: run.taskArns![0],
    secret: environment.find((v) => v.name === "ROOM_SECRET")!.value,
  };
}

const putItem = (ctx: Ctx, item: Record<string, unknown>) =>
  ctx.table.db.send(new PutCommand({ TableName: ctx.table.tableName, Item: item }));

/** A stuck room with a task, a RUNNING room with a task, an orphan task, a wrong counter. */
async function reconcilerPaths(ctx: Ctx) {
  const clusterArn = ctx.env.ROOMS_CLUSTER_ARN;
  const family = ctx.env.ROOMS_TASK_FAMILY;
  const task = (n: number, roomId: string, name: string) =>
    ctx.recorder.fleet.set(
      `${clusterArn.replace(":cluster/", ":task/")}/${TASK_HEX.slice(1)}${n}`,
      {
        clusterArn,
        family,
        startedBy: `room/${roomId}`,
        overrides: {
          containerOverrides: [{ name: "game", environment: [{ name: "ROOM_NAME", value: name }] }],
        },
      },
    );
  const stuck = { ...seededRoom(1, "PROVISIONING"), createdAt: "2020-01-01T00:00:00.000Z" };
  const running = { ...seededRoom(2, "RUNNING"), createdAt: "2020-01-01T00:00:00.000Z" };
  for (const record of [stuck, running]) await putItem(ctx, toItem(record));
  task(1, stuck.roomId, stuck.name);
  task(2, running.roomId, running.name);
  task(3, "orphan", "Orphan");
  await putItem(ctx, { ...CAPACITY_KEY, slots: 7 });
}
