import type { RoomDeps } from "../ports";
import { roomNotFound } from "./errors";
import { type Room, toPublicRoom } from "./room";
import { validateRoomName } from "./room-names";

/** One room, read from the store only: its IP was cached when the server reached RUNNING. */
export async function getRoom(rawName: unknown, deps: Pick<RoomDeps, "store">): Promise<Room> {
  const name = validateRoomName(rawName);
  const record = await deps.store.get(name);
  if (!record) throw roomNotFound(name);
  return toPublicRoom(record);
}
