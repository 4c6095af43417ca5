import type { GameProtocol, Room, RoomRecord, RoomStatus, ServerReadiness } from "./rooms/room";

/** The fields a state change writes to a room. */
export interface RoomStateUpdate {
  readonly status: RoomStatus;
  readonly serverId: string;
  readonly eventVersion: number;
  readonly ip?: string;
  readonly port?: number;
  /** The room's game version, which a RUNNING room is indexed by. */
  readonly version?: string;
  readonly updatedAt: string;
  readonly expiresAt: number;
  /** ECS reports the task RUNNING (a heartbeat room then waits for its server to be ready). */
  readonly taskRunning?: boolean;
  readonly taskRunningAt?: string;
  /** Apply only if the room's `ready` is still this (a heartbeat may have changed it). */
  readonly readySeen?: boolean;
  /** The room is a warm server: RUNNING puts it in its pool, not in the listing. */
  readonly warm?: boolean;
}

export interface RoomPage {
  readonly rooms: RoomRecord[];
  readonly nextCursor?: string;
  /** Items the store read to answer; the cost of the page. */
  readonly itemsRead: number;
}

/** Where rooms live. Every write that can race is conditional. */
export interface RoomWrites {
  /** Writes a new room; throws NameReservedError when the name (any case) is taken. */
  reserve(record: RoomRecord): Promise<void>;
  /**
   * Takes one slot of the stack's capacity, or of another counter row (a client's live rooms,
   * kept until `expiresAt` by TTL); throws NoFreeSlot when `max` are taken.
   */
  acquireSlot(max: number, counter?: SlotCounter): Promise<void>;
  releaseSlot(counter?: Pick<SlotCounter, "pk">): Promise<void>;
  /** Records the server of a reservation. False when the reservation is gone. */
  attachServer(name: string, roomId: string, serverId: string): Promise<boolean>;
  get(name: string): Promise<RoomRecord | undefined>;
  /** Marks a room STOPPING; false when the reservation is gone. */
  markStopping(name: string, roomId: string, updatedAt: string): Promise<boolean>;
  /** Deletes the room if the row is still this reservation's. True when this call deleted it. */
  remove(name: string, roomId: string): Promise<boolean>;
}

/** The writes, plus the reads over many rows: listing, and the reconciler's view. */
export interface RoomStore extends RoomWrites {
  /** Pushes back the TTL of a room that is still this reservation's (the reconciler). */
  extendExpiry(name: string, roomId: string, expiresAt: number): Promise<boolean>;
  /** One page of RUNNING rooms in name order, optionally of one game version. */
  listRunning(query: { limit: number; cursor?: string; version?: string }): Promise<RoomPage>;
  /** Every room, for the reconciler only. */
  scanAll(): Promise<RoomRecord[]>;
  /** The capacity counter as stored (0 when absent). */
  slotCount(): Promise<number>;
  /** Sets the counter to `actual` if it still holds `expected`; false otherwise. */
  repairSlotCount(expected: number, actual: number): Promise<boolean>;
}

/** The writes of a room's state: task state changes and heartbeats. */
export interface RoomUpdater {
  /**
   * Applies a state change when the row is still this reservation's, its last applied event
   * version is lower, and it is not STOPPING (unless the change is). False when not applied.
   */
  applyState(name: string, roomId: string, update: RoomStateUpdate): Promise<boolean>;
  /**
   * Sets and removes fields of a room if each `expected` field still holds its value (`undefined`
   * means absent). Index keys follow `status`. False when a condition did not hold or the room is
   * gone. The one write of a heartbeat.
   */
  update(
    name: string,
    change: { set: Partial<RoomRecord>; remove?: ReadonlyArray<keyof RoomRecord> },
    expected: Partial<Record<keyof RoomRecord, unknown>>,
  ): Promise<boolean>;
}

export interface ServerStart {
  readonly roomId: string;
  readonly name: string;
  readonly version?: string;
  /** A pool server (ROOM_WARM=1): it waits unassigned, its idle timeout not yet running. */
  readonly warm?: boolean;
  /** The one-time ROOM_SECRET the server's first heartbeat exchanges for its room key. */
  readonly secret: string;
  /** The room API's base URL as the client called it (ROOMS_API_URL); a fleet may know better. */
  readonly apiUrl?: string;
}

/** A server of ours that the fleet knows about. */
export interface FleetServer {
  readonly serverId: string;
  readonly roomId: string;
  readonly name?: string;
}

export interface ServerAddress {
  readonly ip: string;
  readonly port: number;
}

/** Where game servers run: ECS in AWS, local Godot processes in local mode. */
export interface Fleet {
  /** Starts a server for the room; resolves to its id. Throws FleetCapacityError when full. */
  start(request: ServerStart): Promise<string>;
  stop(serverId: string, reason: string): Promise<void>;
  /** Our servers that have not stopped. */
  listActive(): Promise<FleetServer[]>;
  /** The address players join, for a server that has reached RUNNING. */
  resolveAddress(change: {
    serverId: string;
    networkInterfaceId?: string;
  }): Promise<ServerAddress | undefined>;
}

export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** Counters and gauges for the dashboard (EMF in AWS). */
export interface Metrics {
  count(name: string, value?: number, dimensions?: Record<string, string>): void;
}

export interface RoomSettings {
  readonly maxRooms: number;
  /** Port a room's server listens on (AWS: the container port). */
  readonly gamePort: number;
  /** Rooms not RUNNING after this long are removed by the reconciler. */
  readonly stuckAfterSeconds: number;
  /** TTL of a room before RUNNING, and of a RUNNING room since its last refresh. */
  readonly provisioningTtlSeconds: number;
  readonly runningTtlSeconds: number;
  /** Default `task`: RUNNING when the task runs. `heartbeat`: when the server also said ready. */
  readonly serverReadiness?: ServerReadiness;
  /** How often servers heartbeat (ROOM_HEARTBEAT_SECONDS). Default 30. */
  readonly heartbeatSeconds?: number;
  /** A heartbeat room whose task runs but whose server has not said ready is removed after this. */
  readonly readyTimeoutSeconds?: number;
  /** A ready room whose heartbeats stopped for this long is removed. Default 3 periods. */
  readonly heartbeatTimeoutSeconds?: number;
  readonly gameProtocol?: GameProtocol;
  /** Warm servers the pool keeps started and unassigned (they count towards maxRooms). */
  readonly warmRooms?: number;
  /** The game version of the warm servers: only creates of this version take them. */
  readonly warmVersion?: string;
  /** The room API's base URL, for servers started outside a request (the warm pool). */
  readonly roomsApiUrl?: string;
  /** How long a join ticket (and its seat reservation) lasts. Default 60. */
  readonly ticketSeconds?: number;
  /** Creates one client (source address) may make per minute; 0 or absent: no limit. */
  readonly createsPerClientPerMinute?: number;
  /** Live rooms one client (source address) may hold at once; 0 or absent: no limit. */
  readonly roomsPerClient?: number;
}

/**
 * The warm pool's writes, for create_server and the pool filler only (kept out of the other
 * archives). Every claim is one conditional write: exactly one create gets each warm server.
 */
export interface WarmPool {
  /** Ready, unassigned warm servers for creates of this version; a claim may still lose. */
  listReady(version: string | undefined, limit: number): Promise<RoomRecord[]>;
  /** Takes the warm server for the room `name`. False when another create took it first. */
  claim(warm: RoomRecord, name: string, updatedAt: string): Promise<boolean>;
  /**
   * Writes the room as the claimed server's: its reservation (`reservedRoomId`) is replaced by the
   * server's facts under the room's name. False when the reservation is gone.
   */
  adopt(room: RoomRecord, reservedRoomId: string): Promise<boolean>;
}

/** A seat of a room: reserved until `expiresAt` (epoch seconds) by a join ticket, or in use. */
export interface Seat {
  readonly slot: number;
  /** `<slot>.<random>`: the ticket's seat id, used once. */
  readonly id: string;
  readonly expiresAt: number;
  /** Its player was admitted by the server (never expires; freed by its release). */
  readonly inUse?: boolean;
}

/** The seats of rooms, for join_room. */
export interface SeatStore {
  /** The room and its seats, read consistently. */
  read(name: string): Promise<{ record: RoomRecord; seats: Seat[] } | undefined>;
  /**
   * Takes the seat's slot if it is free at `now` (never taken, or its reservation expired), the
   * room is still this reservation and RUNNING, and its players leave a seat. False otherwise.
   */
  take(name: string, roomId: string, seat: Seat, now: number): Promise<boolean>;
  /** Up to `limit` RUNNING rooms of this version (any version when undefined), for quick play. */
  running(version: string | undefined, limit: number): Promise<RoomRecord[]>;
  /** The server admitted the seat's player: the seat no longer expires. False if not that seat. */
  markUsed(name: string, seatId: string): Promise<boolean>;
  /** The seat's player left: the seat is free. False if not that seat. */
  release(name: string, seatId: string): Promise<boolean>;
}

/** A counter row of slots other than the stack's capacity. */
export interface SlotCounter {
  readonly pk: string;
  readonly expiresAt: number;
}

/** What quick play needs to start a room for a player when no room has a free seat. */
export interface QuickPlayCreate {
  readonly version?: string;
  /** The player's source address: the per-client create limit counts the room against it. */
  readonly client?: string;
  /** The room API's base URL as the player reached it (the server's ROOMS_API_URL). */
  readonly apiUrl?: string;
}

/**
 * Creates rooms for quick play. On AWS it is create_server itself, invoked by join_room (whose
 * role then needs no ECS rights); in local mode and in-process, the same use case called directly.
 */
export interface RoomCreator {
  create(input: QuickPlayCreate): Promise<Room>;
}

export interface RoomDeps {
  readonly store: RoomStore;
  /** Only create_server and the pool filler (and local mode) have it. */
  readonly pool?: WarmPool;
  /** Only join_room (and local mode) has it. */
  readonly seats?: SeatStore;
  /** Only join_room (and local mode) has it: quick play's new rooms. */
  readonly creator?: RoomCreator;
  readonly fleet: Fleet;
  readonly settings: RoomSettings;
  readonly log: Logger;
  readonly now: () => Date;
  /** Optional: where use cases report what they did. */
  readonly metrics?: Metrics;
  /** Only the task-events and heartbeat functions need it (and only their archives carry it). */
  readonly updater?: RoomUpdater;
}
