/**
 * The room core's errors, as data.
 *
 * Why not classes: this code ships inside Pulumi CallbackFunction archives, and Pulumi's closure
 * serializer rewrites classes. A class that extends the built-in `Error` does not survive it
 * (`super(...)` becomes `__super.call(this, ...)`, which cannot initialise a native Error), so in
 * the uploaded code such an instance loses its message and prototype and `instanceof` is false
 * (pulumi/pulumi#10974). So every error here is a native `Error` with plain fields added by a
 * factory function, and is recognised by its `brand` and `code`, never by class identity.
 * `tests/contract/` proves this on the archives themselves. See docs/room-core.md.
 */

const BRAND = "godot-rooms";

/** Errors meant for clients: each has the HTTP status and a message a player could read. */
export type ClientErrorCode =
  | "InvalidRequest"
  | "PayloadTooLarge"
  | "Forbidden"
  | "RoomNotFound"
  | "RoomNameTaken"
  | "NotRoomOwner"
  | "NotRoomServer"
  | "RoomNotReady"
  | "RoomFull"
  | "NoTickets"
  | "NoFreeSeat"
  | "CreateRefused"
  | "TooManyCreates"
  | "TooManyRooms"
  | "AtCapacity"
  | "ServerStartFailed"
  | "Unavailable";

/** Signals between the core and its adapters; they never reach a client as they are. */
export type SignalCode = "NameReserved" | "NoFreeSlot" | "FleetCapacity";

export interface RoomsError extends Error {
  readonly brand: typeof BRAND;
  readonly code: ClientErrorCode | SignalCode;
  /** The HTTP status, for client errors only. */
  readonly status?: number;
  /** Extra response headers (e.g. Retry-After), for client errors only. */
  readonly headers?: Readonly<Record<string, string>>;
}

function roomsError(
  code: RoomsError["code"],
  message: string,
  extra: { status?: number; headers?: Record<string, string>; cause?: unknown } = {},
): RoomsError {
  const { cause, ...fields } = extra;
  const error = new Error(message, cause === undefined ? undefined : { cause });
  return Object.assign(error, { name: code, brand: BRAND, code, ...fields }) as RoomsError;
}

/** True for any error made here, whatever code it has. */
export function isRoomsError(error: unknown): error is RoomsError {
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { brand?: unknown }).brand === BRAND &&
    typeof (error as { code?: unknown }).code === "string"
  );
}

export function hasCode(error: unknown, code: RoomsError["code"]): error is RoomsError {
  return isRoomsError(error) && error.code === code;
}

/** A client error: it has a status to answer with. */
export function isClientError(error: unknown): error is RoomsError & { status: number } {
  return isRoomsError(error) && typeof error.status === "number";
}

export const AT_CAPACITY_MESSAGE = "All servers are busy right now. Try again in a few minutes.";
export const NO_FLEET_CAPACITY_MESSAGE =
  "No game server capacity is free right now. Try again in a few minutes.";
export const UNAVAILABLE_MESSAGE = "The room service is busy. Try again in a moment.";
export const SERVER_START_MESSAGE = "The game server could not be started. Try again in a moment.";
export const NOT_OWNER_MESSAGE =
  "Only the room's owner can stop it: send its owner token as 'Authorization: Bearer <token>'.";

export const invalidRequest = (message: string) =>
  roomsError("InvalidRequest", message, { status: 400 });

export const payloadTooLarge = (maxBytes: number) =>
  roomsError("PayloadTooLarge", `The request body is larger than ${maxBytes} bytes.`, {
    status: 413,
  });

export const roomNotFound = (name: string) =>
  roomsError("RoomNotFound", `No room is named "${name}".`, { status: 404 });

export const roomNameTaken = (name: string, cause?: unknown) =>
  roomsError("RoomNameTaken", `The room name "${name}" is already taken. Pick another name.`, {
    status: 409,
    cause,
  });

export const notRoomOwner = () => roomsError("NotRoomOwner", NOT_OWNER_MESSAGE, { status: 403 });

export const NOT_ROOM_SERVER_MESSAGE =
  "Only the room's own server can send its heartbeat: 'Authorization: Bearer <ROOM_SECRET or room key>'.";

export const notRoomServer = () =>
  roomsError("NotRoomServer", NOT_ROOM_SERVER_MESSAGE, { status: 403 });

export const roomNotReady = (name: string) =>
  roomsError("RoomNotReady", `The room "${name}" is still starting. Try again in a few seconds.`, {
    status: 409,
  });

export const roomFull = (name: string) =>
  roomsError("RoomFull", `The room "${name}" is full. Pick another room, or try again later.`, {
    status: 409,
  });

export const tooManyCreates = (limit: number, retryAfterSeconds: number) =>
  roomsError(
    "TooManyCreates",
    `You can create ${limit} rooms a minute. Try again in ${retryAfterSeconds} s.`,
    { status: 429, headers: { "retry-after": String(retryAfterSeconds) } },
  );

export const tooManyRooms = (limit: number) =>
  roomsError(
    "TooManyRooms",
    `You can have ${limit} rooms at once. Stop one, or wait for one to end.`,
    { status: 429, headers: { "retry-after": "60" } },
  );

export const noFreeSeat = () =>
  roomsError(
    "NoFreeSeat",
    "No room has a free seat right now. Create one with /create_server, then join it.",
    { status: 409 },
  );

/**
 * create_server refused the room quick play asked it for on a player's behalf (per-client limit,
 * cap, busy): the player gets its status, message and headers (Retry-After) as they came.
 */
export const createRefused = (
  status: number,
  message: string,
  headers: Record<string, string> = {},
) => roomsError("CreateRefused", message, { status, headers });

export const noTickets = (name: string) =>
  roomsError(
    "NoTickets",
    `The room "${name}" takes no tickets: its server runs without the server SDK. Connect to its ip and port.`,
    { status: 409 },
  );

export const atCapacity = (message = AT_CAPACITY_MESSAGE, cause?: unknown) =>
  roomsError("AtCapacity", message, { status: 503, cause });

export const serverStartFailed = (cause?: unknown) =>
  roomsError("ServerStartFailed", SERVER_START_MESSAGE, { status: 503, cause });

/** AWS (or the local stand-in) is briefly busy or unreachable: retry after a second. */
export const unavailable = (cause?: unknown) =>
  roomsError("Unavailable", UNAVAILABLE_MESSAGE, {
    status: 503,
    headers: { "retry-after": "1" },
    cause,
  });

/** From a store: a conditional write found the name already reserved. */
export const nameReserved = (cause?: unknown) =>
  roomsError("NameReserved", "name already reserved", { cause });

/** From a store: no capacity slot is free. */
export const noFreeSlot = (cause?: unknown) =>
  roomsError("NoFreeSlot", "no free capacity slot", { cause });

/** From a fleet: the provider has no capacity to start a server now. */
export const fleetCapacity = (message: string, cause?: unknown) =>
  roomsError("FleetCapacity", message, { cause });
