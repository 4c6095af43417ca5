/** Room statuses, in ECS vocabulary so that existing TetraForce clients keep working. */
export type RoomStatus = "PROVISIONING" | "PENDING" | "RUNNING" | "STOPPING";

/**
 * How a room becomes RUNNING: `task` when its ECS task runs; `heartbeat` when the task runs and
 * its server has also said ready (the server SDK's first heartbeat).
 */
export type ServerReadiness = "task" | "heartbeat";

/** The game transport: ENet over UDP, or WebSocket over TCP. */
export type GameProtocol = "udp" | "tcp";

/** What clients see of a room. */
export interface Room {
  readonly name: string;
  readonly status: RoomStatus;
  /** Only while RUNNING. */
  readonly ip?: string;
  readonly port: number;
  readonly version?: string;
  /** From the server's heartbeats; absent until the first. */
  readonly players?: number;
  readonly maxPlayers?: number;
  readonly protocol?: GameProtocol;
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A room as stored: the public fields plus internals that never leave the service. */
export interface RoomRecord extends Room {
  /** Random id of this reservation of the name; carried by the task's `startedBy`. */
  readonly roomId: string;
  readonly serverId?: string;
  readonly ownerTokenHash: string;
  /** Highest `detail.version` of the task's state-change events applied so far. */
  readonly eventVersion?: number;
  /** Epoch seconds after which DynamoDB TTL may delete the row: the last safety net. */
  readonly expiresAt: number;
  /** Absent on rooms created before readiness existed: they are `task` rooms. */
  readonly readiness?: ServerReadiness;
  /** ECS reported the task RUNNING (a heartbeat room may still be PENDING: not ready yet). */
  readonly taskRunning?: boolean;
  readonly taskRunningAt?: string;
  /** The server said ready. */
  readonly ready?: boolean;
  readonly heartbeatAt?: string;
  /** SHA-256 of the one-time ROOM_SECRET, until the server uses the key it was given for it. */
  readonly bootstrapHash?: string;
  /** SHA-256 of the room key the first heartbeat exchanged the secret for. */
  readonly keyHash?: string;
  /** Signs the server's join tickets (base64url); given to the server with its room key. */
  readonly ticketKey?: string;
  /** A warm server of the pool: started (then ready) and unassigned, under a placeholder name. */
  readonly warm?: boolean;
  /**
   * On a claimed warm server's placeholder row: the name of the room it now serves. The server's
   * task events and first heartbeats still carry the placeholder; this row leads them to the room.
   */
  readonly aliasOf?: string;
  /**
   * The creating client's key (its address, hashed), where the stack limits live rooms per
   * client: removing the room gives that client's slot back.
   */
  readonly clientKey?: string;
}

/**
 * A warm server's name until it is assigned: `~` and its room id. Room names cannot contain `~`,
 * so a placeholder never clashes with a room and no client request can name one.
 */
export function warmNameOf(roomId: string): string {
  return `~${roomId}`;
}

export function isWarmName(name: string): boolean {
  return /^~[0-9a-f]{8,64}$/.test(name);
}

/** Room names are unique without regard to case. */
export function nameKeyOf(name: string): string {
  return name.toLowerCase();
}

export function toPublicRoom(record: RoomRecord): Room {
  return {
    name: record.name,
    status: record.status,
    ...(record.status === "RUNNING" && record.ip ? { ip: record.ip } : {}),
    port: record.port,
    ...(record.version ? { version: record.version } : {}),
    ...(record.players !== undefined ? { players: record.players } : {}),
    ...(record.maxPlayers !== undefined ? { maxPlayers: record.maxPlayers } : {}),
    ...(record.protocol ? { protocol: record.protocol } : {}),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
