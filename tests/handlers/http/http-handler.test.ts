import { errorResponse, handleRoomsApi, handleRoute } from "../../../handlers/http/http-handler";
import { createServerRoute, getServersRoute } from "../../../handlers/http/rooms-routes";
import {
  invalidRequest,
  nameReserved,
  notRoomOwner,
  roomNotFound,
  tooManyCreates,
  unavailable,
} from "../../../handlers/rooms/errors";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { httpEvent } from "../../support/http-events";
import { RecordingLogger, roomDeps, type TestDeps } from "../../support/room-deps";

/** The one place errors become responses: client errors as they are, AWS busy as 503, bugs as 500. */

const JSON_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
};
const BUG_MESSAGE = "Something went wrong on our side. Try again in a moment.";
const NO_ROUTE =
  "There is no such route. Use /create_server, /get_servers, /stop_server, /join_room or /room_heartbeat.";

function parsed(response: { statusCode: number; headers: Record<string, string>; body: string }) {
  return {
    status: response.statusCode,
    headers: response.headers,
    body: JSON.parse(response.body),
  };
}

function refused(status: number, message: string, headers: Record<string, string> = {}) {
  return {
    status,
    headers: { ...JSON_HEADERS, ...headers },
    body: { success: false, message, data: [] },
  };
}

describe("errorResponse", () => {
  let log: RecordingLogger;
  beforeEach(() => {
    log = new RecordingLogger();
  });

  test("a client error below 500 answers its status and message, and logs nothing", () => {
    expect(parsed(errorResponse(roomNotFound("Castle"), log))).toEqual(
      refused(404, 'No room is named "Castle".'),
    );
    expect(parsed(errorResponse(invalidRequest("Bad."), log))).toEqual(refused(400, "Bad."));
    expect(parsed(errorResponse(notRoomOwner(), log)).status).toBe(403);
    expect(log.lines).toEqual([]);
  });

  test("a client error's headers are sent (429 with Retry-After)", () => {
    expect(parsed(errorResponse(tooManyCreates(5, 15), log))).toEqual(
      refused(429, "You can create 5 rooms a minute. Try again in 15 s.", { "retry-after": "15" }),
    );
    expect(log.lines).toEqual([]);
  });

  test("a 503 is logged as a refusal with its code, reason and cause", () => {
    const cause = Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    expect(parsed(errorResponse(unavailable(cause), log))).toEqual(
      refused(503, "The room service is busy. Try again in a moment.", { "retry-after": "1" }),
    );
    expect(log.lines).toEqual([
      {
        level: "warn",
        message: "request refused",
        fields: {
          status: 503,
          code: "Unavailable",
          reason: "The room service is busy. Try again in a moment.",
          cause: "ThrottlingException: Rate exceeded",
        },
      },
    ]);
  });

  test("a 503 without a cause logs no cause field", () => {
    errorResponse(unavailable(), log);
    expect(log.lines).toEqual([
      {
        level: "warn",
        message: "request refused",
        fields: {
          status: 503,
          code: "Unavailable",
          reason: "The room service is busy. Try again in a moment.",
        },
      },
    ]);
    expect(Object.keys(log.lines[0].fields!)).toEqual(["status", "code", "reason"]);
  });

  test.each([
    ["a string", "connect ECONNREFUSED 127.0.0.1:1", "connect ECONNREFUSED 127.0.0.1:1"],
    ["null", null, "null"],
    ["a number", 42, "42"],
    ["an object without name or message", {}, "undefined: undefined"],
    [
      "an SDK-shaped object",
      { name: "TimeoutError", message: "socket hang up" },
      "TimeoutError: socket hang up",
    ],
  ])("a cause that is %s is summarised in one line", (_, cause, summary) => {
    errorResponse(unavailable(cause), log);
    expect(log.lines).toEqual([
      expect.objectContaining({
        level: "warn",
        fields: expect.objectContaining({ cause: summary }),
      }),
    ]);
  });

  test("a client error of status 500 exactly is logged too", () => {
    const error = Object.assign(invalidRequest("Internal."), { status: 500 });
    expect(parsed(errorResponse(error, log))).toEqual(refused(500, "Internal."));
    expect(log.lines).toEqual([
      {
        level: "warn",
        message: "request refused",
        fields: { status: 500, code: "InvalidRequest", reason: "Internal." },
      },
    ]);
    const below = Object.assign(invalidRequest("Below."), { status: 499 });
    errorResponse(below, log);
    expect(log.lines).toHaveLength(1);
  });

  test("a bug is a 500 that shows nothing of it, and logs its stack", () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'roomId')");
    expect(parsed(errorResponse(bug, log))).toEqual(refused(500, BUG_MESSAGE));
    expect(log.lines).toEqual([
      { level: "error", message: "request failed", fields: { error: bug.stack } },
    ]);
    expect(bug.stack).toContain("TypeError: Cannot read properties");
    expect(bug.stack).toContain("http-handler.test.ts");
  });

  test("a bug without a stack logs its message; a thrown non-Error logs as a string", () => {
    const bare = new Error("no stack here");
    bare.stack = undefined;
    errorResponse(bare, log);
    errorResponse("plain string", log);
    errorResponse({ code: "InvalidRequest", status: 400, message: "not ours" }, log);
    expect(log.lines).toEqual([
      { level: "error", message: "request failed", fields: { error: "no stack here" } },
      { level: "error", message: "request failed", fields: { error: "plain string" } },
      { level: "error", message: "request failed", fields: { error: "[object Object]" } },
    ]);
  });

  test("a signal (branded, but no status) that escapes the core is a bug: 500", () => {
    expect(parsed(errorResponse(nameReserved(), log))).toEqual(refused(500, BUG_MESSAGE));
    expect(log.lines).toEqual([
      expect.objectContaining({ level: "error", message: "request failed" }),
    ]);
  });
});

describe("handleRoute and handleRoomsApi", () => {
  let table: TestTable;
  let deps: TestDeps;
  beforeEach(async () => {
    table = await startRoomsTable();
    deps = roomDeps(table, { maxRooms: 3 });
  });
  afterEach(async () => {
    await table.close();
  });

  test("a wrong method is 405 naming the route's method and path, with Allow", async () => {
    expect(
      parsed(await handleRoute(createServerRoute, httpEvent("GET", "/create_server"), deps)),
    ).toEqual(refused(405, "Use POST for /create_server.", { allow: "POST" }));
    expect(parsed(await handleRoomsApi(httpEvent("POST", "/get_servers"), deps))).toEqual(
      refused(405, "Use GET for /get_servers.", { allow: "GET" }),
    );
    expect(deps.fleet.started).toEqual([]);
  });

  test("the method is compared upper-cased", async () => {
    const response = parsed(await handleRoute(createServerRoute, httpEvent("post", "/x"), deps));
    expect(response.status).toBe(200);
    expect(response.body.success).toBe(true);
  });

  test("an event that is not an object is read as an empty request: 405, never a throw", async () => {
    for (const event of [null, undefined, "GET /get_servers", 5]) {
      expect(parsed(await handleRoute(getServersRoute, event, deps))).toEqual(
        refused(405, "Use GET for /get_servers.", { allow: "GET" }),
      );
    }
  });

  test("a request the reader refuses is answered as a client error", async () => {
    expect(
      parsed(
        await handleRoomsApi(httpEvent("GET", "/get_servers", { query: "page=0&page=1" }), deps),
      ),
    ).toEqual(refused(400, "Give the 'page' parameter only once."));
    const big = JSON.stringify({ server: "x".repeat(9000) });
    expect(
      parsed(await handleRoomsApi(httpEvent("POST", "/create_server", { body: big }), deps)),
    ).toEqual(refused(413, "The request body is larger than 8192 bytes."));
    expect(deps.log.lines).toEqual([]);
  });

  test("routes by rawPath; an unknown path, or none, is 404 listing the routes", async () => {
    expect(parsed(await handleRoomsApi(httpEvent("GET", "/get_server"), deps))).toEqual(
      refused(404, NO_ROUTE),
    );
    expect(parsed(await handleRoomsApi(httpEvent("GET", "/get_servers/"), deps)).status).toBe(404);
    const { rawPath: _, ...withoutRawPath } = httpEvent("GET", "/get_servers");
    expect(parsed(await handleRoomsApi(withoutRawPath, deps))).toEqual(refused(404, NO_ROUTE));
    for (const event of [null, undefined, "/get_servers", 5]) {
      expect(parsed(await handleRoomsApi(event, deps))).toEqual(refused(404, NO_ROUTE));
    }
  });

  test("each route is served at its path", async () => {
    const created = parsed(
      await handleRoomsApi(httpEvent("POST", "/create_server", { query: "server=Castle" }), deps),
    );
    expect(created.status).toBe(200);
    expect(created.body.message).toBe("Castle");
    const got = parsed(
      await handleRoomsApi(httpEvent("GET", "/get_servers", { query: "server=Castle" }), deps),
    );
    expect(got.body).toMatchObject({ success: true, message: "Success", data: { name: "Castle" } });
  });

  test("AWS unreachable is 503 with Retry-After: 1, logged with its cause", async () => {
    await table.close();
    const response = parsed(
      await handleRoomsApi(httpEvent("GET", "/get_servers", { query: "server=Castle" }), deps),
    );
    expect(response).toEqual(
      refused(503, "The room service is busy. Try again in a moment.", { "retry-after": "1" }),
    );
    expect(deps.log.lines).toEqual([
      {
        level: "warn",
        message: "request refused",
        fields: {
          status: 503,
          code: "Unavailable",
          reason: "The room service is busy. Try again in a moment.",
          cause: expect.stringContaining("ECONNREFUSED"),
        },
      },
    ]);
    // afterEach closes it again.
    table = await startRoomsTable();
  });

  test("a bug (here: the table does not exist) is 500 with a generic message, its detail only in the log", async () => {
    const broken = roomDeps({ ...table, tableName: "no-such-table" });
    const response = parsed(
      await handleRoomsApi(httpEvent("GET", "/get_servers", { query: "server=Castle" }), broken),
    );
    expect(response).toEqual(refused(500, BUG_MESSAGE));
    expect(response.body.message).not.toMatch(/ResourceNotFound|table/i);
    expect(broken.log.lines).toEqual([
      {
        level: "error",
        message: "request failed",
        fields: { error: expect.stringContaining("ResourceNotFoundException") },
      },
    ]);
  });

  test("a route's own bug (join_room without its seat store) is 500", async () => {
    const response = parsed(
      await handleRoomsApi(httpEvent("POST", "/join_room", { query: "server=Castle" }), deps),
    );
    expect(response).toEqual(refused(500, BUG_MESSAGE));
    expect(deps.log.lines).toEqual([
      {
        level: "error",
        message: "request failed",
        fields: { error: expect.stringContaining("join_room needs deps.seats") },
      },
    ]);
  });
});
