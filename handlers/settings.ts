import { ENV_NAMES } from "../common/env-names";
import { HEARTBEAT_TIMEOUT_PERIODS, READINESS_DEFAULTS } from "../common/readiness";
import type { EcsFleetSettings } from "./aws/ecs-fleet";
import type { RoomSettings } from "./ports";

type Env = Record<string, string | undefined>;

function required(env: Env, name: string): string {
  const value = env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set.`);
  return value;
}

function positiveInteger(env: Env, name: string): number {
  const value = Number(required(env, name));
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`Environment variable ${name} must be a whole number.`);
  return value;
}

/**
 * The limits of the room core, from the environment the stack gave the function. A stack from
 * before a setting existed gets its default.
 */
export function readRoomSettings(env: Env): RoomSettings {
  const { heartbeatSeconds: defaultPeriod, readyTimeoutSeconds } = READINESS_DEFAULTS;
  const heartbeatSeconds = optionalWhole(env, ENV_NAMES.heartbeatSeconds, defaultPeriod);
  return {
    maxRooms: positiveInteger(env, ENV_NAMES.maxRooms),
    gamePort: positiveInteger(env, ENV_NAMES.gamePort),
    stuckAfterSeconds: positiveInteger(env, ENV_NAMES.stuckAfterSeconds),
    provisioningTtlSeconds: 3600,
    runningTtlSeconds: 86_400,
    serverReadiness: env[ENV_NAMES.serverReadiness] === "heartbeat" ? "heartbeat" : "task",
    heartbeatSeconds,
    readyTimeoutSeconds: optionalWhole(env, ENV_NAMES.readyTimeoutSeconds, readyTimeoutSeconds),
    heartbeatTimeoutSeconds: optionalWhole(
      env,
      ENV_NAMES.heartbeatTimeoutSeconds,
      HEARTBEAT_TIMEOUT_PERIODS * heartbeatSeconds,
    ),
    ...(env[ENV_NAMES.gameProtocol] === "tcp" || env[ENV_NAMES.gameProtocol] === "udp"
      ? { gameProtocol: env[ENV_NAMES.gameProtocol] as "tcp" | "udp" }
      : {}),
    warmRooms: optionalWhole(env, ENV_NAMES.warmRooms, 0),
    createsPerClientPerMinute: optionalWhole(env, ENV_NAMES.createsPerClientPerMinute, 0),
    roomsPerClient: optionalWhole(env, ENV_NAMES.roomsPerClient, 0),
    ...(env[ENV_NAMES.warmVersion] ? { warmVersion: env[ENV_NAMES.warmVersion] } : {}),
    ...(env[ENV_NAMES.roomsApiUrl] ? { roomsApiUrl: env[ENV_NAMES.roomsApiUrl] } : {}),
  };
}

/** An optional whole-number setting; stacks older than the setting get the default. */
function optionalWhole(env: Env, name: string, fallback: number): number {
  return env[name] === undefined ? fallback : positiveInteger(env, name);
}

export function readTableName(env: Env): string {
  return required(env, ENV_NAMES.tableName);
}

/** Where and how room tasks run, for the ECS fleet. */
export function readFleetSettings(env: Env): EcsFleetSettings {
  const capacityProvider = required(env, ENV_NAMES.capacityProvider);
  if (capacityProvider !== "FARGATE" && capacityProvider !== "FARGATE_SPOT") {
    throw new Error(
      `Environment variable ${ENV_NAMES.capacityProvider} must be FARGATE or FARGATE_SPOT.`,
    );
  }
  return {
    clusterArn: required(env, ENV_NAMES.clusterArn),
    taskDefinitionArn: required(env, ENV_NAMES.taskDefinitionArn),
    taskFamily: required(env, ENV_NAMES.taskFamily),
    containerName: required(env, ENV_NAMES.containerName),
    subnetIds: required(env, ENV_NAMES.subnetIds).split(","),
    securityGroupId: required(env, ENV_NAMES.securityGroupId),
    capacityProvider,
    gamePort: positiveInteger(env, ENV_NAMES.gamePort),
    heartbeatSeconds: optionalWhole(
      env,
      ENV_NAMES.heartbeatSeconds,
      READINESS_DEFAULTS.heartbeatSeconds,
    ),
    ...(env[ENV_NAMES.requireTickets] === "true" ? { requireTickets: true } : {}),
  };
}
