/**
 * Errors meant for clients: each carries the HTTP status and a message a player could read.
 * Anything else that escapes a use case is a fault, logged with its cause and answered generically.
 */
export class RoomsError extends Error {
  constructor(
    readonly status: number,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "RoomsError";
  }
}

export class InvalidRequestError extends RoomsError {
  constructor(message: string) {
    super(400, message);
    this.name = "InvalidRequestError";
  }
}

export class RoomNotFoundError extends RoomsError {
  constructor(name: string) {
    super(404, `No room is named "${name}".`);
    this.name = "RoomNotFoundError";
  }
}

export class RoomNameTakenError extends RoomsError {
  constructor(name: string, options?: { cause?: unknown }) {
    super(409, `The room name "${name}" is already taken. Pick another name.`, options);
    this.name = "RoomNameTakenError";
  }
}

export class NotRoomOwnerError extends RoomsError {
  constructor() {
    super(
      403,
      "Only the room's owner can stop it: send its owner token as 'Authorization: Bearer <token>'.",
    );
    this.name = "NotRoomOwnerError";
  }
}

export class RoomNotReadyError extends RoomsError {
  constructor(name: string) {
    super(409, `The room "${name}" is still starting. Try again in a few seconds.`);
    this.name = "RoomNotReadyError";
  }
}

export class AtCapacityError extends RoomsError {
  constructor(
    message = "All servers are busy right now. Try again in a few minutes.",
    options?: { cause?: unknown },
  ) {
    super(503, message, options);
    this.name = "AtCapacityError";
  }
}

export class ServerStartError extends RoomsError {
  constructor(options?: { cause?: unknown }) {
    super(503, "The game server could not be started. Try again in a moment.", options);
    this.name = "ServerStartError";
  }
}

/** Thrown by a store when a conditional write finds the name already reserved. */
export class NameReservedError extends Error {
  constructor(options?: { cause?: unknown }) {
    super("name already reserved", options);
    this.name = "NameReservedError";
  }
}

/** Thrown by a store when no capacity slot is free. */
export class NoFreeSlotError extends Error {
  constructor(options?: { cause?: unknown }) {
    super("no free capacity slot", options);
    this.name = "NoFreeSlotError";
  }
}

/** Thrown by a fleet when the provider has no capacity to start a server now. */
export class FleetCapacityError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "FleetCapacityError";
  }
}
