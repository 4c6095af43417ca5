import { writeArchive } from "../../support/lambda-archive";
import { httpEvent } from "../../support/http-events";
import {
  createServerFactory,
  getServersFactory,
  reconcilerFactory,
  roomHeartbeatFactory,
  stopServerFactory,
  taskEventsFactory,
} from "../../../handlers/lambdas";
import { type ArchiveHost, startArchiveHost } from "../../support/archive-host";
import {
  type FunctionRole,
  type LambdaWorld,
  PUBLIC_IP,
  roleOfPath,
  STACK_ROLES,
  type StackRole,
  startLambdaWorld,
  worldAccess,
} from "../support/lambda-world";
import type { Answer, ContractTarget, RequestOptions } from "../target";
import { join } from "node:path";

type Invoke = (event: unknown) => Promise<any>;

const FACTORIES: Record<StackRole, () => (event: unknown, context?: object) => Promise<unknown>> = {
  create: createServerFactory,
  get: getServersFactory,
  stop: stopServerFactory,
  heartbeat: roomHeartbeatFactory,
  events: taskEventsFactory,
  reconciler: reconcilerFactory,
};

/**
 * Target 1: the same handler factories the archives are serialized from, called in this process
 * with the function's environment: the TypeScript as written, the adapters and SDK included.
 */
export async function inProcessTarget(): Promise<ContractTarget> {
  const world = await startLambdaWorld();
  // The SDK reads region, credentials and endpoints when a request is made, so these stay set
  // while the target runs; each factory reads the stack's settings from its own function's
  // environment when it is called, as at a cold start.
  const saved = process.env;
  const endpoints = {
    AWS_ENDPOINT_URL_DYNAMODB: world.dynamo.endpointFor("in-process"),
    AWS_ENDPOINT_URL_ECS: world.ecs.endpointFor("in-process"),
    AWS_ENDPOINT_URL_EC2: world.ecs.endpointFor("in-process"),
  };
  const common = {
    ...saved,
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_MAX_ATTEMPTS: "1",
    ...endpoints,
  };
  const handlers = {} as Record<FunctionRole, Invoke>;
  for (const role of STACK_ROLES) {
    process.env = { ...common, ...world.envOf(role), ...endpoints };
    const handler = FACTORIES[role]();
    handlers[role] = (event) => handler(event, { awsRequestId: "in-process" });
  }
  process.env = common;
  return lambdaTarget("in-process", world, handlers, async () => {
    process.env = saved;
  });
}

/**
 * Target 2: each function's uploaded `__index.js`, from the program under mocks, loaded once in
 * a fresh Node process that serves every invocation (a warm Lambda), with the environment the
 * program sets and the SDK from a folder that holds only what the Lambda runtime provides.
 */
export async function archivesTarget(): Promise<ContractTarget> {
  const world = await startLambdaWorld();
  const hosts: ArchiveHost[] = [];
  const handlers = {} as Record<FunctionRole, Invoke>;
  for (const role of STACK_ROLES) {
    const index = await writeArchive(world.fn(role), join(world.workDir, role));
    // A handler that throws rejects the invocation (Lambda's function error): the test fails.
    const host = await startArchiveHost(index, world.envOf(role), { timeoutMs: 30_000 });
    hosts.push(host);
    handlers[role] = async (event) => (await host.invoke(event)).result;
  }
  return lambdaTarget("archives", world, handlers, async () => {
    await Promise.all(hosts.map((host) => host.close()));
  });
}

function lambdaTarget(
  name: "in-process" | "archives",
  world: LambdaWorld,
  handlers: Record<FunctionRole, Invoke>,
  stopHandlers: () => Promise<void>,
): ContractTarget {
  const access = worldAccess(world);
  return {
    name,
    expectedIp: PUBLIC_IP,
    async request(method: string, path: string, options: RequestOptions = {}): Promise<Answer> {
      const role = roleOfPath(path);
      // API Gateway answers an unknown route itself, before any function runs.
      if (!role) return { status: 404, headers: {}, body: { message: "Not Found" } };
      const result = await handlers[role](httpEvent(method, path, options));
      return { status: result.statusCode, headers: result.headers, body: JSON.parse(result.body) };
    },
    async bringUp(room: string) {
      // The dev stack's rooms are `heartbeat` rooms: the task runs, then the server says ready.
      await handlers.events(access.runningEventOf(room));
      const ready = await handlers.heartbeat(
        httpEvent("POST", "/room_heartbeat", {
          headers: { authorization: `Bearer ${access.secretOf(room)}` },
          body: JSON.stringify({ server: room, state: "ready", players: 0, maxPlayers: 8 }),
        }),
      );
      if (ready.statusCode !== 200) throw new Error(`heartbeat of ${room}: ${ready.body}`);
    },
    serverSecretOf: async (room: string) => access.secretOf(room),
    async settleStopped(room: string) {
      await handlers.events(access.stoppedEventOf(room));
    },
    rows: () => access.rows(),
    slotCount: () => access.slotCount(),
    activeServers: () => access.activeServers(),
    reset: () => access.reset(),
    seed: (record, options) => access.seed(record, options),
    faults: access.faults,
    ...(name === "archives" ? { awsCalls: () => access.awsCalls() } : {}),
    events: { send: (event) => handlers.events(event) },
    reconcile: () =>
      handlers.reconciler({ source: "aws.events", "detail-type": "Scheduled Event" }),
    async close() {
      await stopHandlers();
      await world.close();
    },
  };
}
