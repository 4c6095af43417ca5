import type { RoomDeps } from "../ports";
import { invalidRequest, notRoomOwner, roomNotFound, roomNotReady } from "./errors";
import { ownerTokenMatches } from "./owner-token";
import { type Room, toPublicRoom } from "./room";
import { validateRoomName } from "./room-names";

/**
 * Stops a room for its owner. The server is asked to stop; the task-state-change path removes
 * the row once it has stopped. A wrong or missing token changes nothing.
 */
export async function stopRoom(
  input: { name: unknown; ownerToken: string | undefined },
  deps: RoomDeps,
): Promise<Room> {
  if (input.name === undefined || input.name === "")
    throw invalidRequest("Name the room to stop: ?server=<name>.");
  const name = validateRoomName(input.name);
  const record = await deps.store.get(name);
  if (!record) throw roomNotFound(name);
  if (!ownerTokenMatches(input.ownerToken, record.ownerTokenHash)) throw notRoomOwner();
  if (!record.serverId) throw roomNotReady(record.name);
  await deps.fleet.stop(record.serverId, "stopped by its owner");
  const updatedAt = deps.now().toISOString();
  await deps.store.markStopping(record.name, record.roomId, updatedAt);
  deps.log.info("room stopping at its owner's request", { room: record.name });
  deps.metrics?.count("RoomsStopped");
  return toPublicRoom({ ...record, status: "STOPPING", updatedAt });
}
