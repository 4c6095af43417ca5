import { READINESS_DEFAULTS } from "../../common/readiness";
import type { RoomDeps } from "../ports";
import { invalidRequest, notRoomServer, roomNotFound, unavailable } from "./errors";
import { hashRoomSecret, newRoomSecret, roomSecretMatches } from "./owner-token";
import { isWarmName, type RoomRecord } from "./room";
import { serverRoom } from "./server-room";
import { newTicketKey } from "./tickets";
import { validateRoomName } from "./room-names";

/** More seats than any Godot server handles; a bound so that bad counts are refused. */
const MAX_SEATS = 4096;
const ATTEMPTS = 3;

export interface HeartbeatInput {
  readonly server: unknown;
  readonly state: unknown;
  readonly players: unknown;
  readonly maxPlayers: unknown;
  /** Seats (ticket seat ids) whose players the server admitted, or that left, since last time. */
  readonly seatsUsed?: unknown;
  readonly seatsReleased?: unknown;
  /** The bearer token: the room key, or (first time) the one-time ROOM_SECRET. */
  readonly secret?: string;
}

export interface HeartbeatAnswer {
  /** The room is being stopped: warn players, save, quit. */
  readonly drain: boolean;
  readonly heartbeatSeconds: number;
  /** Given in exchange for ROOM_SECRET: send it as the bearer token from now on. */
  readonly roomKey?: string;
  /** With the room key: the key that signs this server's join tickets, and the id they name. */
  readonly ticketKey?: string;
  readonly roomId?: string;
  /** False while the server is warm and unassigned; its idle timeout starts once true. */
  readonly assigned: boolean;
  /** The room's name as clients know it: heartbeat as this from now on. */
  readonly room: string;
}

interface Beat {
  readonly name: string;
  readonly state: "ready" | "draining";
  readonly players: number;
  readonly maxPlayers: number;
  readonly seatsUsed: readonly string[];
  readonly seatsReleased: readonly string[];
}

const SEAT_ID = /^\d{1,4}\.[A-Za-z0-9_-]{1,16}$/;
const MAX_SEAT_REPORTS = 64;

/**
 * `POST /room_heartbeat`: a room server says it is ready (or draining) and how many players it
 * has. The steady state is one conditional write (room key and RUNNING both hold); everything
 * else (the first heartbeat, the secret's exchange, readiness, drain, refusals) reads the room
 * first. A heartbeat never creates a row, never revives a STOPPING room, never moves a room back.
 */
export async function roomHeartbeat(
  input: HeartbeatInput,
  deps: RoomDeps,
): Promise<HeartbeatAnswer> {
  const beat = validateBeat(input);
  if (!input.secret) throw notRoomServer();
  const updater = deps.updater;
  if (!updater) throw new Error("room_heartbeat needs deps.updater");
  const heartbeatSeconds = deps.settings.heartbeatSeconds ?? READINESS_DEFAULTS.heartbeatSeconds;
  const counts = countsOf(beat, deps);
  if (beat.state === "ready") {
    const steady = await updater.update(
      beat.name,
      { set: counts },
      // Only once the secret is spent: the key's first use takes the slow path, which spends it.
      {
        keyHash: hashRoomSecret(input.secret),
        status: "RUNNING",
        ready: true,
        bootstrapHash: undefined,
        // A claimed warm server's placeholder: the slow path finds its room.
        aliasOf: undefined,
      },
    );
    const assigned = !isWarmName(beat.name);
    if (steady) {
      await reportSeats(beat, beat.name, deps);
      return { drain: false, heartbeatSeconds, assigned, room: beat.name };
    }
  }
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { record } = await serverRoom(beat.name, deps);
    if (!record) throw roomNotFound(beat.name);
    const where = { room: record.name, assigned: !record.warm && !record.aliasOf };
    const viaKey = !!record.keyHash && roomSecretMatches(input.secret, record.keyHash);
    const viaBootstrap =
      !viaKey && !!record.bootstrapHash && roomSecretMatches(input.secret, record.bootstrapHash);
    if (!viaKey && !viaBootstrap) throw notRoomServer();
    if (record.status === "STOPPING") return { drain: true, heartbeatSeconds, ...where };
    const roomKey = viaBootstrap ? newRoomSecret() : undefined;
    // One ticket key per server: an exchange repeated (its answer was lost) keeps the first.
    const ticketKey = roomKey ? (record.ticketKey ?? newTicketKey()) : undefined;
    const change = transition(record, beat, counts, deps);
    const set = {
      ...change.set,
      ...(roomKey ? { keyHash: hashRoomSecret(roomKey), ticketKey } : {}),
    };
    // The secret stays valid until the server uses its key once: a lost answer is not fatal.
    const remove = viaKey && record.bootstrapHash ? (["bootstrapHash"] as const) : [];
    const written = await updater.update(
      record.name,
      { set, remove },
      {
        roomId: record.roomId,
        status: record.status,
        ready: record.ready,
        taskRunning: record.taskRunning,
        keyHash: record.keyHash,
        warm: record.warm,
      },
    );
    if (!written) continue;
    await reportSeats(beat, record.name, deps);
    logTransition(record, set.status, deps);
    return {
      drain: beat.state === "draining",
      heartbeatSeconds,
      ...where,
      ...(roomKey ? { roomKey, ticketKey, roomId: record.roomId } : {}),
    };
  }
  throw unavailable();
}

function countsOf(beat: Beat, deps: RoomDeps) {
  const now = deps.now();
  return {
    players: beat.players,
    maxPlayers: beat.maxPlayers,
    heartbeatAt: now.toISOString(),
    expiresAt: Math.floor(now.getTime() / 1000) + deps.settings.runningTtlSeconds,
  };
}

/** What this heartbeat changes: counts always; readiness and status only forwards. */
function transition(
  record: RoomRecord,
  beat: Beat,
  counts: ReturnType<typeof countsOf>,
  deps: RoomDeps,
): { set: Partial<RoomRecord> } {
  const updatedAt = deps.now().toISOString();
  if (beat.state === "draining") return { set: { ...counts, status: "STOPPING", updatedAt } };
  const set: Partial<RoomRecord> = { ...counts, ready: true };
  const gated = record.readiness === "heartbeat";
  if (gated && record.taskRunning && record.ip && record.status !== "RUNNING") {
    Object.assign(set, {
      status: "RUNNING",
      updatedAt,
      ...(record.version ? { version: record.version } : {}),
    });
  }
  return { set };
}

function logTransition(record: RoomRecord, status: string | undefined, deps: RoomDeps) {
  if (status === "RUNNING")
    deps.log.info("room running: its server is ready", { room: record.name });
  if (status === "STOPPING")
    deps.log.info("room draining: its server is leaving", { room: record.name });
}

function validateBeat(input: HeartbeatInput): Beat {
  // A warm server heartbeats under its placeholder until it learns its room's name.
  const name =
    typeof input.server === "string" && isWarmName(input.server)
      ? input.server
      : validateRoomName(input.server);
  if (input.state !== "ready" && input.state !== "draining")
    throw invalidRequest('\'state\' must be "ready" or "draining".');
  const { players, maxPlayers } = input;
  if (!isCount(maxPlayers) || maxPlayers < 1)
    throw invalidRequest(`'maxPlayers' must be a whole number from 1 to ${MAX_SEATS}.`);
  if (!isCount(players) || players > maxPlayers)
    throw invalidRequest("'players' must be a whole number from 0 to maxPlayers.");
  return {
    name,
    state: input.state,
    players,
    maxPlayers,
    seatsUsed: seatIds(input.seatsUsed, "seatsUsed"),
    seatsReleased: seatIds(input.seatsReleased, "seatsReleased"),
  };
}

function seatIds(value: unknown, field: string): readonly string[] {
  if (value === undefined) return [];
  if (
    !Array.isArray(value) ||
    value.length > MAX_SEAT_REPORTS ||
    !value.every((id) => typeof id === "string" && SEAT_ID.test(id))
  )
    throw invalidRequest(
      `'${field}' must be a list of at most ${MAX_SEAT_REPORTS} ticket seat ids.`,
    );
  return value as string[];
}

/** The seats the server reports, on its room (after its key was checked). */
async function reportSeats(beat: Beat, room: string, deps: RoomDeps) {
  if (!beat.seatsUsed.length && !beat.seatsReleased.length) return;
  const seats = deps.seats;
  if (!seats) throw new Error("room_heartbeat needs deps.seats for seat reports");
  for (const id of beat.seatsUsed) await seats.markUsed(room, id);
  for (const id of beat.seatsReleased) await seats.release(room, id);
}

function isCount(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= MAX_SEATS;
}
