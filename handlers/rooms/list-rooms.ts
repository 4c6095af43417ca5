import type { RoomDeps } from "../ports";
import { invalidRequest } from "./errors";
import { type Room, toPublicRoom } from "./room";
import { validateVersion } from "./room-names";

export const PAGE_SIZE = 20;
const MAX_PAGE = 100_000;

export interface ListRoomsInput {
  /** 0-based page number, as the original client sends it. */
  readonly page?: unknown;
  /** Opaque cursor from a previous page's `nextCursor`; cheaper than deep page numbers. */
  readonly cursor?: unknown;
  readonly version?: unknown;
  /** "true": only rooms with a free seat (by their heartbeats), fullest first. */
  readonly joinable?: unknown;
}

export interface RoomList {
  readonly rooms: Room[];
  readonly nextCursor?: string;
  readonly itemsRead: number;
}

/**
 * A page of joinable (RUNNING) rooms, from a sparse index: rooms that are not RUNNING are never
 * read. Page n costs at most (n + 1) × 20 reads, and no page past the room cap reads anything,
 * so the cost is bounded by the cap, never by the size of the table.
 */
export async function listRooms(
  input: ListRoomsInput,
  deps: Pick<RoomDeps, "store" | "settings">,
): Promise<RoomList> {
  const version = validateVersion(input.version);
  const joinable = parseJoinable(input.joinable);
  if (input.cursor !== undefined && input.page !== undefined) {
    throw invalidRequest("Give either 'page' or 'cursor', not both.");
  }
  if (input.cursor !== undefined) {
    if (typeof input.cursor !== "string" || input.cursor === "")
      throw invalidRequest("The cursor is not valid.");
    return readPage(input.cursor, version, deps);
  }
  const page = parsePage(input.page);
  if (page * PAGE_SIZE >= deps.settings.maxRooms) return { rooms: [], itemsRead: 0 };
  if (joinable) return joinablePage(page, version, deps);
  let cursor: string | undefined;
  let itemsRead = 0;
  for (let skipped = 0; skipped < page; skipped++) {
    const skippedPage = await deps.store.listRunning({ limit: PAGE_SIZE, cursor, version });
    itemsRead += skippedPage.itemsRead;
    if (!skippedPage.nextCursor) return { rooms: [], itemsRead };
    cursor = skippedPage.nextCursor;
  }
  const result = await readPage(cursor, version, deps);
  return { ...result, itemsRead: itemsRead + result.itemsRead };
}

async function readPage(
  cursor: string | undefined,
  version: string | undefined,
  deps: Pick<RoomDeps, "store">,
) {
  const page = await deps.store.listRunning({ limit: PAGE_SIZE, cursor, version });
  return {
    rooms: page.rooms.map(toPublicRoom),
    ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    itemsRead: page.itemsRead,
  };
}

/**
 * Rooms with a free seat, fullest first (so players fill rooms), then by name. RUNNING rooms are
 * at most the room cap, so reading them all from the sparse index is bounded by the cap. Rooms
 * that never reported seats (no heartbeats) cannot promise one and are not listed.
 */
async function joinablePage(
  page: number,
  version: string | undefined,
  deps: Pick<RoomDeps, "store" | "settings">,
): Promise<RoomList> {
  const rooms: Room[] = [];
  let cursor: string | undefined;
  let itemsRead = 0;
  do {
    const batch = await deps.store.listRunning({ limit: 100, cursor, version });
    itemsRead += batch.itemsRead;
    rooms.push(...batch.rooms.map(toPublicRoom));
    cursor = batch.nextCursor;
  } while (cursor);
  const open = rooms
    .filter(
      (r) => r.players !== undefined && r.maxPlayers !== undefined && r.players < r.maxPlayers,
    )
    .sort((a, b) => (b.players ?? 0) - (a.players ?? 0) || a.name.localeCompare(b.name));
  return { rooms: open.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE), itemsRead };
}

function parseJoinable(raw: unknown): boolean {
  if (raw === undefined || raw === "" || raw === "false") return false;
  if (raw === "true") return true;
  throw invalidRequest("'joinable' must be true or false.");
}

function parsePage(raw: unknown): number {
  if (raw === undefined || raw === "") return 0;
  const text = typeof raw === "number" ? String(raw) : raw;
  if (typeof text !== "string" || !/^\d{1,6}$/.test(text) || Number(text) > MAX_PAGE) {
    throw invalidRequest(`'page' must be a whole number from 0 to ${MAX_PAGE}.`);
  }
  return Number(text);
}
