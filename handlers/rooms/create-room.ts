import type { RoomDeps } from "../ports";
import {
  NO_FLEET_CAPACITY_MESSAGE,
  atCapacity,
  hasCode,
  roomNameTaken,
  serverStartFailed,
  tooManyCreates,
  tooManyRooms,
} from "./errors";
import {
  hashOwnerToken,
  hashRoomSecret,
  newOwnerToken,
  newRoomId,
  newRoomSecret,
} from "./owner-token";
import { assignWarmServer } from "./assign-warm-server";
import { type Room, type RoomRecord, toPublicRoom } from "./room";
import { generateRoomName, validateRoomName, validateVersion } from "./room-names";

export interface CreateRoomInput {
  readonly name?: unknown;
  readonly version?: unknown;
  /** The room API's base URL as this request reached it: the servers' ROOMS_API_URL. */
  readonly apiUrl?: string;
  /** The client's source address, for the per-client create limit. */
  readonly client?: string;
}

export interface CreatedRoom {
  readonly room: Room;
  /** Shown once: the only proof of ownership the service will accept to stop the room. */
  readonly ownerToken: string;
}

const GENERATED_NAME_ATTEMPTS = 5;

/**
 * Creates a room: reserve the name, then take a warm server if one is free (the room is RUNNING
 * at once), or else take a capacity slot, start the server, record it. Each step that fails
 * undoes the ones before it, so no path leaves a row without a server or a server without a row.
 */
export async function createRoom(input: CreateRoomInput, deps: RoomDeps): Promise<CreatedRoom> {
  const version = validateVersion(input.version);
  const ownerToken = newOwnerToken();
  const given =
    input.name === undefined || input.name === "" ? undefined : validateRoomName(input.name);
  const clientKey = input.client && hashOwnerToken(`client:${input.client}`).slice(0, 32);
  await countClientCreate(clientKey, deps);
  const secret = newRoomSecret();
  const held = deps.settings.roomsPerClient && clientKey ? { clientKey } : {};
  const record = await reserveName(given, version, hashOwnerToken(ownerToken), deps, secret, held);
  await holdClientRoom(record, deps);
  const warm = await assignWarmServer(record, deps);
  if (warm) {
    deps.metrics?.count("RoomsCreated");
    return { room: toPublicRoom(warm), ownerToken };
  }
  await takeSlot(record, deps);
  const serverId = await startServer(record, deps, secret, input.apiUrl);
  await recordServer(record, serverId, deps);
  deps.log.info("room created", { room: record.name });
  deps.metrics?.count("RoomsCreated");
  return { room: toPublicRoom(record), ownerToken };
}

/**
 * One client (its source address, hashed: the table never holds the address) may start at most
 * `createsPerClientPerMinute` creates a minute; past it, 429 with Retry-After until the next
 * minute. A create counts once it is valid, whatever becomes of it. The count is a slot counter
 * row per client and minute (`client#<key>#<epoch minute>`), taken by the conditional write of
 * the stack's capacity, so parallel creates never pass the limit; TTL only cleans the rows up, two
 * minutes after their minute.
 */
async function countClientCreate(key: string | undefined, deps: RoomDeps): Promise<void> {
  const limit = deps.settings.createsPerClientPerMinute;
  if (!limit || !key) return;
  const seconds = deps.now().getTime() / 1000;
  const minute = Math.floor(seconds / 60);
  try {
    await deps.store.acquireSlot(limit, {
      pk: `client#${key}#${minute}`,
      expiresAt: (minute + 2) * 60,
    });
  } catch (error) {
    if (!hasCode(error, "NoFreeSlot")) throw error;
    deps.metrics?.count("CreatesRejected", 1, { Reason: "ClientLimit" });
    throw tooManyCreates(limit, Math.max(1, Math.ceil((minute + 1) * 60 - seconds)));
  }
}

/**
 * One client holds at most `roomsPerClient` live rooms: a slot of its own counter row, taken by
 * the same conditional write as the stack's capacity and given back wherever the room is removed
 * (releaseRoom). The counter row expires (TTL) two days after the client's last create.
 */
async function holdClientRoom(record: RoomRecord, deps: RoomDeps): Promise<void> {
  const max = deps.settings.roomsPerClient;
  if (!max || !record.clientKey) return;
  const expiresAt = Math.floor(deps.now().getTime() / 1000) + 2 * 86_400;
  try {
    await deps.store.acquireSlot(max, { pk: liveRoomsKey(record.clientKey), expiresAt });
  } catch (error) {
    await deps.store.remove(record.name, record.roomId);
    if (!hasCode(error, "NoFreeSlot")) throw error;
    deps.metrics?.count("CreatesRejected", 1, { Reason: "ClientRooms" });
    throw tooManyRooms(max);
  }
}

const liveRoomsKey = (clientKey: string) => `client#${clientKey}#live`;

async function reserveName(
  given: string | undefined,
  version: string | undefined,
  ownerTokenHash: string,
  deps: RoomDeps,
  secret: string,
  held: { clientKey?: string },
): Promise<RoomRecord> {
  const attempts = given ? 1 : GENERATED_NAME_ATTEMPTS;
  for (let attempt = 1; ; attempt++) {
    const record = {
      ...newRecord(given ?? generateRoomName(), version, ownerTokenHash, deps),
      bootstrapHash: hashRoomSecret(secret),
      ...held,
    };
    try {
      await deps.store.reserve(record);
      return record;
    } catch (error) {
      if (!hasCode(error, "NameReserved")) throw error;
      if (attempt >= attempts) throw roomNameTaken(record.name, error);
    }
  }
}

/** A new reservation, PROVISIONING, of the stack's readiness and protocol. */
export function newRecord(
  name: string,
  version: string | undefined,
  ownerTokenHash: string,
  deps: RoomDeps,
): RoomRecord {
  const now = deps.now();
  return {
    name,
    status: "PROVISIONING",
    port: deps.settings.gamePort,
    ...(version ? { version } : {}),
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    roomId: newRoomId(),
    ownerTokenHash,
    expiresAt: Math.floor(now.getTime() / 1000) + deps.settings.provisioningTtlSeconds,
    readiness: deps.settings.serverReadiness ?? "task",
    ...(deps.settings.gameProtocol ? { protocol: deps.settings.gameProtocol } : {}),
  };
}

/** Only a full counter is "at capacity"; AWS being busy stays its own 503 (Unavailable). */
async function takeSlot(record: RoomRecord, deps: RoomDeps): Promise<void> {
  try {
    await deps.store.acquireSlot(deps.settings.maxRooms);
  } catch (error) {
    if (await deps.store.remove(record.name, record.roomId)) await releaseClientRoom(record, deps);
    if (hasCode(error, "NoFreeSlot")) {
      deps.metrics?.count("CreatesRejected", 1, { Reason: "AtCap" });
      deps.log.warn("create rejected: at capacity", {
        room: record.name,
        maxRooms: deps.settings.maxRooms,
      });
      throw atCapacity(undefined, error);
    }
    throw error;
  }
}

export async function startServer(
  record: RoomRecord,
  deps: RoomDeps,
  secret: string,
  apiUrl: string | undefined,
): Promise<string> {
  try {
    return await deps.fleet.start({
      roomId: record.roomId,
      name: record.name,
      version: record.version,
      ...(record.warm ? { warm: true } : {}),
      secret,
      ...(apiUrl ? { apiUrl } : {}),
    });
  } catch (error) {
    deps.log.warn("server start failed; releasing the room", {
      room: record.name,
      error: String(error),
    });
    await releaseRoom(record, deps);
    const noCapacity = hasCode(error, "FleetCapacity");
    deps.metrics?.count("CreatesRejected", 1, {
      Reason: noCapacity ? "NoFargateCapacity" : "StartFailed",
    });
    if (noCapacity) throw atCapacity(NO_FLEET_CAPACITY_MESSAGE, error);
    if (hasCode(error, "Unavailable")) throw error;
    throw serverStartFailed(error);
  }
}

export async function recordServer(
  record: RoomRecord,
  serverId: string,
  deps: RoomDeps,
): Promise<void> {
  const recorded = await deps.store
    .attachServer(record.name, record.roomId, serverId)
    .catch((error: unknown) => {
      deps.log.error("recording the server failed", { room: record.name, error: String(error) });
      return false;
    });
  if (recorded) return;
  await deps.fleet.stop(serverId, "room could not be recorded").catch((error: unknown) => {
    deps.log.error("stopping an unrecorded server failed; the reconciler will stop it", {
      room: record.name,
      error: String(error),
    });
  });
  await releaseRoom(record, deps).catch((error: unknown) => {
    deps.log.error("releasing the room failed; the reconciler will remove it", {
      room: record.name,
      error: String(error),
    });
  });
  throw serverStartFailed();
}

/**
 * Deletes the reservation and, if this call deleted it, gives its capacity slot back, and its
 * client's live-room slot (where the stack limits them).
 */
export async function releaseRoom(
  record: Pick<RoomRecord, "name" | "roomId" | "clientKey">,
  deps: RoomDeps,
): Promise<boolean> {
  const removed = await deps.store.remove(record.name, record.roomId);
  if (!removed) return false;
  await deps.store.releaseSlot();
  await releaseClientRoom(record, deps);
  return true;
}

async function releaseClientRoom(record: Pick<RoomRecord, "clientKey">, deps: RoomDeps) {
  if (record.clientKey) await deps.store.releaseSlot({ pk: liveRoomsKey(record.clientKey) });
}
