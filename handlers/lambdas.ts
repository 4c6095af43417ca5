/**
 * Factories for the Lambda handlers. Each is passed to a CallbackFunction as `callbackFactory`:
 * Pulumi serializes it, and its body runs once per cold start. It builds only the SDK clients
 * its function uses (cold init is what a player waits for), from the environment the stack set,
 * and returns the handler. Pulumi turns every module a serialized function touches into a
 * top-level `require`, so each adapter imports one client only, and a factory touches only the
 * adapters its function needs: get_servers never loads ECS or EC2, task_events never loads ECS.
 */
import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { DynamoDbRoomStore } from "./aws/dynamodb-room-store";
import { DynamoDbRoomUpdater } from "./aws/dynamodb-room-updater";
import { DynamoDbRoomWrites } from "./aws/dynamodb-room-writes";
import { DynamoDbSeats } from "./aws/dynamodb-seats";
import { DynamoDbWarmPool } from "./aws/dynamodb-warm-pool";
import { lambdaRoomCreator } from "./aws/lambda-room-creator";
import { EcsFleet, EcsRoomTasks } from "./aws/ecs-fleet";
import { eniAddressResolver } from "./aws/eni-address-resolver";
import { emfMetrics } from "./aws/emf-metrics";
import { jsonLogger } from "./aws/json-logger";
import { ENV_NAMES } from "../common/env-names";
import { handleRoute } from "./http/http-handler";
import {
  createServerRoute,
  getServersRoute,
  joinRoomRoute,
  roomHeartbeatRoute,
  stopServerRoute,
} from "./http/rooms-routes";
import type { Fleet, RoomDeps, RoomStore, RoomWrites } from "./ports";
import { applyTaskStateChange } from "./rooms/apply-task-state-change";
import { fillWarmPool } from "./rooms/fill-warm-pool";
import { reconcileRooms } from "./rooms/reconcile-rooms";
import { readFleetSettings, readRoomSettings, readTableName } from "./settings";

type Handler = (event: unknown, context?: { awsRequestId?: string }) => Promise<unknown>;

/** For functions that never touch the fleet: a call is a wiring bug, and says so. */
function noFleet(functionName: string): Fleet {
  const refuse = () => Promise.reject(new Error(`${functionName} has no fleet`));
  return { start: refuse, stop: refuse, listActive: refuse, resolveAddress: refuse };
}

/* eslint-disable @typescript-eslint/no-require-imports -- lazy loading is the point here */
function documentClient(): DynamoDBDocumentClient {
  const dynamodb = require("@aws-sdk/client-dynamodb") as typeof import("@aws-sdk/client-dynamodb");
  const lib = require("@aws-sdk/lib-dynamodb") as typeof import("@aws-sdk/lib-dynamodb");
  const client: DynamoDBClient = new dynamodb.DynamoDBClient({});
  return lib.DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}

function ecsFleet(): Fleet {
  const ecs = require("@aws-sdk/client-ecs") as typeof import("@aws-sdk/client-ecs");
  return new EcsFleet(readFleetSettings(process.env), new ecs.ECSClient({}));
}

/** Starts and stops tasks, never lists them: the listing stays out of these archives. */
function ecsTasks(functionName: string): Fleet {
  const ecs = require("@aws-sdk/client-ecs") as typeof import("@aws-sdk/client-ecs");
  const tasks = new EcsRoomTasks(readFleetSettings(process.env), new ecs.ECSClient({}));
  const refuse = () => Promise.reject(new Error(`${functionName} lists no tasks, resolves no IPs`));
  return Object.assign(Object.create(tasks) as EcsRoomTasks, {
    listActive: refuse,
    resolveAddress: refuse,
  });
}

/** The task-events function only resolves public IPs: EC2 (loaded on first use), and no ECS. */
function addressOnlyFleet(): Fleet {
  const newClient = (): EC2Client => {
    const ec2 = require("@aws-sdk/client-ec2") as typeof import("@aws-sdk/client-ec2");
    return new ec2.EC2Client({});
  };
  return {
    ...noFleet("task_events"),
    resolveAddress: eniAddressResolver(newClient, readRoomSettings(process.env).gamePort),
  };
}
function lambdaSdk() {
  return require("@aws-sdk/client-lambda") as typeof import("@aws-sdk/client-lambda");
}
/* eslint-enable @typescript-eslint/no-require-imports */

/** The same deps, with a logger that stamps this invocation's request id on every line. */
function forRequest(
  roomDeps: RoomDeps & { log: ReturnType<typeof jsonLogger> },
  context?: { awsRequestId?: string },
) {
  return context?.awsRequestId
    ? { ...roomDeps, log: roomDeps.log.with({ requestId: context.awsRequestId }) }
    : roomDeps;
}

/**
 * For functions that read single rooms only: their archives carry the writes, not the listing
 * and scanning (DynamoDbRoomStore); a call to those is a wiring bug, and says so.
 */
function roomWritesOnly(db: DynamoDBDocumentClient, functionName: string): RoomStore {
  const refuse = () => Promise.reject(new Error(`${functionName} reads no lists of rooms`));
  const writes = new DynamoDbRoomWrites(db, readTableName(process.env));
  return Object.assign(Object.create(writes) as RoomWrites, {
    listRunning: refuse,
    scanAll: refuse,
    slotCount: refuse,
    repairSlotCount: refuse,
    extendExpiry: refuse,
  });
}

function deps(
  fleet: Fleet,
  functionName: string,
  db: DynamoDBDocumentClient = documentClient(),
  store: RoomStore = roomWritesOnly(db, functionName),
): RoomDeps & { log: ReturnType<typeof jsonLogger> } {
  return {
    store,
    fleet,
    settings: readRoomSettings(process.env),
    log: jsonLogger({ function: functionName }),
    metrics: emfMetrics(process.env[ENV_NAMES.stackName] ?? "unknown"),
    now: () => new Date(),
  };
}

export function createServerFactory(): Handler {
  const db = documentClient();
  const pool = new DynamoDbWarmPool(db, readTableName(process.env));
  const roomDeps = { ...deps(ecsTasks("create_server"), "create_server", db), pool };
  return (event, context) => handleRoute(createServerRoute, event, forRequest(roomDeps, context));
}

export function getServersFactory(): Handler {
  const db = documentClient();
  const store = new DynamoDbRoomStore(db, readTableName(process.env));
  const roomDeps = deps(noFleet("get_servers"), "get_servers", db, store);
  return (event, context) => handleRoute(getServersRoute, event, forRequest(roomDeps, context));
}

export function stopServerFactory(): Handler {
  const roomDeps = deps(ecsTasks("stop_server"), "stop_server");
  return (event, context) => handleRoute(stopServerRoute, event, forRequest(roomDeps, context));
}

/** Heartbeats touch only the table: no ECS, no EC2. */
export function roomHeartbeatFactory(): Handler {
  const db = documentClient();
  const updater = new DynamoDbRoomUpdater(db, readTableName(process.env));
  const seats = new DynamoDbSeats(db, readTableName(process.env));
  const roomDeps = { ...deps(noFleet("room_heartbeat"), "room_heartbeat", db), updater, seats };
  return (event, context) => handleRoute(roomHeartbeatRoute, event, forRequest(roomDeps, context));
}

export function taskEventsFactory(): Handler {
  const db = documentClient();
  const updater = new DynamoDbRoomUpdater(db, readTableName(process.env));
  const roomDeps = { ...deps(addressOnlyFleet(), "task_events", db), updater };
  return async (event, context) => ({
    outcome: await applyTaskStateChange(event, forRequest(roomDeps, context)),
  });
}

/**
 * The warm pool's filler: whatever invoked it (a claim in the table's stream, the schedule),
 * it tops the pool up. Its reserved concurrency of 1 makes runs one at a time.
 */
export function warmPoolFactory(): Handler {
  const db = documentClient();
  const store = new DynamoDbRoomStore(db, readTableName(process.env));
  const roomDeps = deps(ecsTasks("warm_pool"), "warm_pool", db, store);
  return (_event, context) => fillWarmPool(forRequest(roomDeps, context));
}

/**
 * join_room: seats and tickets from the table (no ECS, no EC2); quick play's new rooms come from
 * create_server, invoked (its Lambda client is loaded on first use: most joins never need it).
 */
export function joinRoomFactory(): Handler {
  const db = documentClient();
  const seats = new DynamoDbSeats(db, readTableName(process.env));
  const createFunction = process.env[ENV_NAMES.createFunction];
  const creator = createFunction ? lambdaRoomCreator(lambdaSdk, createFunction) : undefined;
  const roomDeps = {
    ...deps(noFleet("join_room"), "join_room", db),
    seats,
    ...(creator ? { creator } : {}),
  };
  return (event, context) => handleRoute(joinRoomRoute, event, forRequest(roomDeps, context));
}

export function reconcilerFactory(): Handler {
  const db = documentClient();
  const store = new DynamoDbRoomStore(db, readTableName(process.env));
  const roomDeps = deps(ecsFleet(), "reconciler", db, store);
  return (_event, context) => reconcileRooms(forRequest(roomDeps, context));
}
