/** Room statuses, in ECS vocabulary so that existing TetraForce clients keep working. */
export type RoomStatus = "PROVISIONING" | "PENDING" | "RUNNING" | "STOPPING";

/** What clients see of a room. */
export interface Room {
  readonly name: string;
  readonly status: RoomStatus;
  /** Only while RUNNING. */
  readonly ip?: string;
  readonly port: number;
  readonly version?: string;
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
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  };
}
