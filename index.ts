/**
 * godot-rooms: Godot dedicated game servers on AWS Fargate, one task per room, behind a room API.
 * This file only reads the stack's config and composes the components of infra/.
 */
import * as pulumi from "@pulumi/pulumi";
import * as path from "node:path";
import { GAME_CONTAINER_NAME } from "./common/game-server";
import { loadStackConfig, NAME_PREFIX } from "./infra/config";
import { roomsEnvironment } from "./infra/function-environment";
import { GameCluster } from "./infra/game-cluster";
import { GameImage } from "./infra/game-image";
import { clusterTasksArnOf, taskDefinitionFamilyArnOf } from "./infra/policy-arns";
import { RoomsApi } from "./infra/rooms-api";
import { RoomsMonitoring } from "./infra/rooms-monitoring";
import { RoomsNetwork } from "./infra/rooms-network";
import { RoomsTable } from "./infra/rooms-table";
import { TaskEvents } from "./infra/task-events";
import { WarmPool } from "./infra/warm-pool";

const config = loadStackConfig();
const prefix = `${NAME_PREFIX}${pulumi.getStack()}`;

// Public subnets only: rooms get public IPs, so there is no NAT gateway or load balancer to pay for.
const network = new RoomsNetwork(prefix, { mode: config.vpcMode, cidrBlock: config.vpcCidr });
const table = new RoomsTable(`${prefix}-rooms`, {
  protectData: config.protectData,
  stream: config.warmRooms > 0,
});
const image = new GameImage(prefix, {
  // Relative to the project (Pulumi runs the program there), so that a second checkout, on CI or
  // a laptop, gives the image the same inputs and does not re-push an existing, immutable tag.
  context: path.relative(process.cwd(), path.join(__dirname, "godot-image")),
  godotVersion: config.godotVersion,
  imagesToKeep: config.imagesToKeep,
  forceDelete: !config.protectData,
});
const cluster = new GameCluster(prefix, {
  vpcId: network.vpcId,
  image: image.imageRef,
  repositoryArn: image.repositoryArn,
  gamePort: config.gamePort,
  gameProtocol: config.gameProtocol,
  emptyServerTimeoutSeconds: config.emptyServerTimeoutSeconds,
  serverReadiness: config.serverReadiness,
  cpu: config.taskCpu,
  memory: config.taskMemory,
  logRetentionDays: config.logRetentionDays,
});

// Every function gets the same settings, and a policy scoped to exactly these resources.
const environment = roomsEnvironment({
  stackName: pulumi.getStack(),
  tableName: table.tableName,
  maxRooms: config.maxRooms,
  gamePort: config.gamePort,
  stuckAfterSeconds: config.stuckAfterMinutes * 60,
  clusterArn: cluster.clusterArn,
  taskDefinitionArn: cluster.taskDefinitionArn,
  taskFamily: cluster.taskFamily,
  containerName: GAME_CONTAINER_NAME,
  subnetIds: network.subnetIds,
  securityGroupId: cluster.securityGroupId,
  capacityProvider: config.useSpot ? "FARGATE_SPOT" : "FARGATE",
  serverReadiness: config.serverReadiness,
  heartbeatSeconds: config.heartbeatSeconds,
  readyTimeoutSeconds: config.readyTimeoutSeconds,
  heartbeatTimeoutSeconds: config.heartbeatTimeoutSeconds,
  gameProtocol: config.gameProtocol,
  warmRooms: config.warmRooms,
  warmVersion: config.warmVersion,
  requireTickets: config.requireTickets,
  createsPerClientPerMinute: config.createsPerClientPerMinute,
  roomsPerClient: config.roomsPerClient,
});
const policyArns = pulumi
  .all([
    table.tableArn,
    cluster.clusterArn,
    cluster.taskDefinitionArn,
    cluster.executionRoleArn,
    cluster.taskRoleArn,
  ])
  .apply(([tableArn, clusterArn, taskDefinitionArn, executionRoleArn, taskRoleArn]) => ({
    tableArn,
    clusterArn,
    clusterTasksArn: clusterTasksArnOf(clusterArn),
    taskDefinitionFamilyArn: taskDefinitionFamilyArnOf(taskDefinitionArn),
    executionRoleArn,
    taskRoleArn,
  }));

const api = new RoomsApi(`${prefix}-api`, {
  environment,
  policyArns,
  throttleRate: config.throttleRate,
  throttleBurst: config.throttleBurst,
  corsOrigins: config.corsOrigins,
  logRetentionDays: config.logRetentionDays,
  warmPool: config.warmRooms > 0,
});
const taskEvents = new TaskEvents(`${prefix}-tasks`, {
  clusterArn: cluster.clusterArn,
  environment,
  policyArns,
  reconcileMinutes: config.reconcileMinutes,
  logRetentionDays: config.logRetentionDays,
});

// Declared only when the stack keeps warm servers: no stream, no function, no schedule otherwise.
const warmPool =
  config.warmRooms > 0
    ? new WarmPool(`${prefix}-warm-pool`, {
        tableStreamArn: table.streamArn,
        environment,
        policyArns,
        apiUrl: api.url,
        scheduleMinutes: config.reconcileMinutes,
        logRetentionDays: config.logRetentionDays,
      })
    : undefined;

new RoomsMonitoring(prefix, {
  functionNames: [
    ...api.functionNames,
    taskEvents.eventsFunctionName,
    taskEvents.reconcilerFunctionName,
    ...(warmPool ? [warmPool.functionName] : []),
  ],
  apiId: api.apiId,
  apiStage: api.stageName,
  routeKeys: api.routeKeys,
  accessLogGroupName: api.accessLogGroupName,
  deadLetterQueueName: taskEvents.deadLetterQueueName,
  maxRooms: config.maxRooms,
  warmPool: config.warmRooms > 0,
  alarmEmail: config.alarmEmail,
});

/** Base URL of the room API: what game clients call. */
export const apiUrl = api.url;
/** Where `pulumi up` pushes the game server image. */
export const repositoryUrl = image.repositoryUrl;
/** The image the room tasks run. */
export const imageRef = image.imageRef;
/** The ECS cluster rooms run in (for the console and `aws ecs list-tasks`). */
export const clusterName = cluster.clusterName;
/** The DynamoDB rooms table. */
export const tableName = table.tableName;
