import {
  AT_CAPACITY_MESSAGE,
  NOT_OWNER_MESSAGE,
  NOT_ROOM_SERVER_MESSAGE,
  NO_FLEET_CAPACITY_MESSAGE,
  SERVER_START_MESSAGE,
  UNAVAILABLE_MESSAGE,
  atCapacity,
  createRefused,
  fleetCapacity,
  hasCode,
  invalidRequest,
  isClientError,
  isRoomsError,
  nameReserved,
  noFreeSeat,
  noFreeSlot,
  noTickets,
  notRoomOwner,
  notRoomServer,
  payloadTooLarge,
  roomFull,
  roomNameTaken,
  roomNotFound,
  roomNotReady,
  serverStartFailed,
  tooManyCreates,
  unavailable,
} from "../../../handlers/rooms/errors";

/** The room core's errors: native Errors recognised by data (brand, code, status), not class. */

/** The brand every error made by the core carries. */
const brand = () => invalidRequest("x").brand;

/** Every client-facing field of an error, as a plain object. */
function facts(error: Error & { code?: unknown; status?: unknown; headers?: unknown }) {
  return {
    isError: error instanceof Error,
    name: error.name,
    code: error.code,
    status: error.status,
    message: error.message,
    headers: error.headers,
    hasCause: Object.hasOwn(error, "cause"),
  };
}

describe("client errors: each has its code, status, exact message and headers", () => {
  test.each([
    [
      "invalidRequest",
      () => invalidRequest("Give the 'page' parameter only once."),
      "InvalidRequest",
      400,
      "Give the 'page' parameter only once.",
      undefined,
    ],
    [
      "payloadTooLarge",
      () => payloadTooLarge(8192),
      "PayloadTooLarge",
      413,
      "The request body is larger than 8192 bytes.",
      undefined,
    ],
    [
      "roomNotFound",
      () => roomNotFound("Castle"),
      "RoomNotFound",
      404,
      'No room is named "Castle".',
      undefined,
    ],
    [
      "roomNameTaken",
      () => roomNameTaken("Castle"),
      "RoomNameTaken",
      409,
      'The room name "Castle" is already taken. Pick another name.',
      undefined,
    ],
    ["notRoomOwner", () => notRoomOwner(), "NotRoomOwner", 403, NOT_OWNER_MESSAGE, undefined],
    [
      "notRoomServer",
      () => notRoomServer(),
      "NotRoomServer",
      403,
      NOT_ROOM_SERVER_MESSAGE,
      undefined,
    ],
    [
      "roomNotReady",
      () => roomNotReady("Castle"),
      "RoomNotReady",
      409,
      'The room "Castle" is still starting. Try again in a few seconds.',
      undefined,
    ],
    [
      "roomFull",
      () => roomFull("Castle"),
      "RoomFull",
      409,
      'The room "Castle" is full. Pick another room, or try again later.',
      undefined,
    ],
    [
      "tooManyCreates",
      () => tooManyCreates(5, 15),
      "TooManyCreates",
      429,
      "You can create 5 rooms a minute. Try again in 15 s.",
      { "retry-after": "15" },
    ],
    [
      "noFreeSeat",
      () => noFreeSeat(),
      "NoFreeSeat",
      409,
      "No room has a free seat right now. Create one with /create_server, then join it.",
      undefined,
    ],
    [
      "noTickets",
      () => noTickets("Castle"),
      "NoTickets",
      409,
      'The room "Castle" takes no tickets: its server runs without the server SDK. Connect to its ip and port.',
      undefined,
    ],
    ["atCapacity", () => atCapacity(), "AtCapacity", 503, AT_CAPACITY_MESSAGE, undefined],
    [
      "atCapacity (fleet)",
      () => atCapacity(NO_FLEET_CAPACITY_MESSAGE),
      "AtCapacity",
      503,
      NO_FLEET_CAPACITY_MESSAGE,
      undefined,
    ],
    [
      "serverStartFailed",
      () => serverStartFailed(),
      "ServerStartFailed",
      503,
      SERVER_START_MESSAGE,
      undefined,
    ],
    [
      "unavailable",
      () => unavailable(),
      "Unavailable",
      503,
      UNAVAILABLE_MESSAGE,
      { "retry-after": "1" },
    ],
    [
      "createRefused",
      () =>
        createRefused(429, "You can create 1 rooms a minute. Try again in 15 s.", {
          "retry-after": "15",
        }),
      "CreateRefused",
      429,
      "You can create 1 rooms a minute. Try again in 15 s.",
      { "retry-after": "15" },
    ],
    [
      "createRefused (no headers)",
      () => createRefused(409, "Taken."),
      "CreateRefused",
      409,
      "Taken.",
      {},
    ],
  ])("%s", (_, make, code, status, message, headers) => {
    const error = make();
    expect(facts(error)).toEqual({
      isError: true,
      name: code,
      code,
      status,
      message,
      headers,
      hasCause: false,
    });
    expect(isRoomsError(error)).toBe(true);
    expect(isClientError(error)).toBe(true);
    expect(hasCode(error, code as never)).toBe(true);
  });

  test("the shared messages read as a player would see them", () => {
    expect(AT_CAPACITY_MESSAGE).toBe("All servers are busy right now. Try again in a few minutes.");
    expect(NO_FLEET_CAPACITY_MESSAGE).toBe(
      "No game server capacity is free right now. Try again in a few minutes.",
    );
    expect(UNAVAILABLE_MESSAGE).toBe("The room service is busy. Try again in a moment.");
    expect(SERVER_START_MESSAGE).toBe(
      "The game server could not be started. Try again in a moment.",
    );
    expect(NOT_OWNER_MESSAGE).toBe(
      "Only the room's owner can stop it: send its owner token as 'Authorization: Bearer <token>'.",
    );
    expect(NOT_ROOM_SERVER_MESSAGE).toBe(
      "Only the room's own server can send its heartbeat: 'Authorization: Bearer <ROOM_SECRET or room key>'.",
    );
  });

  test("a cause is kept as the native Error's cause, only when given", () => {
    const aws = Object.assign(new Error("connect ECONNREFUSED"), { name: "TimeoutError" });
    for (const error of [
      roomNameTaken("Castle", aws),
      atCapacity(undefined, aws),
      serverStartFailed(aws),
      unavailable(aws),
    ]) {
      expect(error.cause).toBe(aws);
      expect(isClientError(error)).toBe(true);
    }
    expect(atCapacity(undefined, aws).message).toBe(AT_CAPACITY_MESSAGE);
    expect(Object.hasOwn(unavailable(), "cause")).toBe(false);
    expect(Object.hasOwn(unavailable(null), "cause")).toBe(true);
    expect(unavailable(null).cause).toBeNull();
  });

  test("each call makes its own headers", () => {
    const first = unavailable();
    const second = unavailable();
    expect(first.headers).not.toBe(second.headers);
    expect(tooManyCreates(10, 1).headers).toEqual({ "retry-after": "1" });
    expect(tooManyCreates(10, 1).message).toBe(
      "You can create 10 rooms a minute. Try again in 1 s.",
    );
  });
});

describe("signals: branded, coded, never a client error", () => {
  test.each([
    ["nameReserved", () => nameReserved(), "NameReserved", "name already reserved"],
    ["noFreeSlot", () => noFreeSlot(), "NoFreeSlot", "no free capacity slot"],
    [
      "fleetCapacity",
      () => fleetCapacity("RESOURCE:FARGATE capacity is unavailable"),
      "FleetCapacity",
      "RESOURCE:FARGATE capacity is unavailable",
    ],
  ])("%s", (_, make, code, message) => {
    const error = make();
    expect(facts(error)).toEqual({
      isError: true,
      name: code,
      code,
      status: undefined,
      message,
      headers: undefined,
      hasCause: false,
    });
    expect(Object.hasOwn(error, "status")).toBe(false);
    expect(Object.hasOwn(error, "headers")).toBe(false);
    expect(isRoomsError(error)).toBe(true);
    expect(isClientError(error)).toBe(false);
    expect(hasCode(error, code as never)).toBe(true);
  });

  test("a signal keeps the adapter's error as its cause", () => {
    const raw = new Error("ConditionalCheckFailedException");
    expect(nameReserved(raw).cause).toBe(raw);
    expect(noFreeSlot(raw).cause).toBe(raw);
    expect(fleetCapacity("full", raw).cause).toBe(raw);
  });
});

describe("recognition by data", () => {
  test("hasCode matches the code only", () => {
    expect(hasCode(nameReserved(), "NameReserved")).toBe(true);
    expect(hasCode(nameReserved(), "NoFreeSlot")).toBe(false);
    expect(hasCode(roomFull("A"), "RoomNotReady")).toBe(false);
    expect(hasCode({ code: "NameReserved" }, "NameReserved")).toBe(false);
    expect(hasCode(undefined, "NameReserved")).toBe(false);
  });

  test("an error that lost its prototype (Pulumi's serializer) is still recognised by brand and code", () => {
    const copied = { ...unavailable(), message: UNAVAILABLE_MESSAGE };
    expect(copied instanceof Error).toBe(false);
    expect(isRoomsError(copied)).toBe(true);
    expect(isClientError(copied)).toBe(true);
    expect(hasCode(copied, "Unavailable")).toBe(true);
  });

  test.each([
    ["undefined", () => undefined],
    ["null", () => null],
    ["a string", () => "InvalidRequest"],
    ["a number", () => 400],
    ["a plain Error", () => new Error("boom")],
    ["an unbranded object with code and status", () => ({ code: "InvalidRequest", status: 400 })],
    ["a foreign brand", () => ({ brand: "other", code: "InvalidRequest", status: 400 })],
    ["an empty brand", () => ({ brand: "", code: "InvalidRequest", status: 400 })],
    ["a branded object without a code", () => ({ brand: brand(), status: 400 })],
    ["a branded object with a non-string code", () => ({ brand: brand(), code: 400, status: 400 })],
    [
      "a function carrying brand and code",
      () => Object.assign(() => undefined, { brand: brand(), code: "InvalidRequest", status: 400 }),
    ],
  ])("%s is not a rooms error", (_, make) => {
    const value = make();
    expect(isRoomsError(value)).toBe(false);
    expect(isClientError(value)).toBe(false);
  });

  test("a branded, coded object is a client error only with a numeric status", () => {
    expect(isRoomsError({ brand: brand(), code: "Anything" })).toBe(true);
    expect(isClientError({ brand: brand(), code: "Anything" })).toBe(false);
    expect(isClientError({ brand: brand(), code: "Anything", status: "400" })).toBe(false);
    expect(isClientError({ brand: brand(), code: "Anything", status: 400 })).toBe(true);
  });
});
