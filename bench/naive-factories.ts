/**
 * The baseline for measure 2: the naive shared factory. Every function builds every client
 * (DynamoDB, ECS and EC2) at cold start, whatever it uses, and the adapters are imported at the
 * top, as most Lambda code does. The routes and use cases are ours, so only the factory differs.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { EC2Client } from "@aws-sdk/client-ec2";
import { ECSClient } from "@aws-sdk/client-ecs";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { ENV_NAMES } from "../common/env-names";
import { DynamoDbRoomStore } from "../handlers/aws/dynamodb-room-store";
import { DynamoDbRoomUpdater } from "../handlers/aws/dynamodb-room-updater";
import { EcsFleet } from "../handlers/aws/ecs-fleet";
import { emfMetrics } from "../handlers/aws/emf-metrics";
import { eniAddressResolver } from "../handlers/aws/eni-address-resolver";
import { jsonLogger } from "../handlers/aws/json-logger";
import { handleRoute } from "../handlers/http/http-handler";
import { createServerRoute, getServersRoute, stopServerRoute } from "../handlers/http/rooms-routes";
import type { RoomDeps } from "../handlers/ports";
import { applyTaskStateChange } from "../handlers/rooms/apply-task-state-change";
import { reconcileRooms } from "../handlers/rooms/reconcile-rooms";
import { readFleetSettings, readRoomSettings, readTableName } from "../handlers/settings";

type Handler = (event: unknown) => Promise<unknown>;

function sharedDeps(functionName: string): RoomDeps {
  const settings = readRoomSettings(process.env);
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const ec2 = new EC2Client({});
  const resolver = eniAddressResolver(() => ec2, settings.gamePort);
  return {
    store: new DynamoDbRoomStore(db, readTableName(process.env)),
    updater: new DynamoDbRoomUpdater(db, readTableName(process.env)),
    fleet: new EcsFleet(readFleetSettings(process.env), new ECSClient({}), resolver),
    settings,
    log: jsonLogger({ function: functionName }),
    metrics: emfMetrics(process.env[ENV_NAMES.stackName] ?? "unknown"),
    now: () => new Date(),
  };
}

export const NAIVE_FACTORIES: Record<string, () => Handler> = {
  create_server: () => {
    const deps = sharedDeps("create_server");
    return (event) => handleRoute(createServerRoute, event, deps);
  },
  get_servers: () => {
    const deps = sharedDeps("get_servers");
    return (event) => handleRoute(getServersRoute, event, deps);
  },
  stop_server: () => {
    const deps = sharedDeps("stop_server");
    return (event) => handleRoute(stopServerRoute, event, deps);
  },
  task_events: () => {
    const deps = sharedDeps("task_events");
    return async (event) => ({ outcome: await applyTaskStateChange(event, deps) });
  },
  reconciler: () => {
    const deps = sharedDeps("reconciler");
    return () => reconcileRooms(deps);
  },
};
