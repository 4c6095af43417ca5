import { randomInt } from "node:crypto";
import type { QuickPlayCreate, RoomDeps, Seat } from "../ports";
import {
  isClientError,
  noFreeSeat,
  noTickets,
  roomFull,
  roomNotFound,
  roomNotReady,
} from "./errors";
import type { Room } from "./room";
import { validateRoomName, validateVersion } from "./room-names";
import { newSeatId, signTicket } from "./tickets";

export const DEFAULT_TICKET_SECONDS = 60;

export interface JoinTicket {
  readonly name: string;
  readonly ip: string;
  readonly port: number;
  /** Present to the room's server when connecting: it admits one player, once. */
  readonly ticket: string;
  readonly expiresAt: string;
}

/**
 * `POST /join_room?server=<name>`: reserves a seat in a RUNNING room and answers a ticket for it.
 * Each seat is taken by one conditional write on that seat alone, so parallel joins never
 * over-book a room: reservations never exceed `maxPlayers`, and a seat whose reservation expired
 * (its ticket unused) is free again for the next join, checked by that write, not by TTL.
 */
export async function joinRoom(input: { name: unknown }, deps: RoomDeps): Promise<JoinTicket> {
  const name = validateRoomName(input.name);
  const seats = deps.seats;
  if (!seats) throw new Error("join_room needs deps.seats");
  const found = await seats.read(name);
  if (!found) throw roomNotFound(name);
  const { record } = found;
  if (record.status !== "RUNNING" || !record.ip) throw roomNotReady(name);
  if (!record.ticketKey) throw noTickets(name);
  const now = Math.floor(deps.now().getTime() / 1000);
  const held = found.seats.filter((s) => s.expiresAt > now);
  const taken = new Set(held.map((s) => s.slot));
  // Players who joined without a ticket (where tickets are not required) hold the last seats.
  const inUse = held.filter((s) => s.inUse).length;
  const unticketed = Math.max(0, (record.players ?? 0) - inUse);
  const seatCount = (record.maxPlayers ?? 0) - unticketed;
  const full = held.length + unticketed >= (record.maxPlayers ?? 0);
  const free = full ? [] : [...Array(seatCount).keys()].filter((slot) => !taken.has(slot));
  const expiresAt = now + (deps.settings.ticketSeconds ?? DEFAULT_TICKET_SECONDS);
  // From a random free seat: parallel joins spread over the seats instead of all racing for one.
  const first = randomInt(Math.max(1, free.length));
  for (let i = 0; i < free.length; i++) {
    const slot = free[(first + i) % free.length];
    const seat: Seat = { slot, id: `${slot}.${newSeatId()}`, expiresAt };
    if (!(await seats.take(name, record.roomId, seat, now))) continue;
    deps.metrics?.count("SeatsReserved");
    return {
      name: record.name,
      ip: record.ip,
      port: record.port,
      ticket: signTicket({ roomId: record.roomId, seat: seat.id, expiresAt }, record.ticketKey),
      expiresAt: new Date(expiresAt * 1000).toISOString(),
    };
  }
  deps.metrics?.count("JoinsRefused", 1, { Reason: "RoomFull" });
  throw roomFull(name);
}

/** How many of the fullest rooms quick play tries. */
const QUICK_PLAY_CANDIDATES = 20;

/** Quick play's answer: a ticket, or the room it created, still starting (join it once RUNNING). */
export type QuickPlayAnswer = JoinTicket | { readonly starting: Room };

/**
 * `POST /join_room` without a name: a seat in the fullest RUNNING room of this version that has
 * one. When none has, a new room, created as create_server would create it for this player (warm
 * first, within the cap and the player's create limit): a warm one is RUNNING and answers a
 * ticket; a cold one answers `starting`, to be joined by name once RUNNING. Without a creator
 * (deps.creator), 409 NoFreeSeat.
 */
export async function quickPlay(
  input: { version: unknown } & Omit<QuickPlayCreate, "version">,
  deps: RoomDeps,
): Promise<QuickPlayAnswer> {
  const version = validateVersion(input.version);
  const seats = deps.seats;
  if (!seats) throw new Error("join_room needs deps.seats");
  const running = await seats.running(version, 100);
  const candidates = running
    .filter((r) => r.ticketKey && (r.players ?? 0) < (r.maxPlayers ?? 0))
    .sort((a, b) => (b.players ?? 0) - (a.players ?? 0) || a.name.localeCompare(b.name))
    .slice(0, QUICK_PLAY_CANDIDATES);
  for (const room of candidates) {
    try {
      return await joinRoom({ name: room.name }, deps);
    } catch (error) {
      // Full or gone since the listing: the next fullest.
      if (!isClientError(error) || error.status !== 409) throw error;
    }
  }
  if (!deps.creator) throw noFreeSeat();
  const room = await deps.creator.create({
    ...(version ? { version } : {}),
    ...(input.client ? { client: input.client } : {}),
    ...(input.apiUrl ? { apiUrl: input.apiUrl } : {}),
  });
  deps.metrics?.count("QuickPlayCreates");
  deps.log.info("quick play created a room", { room: room.name, status: room.status });
  if (room.status !== "RUNNING") return { starting: room };
  return joinRoom({ name: room.name }, deps);
}
