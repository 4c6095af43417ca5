/**
 * Names of the environment variables that carry the stack's settings into the handlers.
 * `infra/` sets them on each Lambda; `handlers/settings.ts` reads them. One list, two users.
 */
export const ENV_NAMES = {
  tableName: "ROOMS_TABLE_NAME",
  maxRooms: "ROOMS_MAX_ROOMS",
  gamePort: "ROOMS_GAME_PORT",
  clusterArn: "ROOMS_CLUSTER_ARN",
  taskDefinitionArn: "ROOMS_TASK_DEFINITION_ARN",
  taskFamily: "ROOMS_TASK_FAMILY",
  containerName: "ROOMS_CONTAINER_NAME",
  subnetIds: "ROOMS_SUBNET_IDS",
  securityGroupId: "ROOMS_SECURITY_GROUP_ID",
  capacityProvider: "ROOMS_CAPACITY_PROVIDER",
  stuckAfterSeconds: "ROOMS_STUCK_AFTER_SECONDS",
  stackName: "ROOMS_STACK_NAME",
  serverReadiness: "ROOMS_SERVER_READINESS",
  heartbeatSeconds: "ROOMS_HEARTBEAT_SECONDS",
  readyTimeoutSeconds: "ROOMS_READY_TIMEOUT_SECONDS",
  heartbeatTimeoutSeconds: "ROOMS_HEARTBEAT_TIMEOUT_SECONDS",
  gameProtocol: "ROOMS_GAME_PROTOCOL",
  warmRooms: "ROOMS_WARM_ROOMS",
  requireTickets: "ROOMS_REQUIRE_TICKETS",
  createsPerClientPerMinute: "ROOMS_CREATES_PER_CLIENT_PER_MINUTE",
  roomsPerClient: "ROOMS_ROOMS_PER_CLIENT",
  warmVersion: "ROOMS_WARM_VERSION",
  /** The room API's base URL, for the warm pool's servers (they start outside any request). */
  roomsApiUrl: "ROOMS_API_URL",
  /** join_room: the create_server function quick play invokes. */
  createFunction: "ROOMS_CREATE_FUNCTION",
} as const;

/**
 * What every room server is given (RunTask container overrides in AWS, the process environment
 * locally): the room API's base URL, its room's name, a one-time secret its first heartbeat
 * exchanges for the room key, and how often to heartbeat.
 */
export const ROOM_SERVER_ENV = {
  apiUrl: "ROOMS_API_URL",
  name: "ROOM_NAME",
  secret: "ROOM_SECRET",
  heartbeatSeconds: "ROOM_HEARTBEAT_SECONDS",
  /** "1" on a warm server: it waits unassigned, and its idle timeout starts at assignment. */
  warm: "ROOM_WARM",
  /** "1": the server admits only players who present a valid join ticket. */
  requireTickets: "ROOM_REQUIRE_TICKETS",
} as const;

/** The container environment variable that tells a game server its room name. */
export const ROOM_NAME_ENV = "ROOM_NAME";

/**
 * Prefix of ECS `startedBy` for tasks this service starts; the room's id follows it. RunTask
 * allows only letters, digits, `-`, `/` and `_` there (at most 128), hence `/`.
 */
export const STARTED_BY_PREFIX = "room/";

/**
 * Every prefix our tasks may carry: the current one, and `room:` of releases before 0.2, read
 * (never written) so that tasks they started are still recognised.
 */
export const STARTED_BY_PREFIXES = [STARTED_BY_PREFIX, "room:"] as const;

/** The room id in a task's `startedBy`, or undefined when the task is not one of ours. */
export function roomIdFromStartedBy(startedBy: unknown): string | undefined {
  if (typeof startedBy !== "string") return undefined;
  for (const prefix of STARTED_BY_PREFIXES) {
    if (startedBy.startsWith(prefix)) return startedBy.slice(prefix.length) || undefined;
  }
  return undefined;
}
