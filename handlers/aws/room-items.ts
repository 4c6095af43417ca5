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
    ...(record.status === "RUNNING" ? runningKeys(record.version, record.warm) : {}),
  };
}

/**
 * The index keys of a RUNNING room. A ready warm server is in the same index under its pool's key
 * (`warm#<version>`), so that a create finds one with a Query, and no listing ever shows it.
 */
export function runningKeys(version: string | undefined, warm?: boolean): Record<string, string> {
  if (warm) return { runningKey: warmKey(version) };
  return { runningKey: RUNNING_KEY, ...(version ? { runningVersion: version } : {}) };
}

/** The index key of the ready warm servers that serve creates of this version. */
export function warmKey(version: string | undefined): string {
  return `warm#${version ?? ""}`;
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
  "ticketKey",
  "warm",
  "aliasOf",
  "clientKey",
] as const;

export function fromItem(item: Record<string, unknown>): RoomRecord {
  const record: Record<string, unknown> = {};
  for (const field of RECORD_FIELDS) {
    if (item[field] !== undefined) record[field] = item[field];
  }
  return record as unknown as RoomRecord;
}
