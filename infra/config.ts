import * as pulumi from "@pulumi/pulumi";
import type { GameProtocol } from "../common/game-server";
import { heartbeatTimeoutSeconds } from "../common/readiness";

/** The stack's settings, typed and checked. Defaults live in Pulumi.yaml, with each key's docs. */
export interface StackConfig {
  readonly maxRooms: number;
  readonly taskCpu: number;
  readonly taskMemory: number;
  readonly gamePort: number;
  readonly gameProtocol: GameProtocol;
  readonly emptyServerTimeoutSeconds: number;
  readonly useSpot: boolean;
  readonly logRetentionDays: number;
  readonly throttleRate: number;
  readonly throttleBurst: number;
  readonly corsOrigins: readonly string[];
  readonly vpcMode: "dedicated" | "default";
  readonly vpcCidr: string;
  readonly reconcileMinutes: number;
  readonly stuckAfterMinutes: number;
  readonly imagesToKeep: number;
  readonly protectData: boolean;
  readonly alarmEmail?: string;
  /** The Godot engine the image runs: major.minor[.patch], 3.x or 4.x. */
  readonly godotVersion: string;
  /** `task`: RUNNING when the task runs. `heartbeat`: when its server also said ready (SDK). */
  readonly serverReadiness: "task" | "heartbeat";
  readonly heartbeatSeconds: number;
  readonly readyTimeoutSeconds: number;
  readonly heartbeatTimeoutSeconds: number;
  /** Creates one client may make per minute; 0: no limit. */
  readonly createsPerClientPerMinute: number;
  /** Live rooms one client may hold at once; 0: no limit. */
  readonly roomsPerClient: number;
  /** Room servers admit ticket holders only (ROOM_REQUIRE_TICKETS). */
  readonly requireTickets: boolean;
  /** Warm servers the pool keeps; 0 declares no pool. */
  readonly warmRooms: number;
  readonly warmVersion?: string;
}

/** Every key this program reads; each is declared in Pulumi.yaml (a test checks it). */
export const CONFIG_KEYS = [
  "maxRooms",
  "taskCpu",
  "taskMemory",
  "gamePort",
  "gameProtocol",
  "emptyServerTimeoutSeconds",
  "useSpot",
  "logRetentionDays",
  "throttleRate",
  "throttleBurst",
  "corsOrigins",
  "vpcMode",
  "vpcCidr",
  "reconcileMinutes",
  "stuckAfterMinutes",
  "imagesToKeep",
  "protectData",
  "alarmEmail",
  "godotVersion",
  "serverReadiness",
  "heartbeatSeconds",
  "readyTimeoutSeconds",
  "heartbeatTimeoutSeconds",
  "warmRooms",
  "warmVersion",
  "requireTickets",
  "createsPerClientPerMinute",
  "roomsPerClient",
] as const;

type RawConfig = Partial<Record<(typeof CONFIG_KEYS)[number], string>>;

/** Memory sizes (MiB) Fargate allows for each CPU size (units). */
export function fargateMemoryOptions(cpu: number): number[] {
  const range = (min: number, max: number, step: number) =>
    Array.from({ length: (max - min) / step + 1 }, (_, i) => min + i * step);
  switch (cpu) {
    case 256:
      return [512, 1024, 2048];
    case 512:
      return range(1024, 4096, 1024);
    case 1024:
      return range(2048, 8192, 1024);
    case 2048:
      return range(4096, 16384, 1024);
    case 4096:
      return range(8192, 30720, 1024);
    case 8192:
      return range(16384, 61440, 4096);
    case 16384:
      return range(32768, 122880, 8192);
    default:
      return [];
  }
}

/** Retention values CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];

function integer(raw: RawConfig, key: keyof RawConfig, min: number, max: number): number {
  const text = raw[key];
  const value = Number(text);
  if (
    text === undefined ||
    text.trim() === "" ||
    !Number.isInteger(value) ||
    value < min ||
    value > max
  ) {
    throw new Error(
      `Config "${key}" must be a whole number from ${min} to ${max}; got ${JSON.stringify(text)}.`,
    );
  }
  return value;
}

function oneOf<T extends string>(raw: RawConfig, key: keyof RawConfig, allowed: readonly T[]): T {
  const value = raw[key];
  if (!allowed.includes(value as T)) {
    throw new Error(
      `Config "${key}" must be one of ${allowed.join(", ")}; got ${JSON.stringify(value)}.`,
    );
  }
  return value as T;
}

function boolean(raw: RawConfig, key: keyof RawConfig): boolean {
  return oneOf(raw, key, ["true", "false"]) === "true";
}

function stringList(raw: RawConfig, key: keyof RawConfig): string[] {
  let value: unknown;
  try {
    value = JSON.parse(raw[key] ?? "");
  } catch {
    value = undefined;
  }
  if (
    !Array.isArray(value) ||
    value.length === 0 ||
    !value.every((v) => typeof v === "string" && v !== "")
  ) {
    throw new Error(
      `Config "${key}" must be a non-empty list of strings; got ${JSON.stringify(raw[key])}.`,
    );
  }
  return value as string[];
}

/** Every name the program declares starts with this, then the stack name. */
export const NAME_PREFIX = "godot-rooms-";

/**
 * The longest stack name the program can take. Its longest IAM role is the create_server
 * function's, `godot-rooms-<stack>-api-create-server-role`, and Pulumi's auto-naming adds "-" and
 * 7 random characters to it; IAM role names end at 64 characters: 64 - 8 - 12 - 23 = 21.
 * tests/infra/stack-name-limit.test.ts checks this against the roles the program really declares.
 */
export const MAX_STACK_NAME_LENGTH = 64 - 8 - NAME_PREFIX.length - "-api-create-server-role".length;

/**
 * The stack name goes into IAM role, ECS cluster, SQS queue and dashboard names, which allow
 * letters, digits, "-" and "_" only (Pulumi allows "." too), within the lengths above.
 */
export function checkStackName(stack: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(stack) || stack.length > MAX_STACK_NAME_LENGTH) {
    throw new Error(
      `Stack name ${JSON.stringify(stack)} cannot be used: it must be 1 to ${MAX_STACK_NAME_LENGTH} letters, digits, "-" or "_" (got ${stack.length} characters), because it becomes part of IAM role names (at most 64 characters: ${NAME_PREFIX}<stack>-api-create-server-role plus Pulumi's 8-character suffix).`,
    );
  }
  return stack;
}

/** Godot 3.x or 4.x, as major.minor or major.minor.patch: the versions the image can download. */
function godotVersion(raw: RawConfig): string {
  const value = raw.godotVersion ?? "";
  if (!/^[34]\.(0|[1-9]\d?)(\.(0|[1-9]\d?))?$/.test(value)) {
    throw new Error(
      `Config "godotVersion" must be a Godot 3.x or 4.x version such as "4.6", "4.6.1" or "3.6"; got ${JSON.stringify(raw.godotVersion)}.`,
    );
  }
  return value;
}

/** Checks raw config values (strings, as Pulumi stores them) and fails early with clear messages. */
export function parseStackConfig(raw: RawConfig, stack: string): StackConfig {
  checkStackName(stack);
  const taskCpu = integer(raw, "taskCpu", 256, 16384);
  const memoryOptions = fargateMemoryOptions(taskCpu);
  if (memoryOptions.length === 0) {
    throw new Error(
      `Config "taskCpu" must be one of 256, 512, 1024, 2048, 4096, 8192, 16384; got ${taskCpu}.`,
    );
  }
  const taskMemory = integer(raw, "taskMemory", 512, 122880);
  if (!memoryOptions.includes(taskMemory)) {
    throw new Error(
      `Fargate does not allow taskMemory ${taskMemory} with taskCpu ${taskCpu}: use one of ${memoryOptions.join(", ")}.`,
    );
  }
  const logRetentionDays = integer(raw, "logRetentionDays", 1, 3653);
  if (!LOG_RETENTION_DAYS.includes(logRetentionDays)) {
    throw new Error(
      `Config "logRetentionDays" must be one of ${LOG_RETENTION_DAYS.join(", ")}; got ${logRetentionDays}.`,
    );
  }
  const alarmEmail = raw.alarmEmail?.trim();
  if (alarmEmail && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) {
    throw new Error(
      `Config "alarmEmail" must be an email address; got ${JSON.stringify(alarmEmail)}.`,
    );
  }
  const vpcCidr = raw.vpcCidr ?? "";
  if (!/^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-4])$/.test(vpcCidr)) {
    throw new Error(
      `Config "vpcCidr" must be an IPv4 CIDR block from /16 to /24; got ${JSON.stringify(vpcCidr)}.`,
    );
  }
  return {
    maxRooms: integer(raw, "maxRooms", 1, 5000),
    taskCpu,
    taskMemory,
    gamePort: integer(raw, "gamePort", 1, 65535),
    gameProtocol: oneOf(raw, "gameProtocol", ["udp", "tcp"]),
    emptyServerTimeoutSeconds: integer(raw, "emptyServerTimeoutSeconds", 10, 86_400),
    useSpot: boolean(raw, "useSpot"),
    logRetentionDays,
    throttleRate: integer(raw, "throttleRate", 1, 10_000),
    throttleBurst: integer(raw, "throttleBurst", 1, 5_000),
    corsOrigins: stringList(raw, "corsOrigins"),
    vpcMode: oneOf(raw, "vpcMode", ["dedicated", "default"]),
    vpcCidr,
    reconcileMinutes: integer(raw, "reconcileMinutes", 1, 1440),
    stuckAfterMinutes: integer(raw, "stuckAfterMinutes", 2, 1440),
    imagesToKeep: integer(raw, "imagesToKeep", 1, 1000),
    protectData: boolean(raw, "protectData"),
    ...(alarmEmail ? { alarmEmail } : {}),
    godotVersion: godotVersion(raw),
    ...readiness(raw),
    ...warmPool(raw),
    requireTickets: requireTickets(raw),
    createsPerClientPerMinute:
      raw.createsPerClientPerMinute === undefined
        ? 0
        : integer(raw, "createsPerClientPerMinute", 0, 1000),
    roomsPerClient: raw.roomsPerClient === undefined ? 0 : integer(raw, "roomsPerClient", 0, 1000),
  };
}

/** Tickets are checked by the server SDK: a game without it (`task` readiness) cannot. */
function requireTickets(raw: RawConfig): boolean {
  const required = raw.requireTickets === undefined ? false : boolean(raw, "requireTickets");
  if (required && raw.serverReadiness !== "heartbeat") {
    throw new Error(
      'Config "requireTickets" needs serverReadiness: heartbeat: only the server SDK checks tickets, and a game without it (serverReadiness: task) would refuse every player.',
    );
  }
  return required;
}

/** The warm pool: part of the cap, and only for servers that say ready (the SDK's heartbeats). */
function warmPool(raw: RawConfig) {
  const maxRooms = integer(raw, "maxRooms", 1, 5000);
  const warmRooms = raw.warmRooms === undefined ? 0 : integer(raw, "warmRooms", 0, maxRooms);
  if (warmRooms > 0 && raw.serverReadiness !== "heartbeat") {
    throw new Error(
      'Config "warmRooms" needs serverReadiness: heartbeat: a warm server must say it is ready, and learns its room through its heartbeats.',
    );
  }
  const warmVersion = raw.warmVersion?.trim();
  if (warmVersion && !/^[A-Za-z0-9._+-]{1,32}$/.test(warmVersion)) {
    throw new Error(
      `Config "warmVersion" must be a game version (1 to 32 letters, digits, '.', '_', '+', '-'); got ${JSON.stringify(warmVersion)}.`,
    );
  }
  return { warmRooms, ...(warmVersion ? { warmVersion } : {}) };
}

/** Readiness and liveness: a heartbeat timeout shorter than two periods would drop live rooms. */
function readiness(raw: RawConfig) {
  const heartbeatSeconds = integer(raw, "heartbeatSeconds", 5, 300);
  const given =
    raw.heartbeatTimeoutSeconds === undefined || raw.heartbeatTimeoutSeconds === ""
      ? undefined
      : integer(raw, "heartbeatTimeoutSeconds", 10, 3600);
  return {
    serverReadiness: oneOf(raw, "serverReadiness", ["task", "heartbeat"]),
    heartbeatSeconds,
    readyTimeoutSeconds: integer(raw, "readyTimeoutSeconds", 10, 3600),
    heartbeatTimeoutSeconds: heartbeatTimeoutSeconds(
      heartbeatSeconds,
      given,
      'Config "heartbeatTimeoutSeconds"',
    ),
  };
}

/** Reads the stack's config (Pulumi.yaml defaults, overridden by Pulumi.<stack>.yaml). */
export function loadStackConfig(stack = pulumi.getStack()): StackConfig {
  const config = new pulumi.Config();
  const raw: RawConfig = {};
  for (const key of CONFIG_KEYS) {
    const value = config.get(key);
    if (value !== undefined) raw[key] = value;
  }
  return parseStackConfig(raw, stack);
}
