import type { RoomDeps } from "../ports";
import type { RoomRecord } from "./room";

export interface ServerRoom {
  /** The row to act on: the room the server serves, or the server's own row. */
  readonly record?: RoomRecord;
  /** The placeholder row that led to it, when the server was a warm one. */
  readonly alias?: RoomRecord;
}

/**
 * The room of a server known by the name it was started with (its task's ROOM_NAME, its
 * heartbeat's `server`). A claimed warm server's placeholder row names its room; the room must
 * hold the same server (room id), or the placeholder row itself is returned (its room is still
 * being written, or is gone).
 */
export async function serverRoom(name: string, deps: RoomDeps): Promise<ServerRoom> {
  const record = await deps.store.get(name);
  if (!record?.aliasOf) return { record };
  const room = await deps.store.get(record.aliasOf);
  if (room && room.roomId === record.roomId) return { record: room, alias: record };
  return { record };
}
