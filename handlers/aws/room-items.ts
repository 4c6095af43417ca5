import { RUNNING_KEY } from "../../common/rooms-table-schema";
import { nameKeyOf, type RoomRecord } from "../rooms/room";

/** Key of a room's row. */
export function roomKey(name: string): { pk: string } {
  return { pk: `room#${nameKeyOf(name)}` };
}

export const CAPACITY_KEY = { pk: "meta#capacity" } as const;

/** The stored item of a room, with the sparse index keys it needs in its status. */
export function toItem(record: RoomRecord): Record<string, unknown> {
  return {
    ...roomKey(record.name),
    ...record,
    ...(record.status === "RUNNING" ? runningKeys(record.version) : {}),
  };
}

export function runningKeys(version: string | undefined): Record<string, string> {
  return { runningKey: RUNNING_KEY, ...(version ? { runningVersion: version } : {}) };
}

const RECORD_FIELDS = [
  "name",
  "status",
  "ip",
  "port",
  "version",
  "createdAt",
  "updatedAt",
  "roomId",
  "serverId",
  "ownerTokenHash",
  "eventVersion",
  "expiresAt",
  "players",
  "maxPlayers",
  "protocol",
  "readiness",
  "taskRunning",
  "taskRunningAt",
  "ready",
  "heartbeatAt",
  "bootstrapHash",
  "keyHash",
] as const;

export function fromItem(item: Record<string, unknown>): RoomRecord {
  const record: Record<string, unknown> = {};
  for (const field of RECORD_FIELDS) {
    if (item[field] !== undefined) record[field] = item[field];
  }
  return record as unknown as RoomRecord;
}
