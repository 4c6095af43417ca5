import { dereference, validate } from "@readme/openapi-parser";
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { DynamoDbSeats } from "../../../handlers/aws/dynamodb-seats";
import { handleRoomsApi } from "../../../handlers/http/http-handler";
import type { QuickPlayCreate } from "../../../handlers/ports";
import { createRoom } from "../../../handlers/rooms/create-room";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { httpEvent, type HttpEventOptions } from "../../support/http-events";
import { roomDeps, type TestDeps } from "../../support/room-deps";
import { markRunning } from "../../support/task-events";

const DOCUMENT = join(__dirname, "..", "..", "..", "docs", "openapi.yaml");
const load = () => parse(readFileSync(DOCUMENT, "utf8"));

let table: TestTable;
let deps: TestDeps;
let api: any;
const ajv = new Ajv2020({ strict: false });
addFormats(ajv);
beforeAll(async () => {
  api = await dereference(load());
});
beforeEach(async () => {
  table = await startRoomsTable();
  deps = Object.assign(roomDeps(table, { maxRooms: 1 }), {
    seats: new DynamoDbSeats(table.db, table.tableName),
  });
});
afterEach(async () => {
  await table.close();
});

test("the OpenAPI 3.1 document is valid", async () => {
  const result = await validate(load());
  expect(result.valid).toBe(true);
});

const seen = new Set<string>();
async function conforms(method: string, path: string, options?: HttpEventOptions) {
  const response = await handleRoomsApi(httpEvent(method, path, options), deps);
  const operation = api.paths[path][method.toLowerCase()];
  // A method the path does not have answers 405, as documented once in components.
  const documented = operation
    ? operation.responses[String(response.statusCode)]
    : response.statusCode === 405 && api.components.responses.MethodNotAllowed;
  expect(documented).toBeDefined();
  const check = ajv.compile(documented.content["application/json"].schema);
  const body = JSON.parse(response.body);
  expect({ valid: check(body), errors: check.errors }).toEqual({ valid: true, errors: null });
  seen.add(`${method} ${path} ${response.statusCode}`);
  return body;
}

test("the real handlers' responses, success and error, conform to the document", async () => {
  const created = await conforms("POST", "/create_server", {
    query: "server=Documented",
    body: '{"version":"1.0"}',
  });
  await conforms("POST", "/create_server", { query: "server=documented" }); // 409
  await conforms("POST", "/create_server", { query: "server=%3Cbad%3E" }); // 400
  await conforms("POST", "/create_server", { query: "server=Another" }); // 503: cap of 1
  await conforms("POST", "/create_server", { body: "x".repeat(9000) }); // 413
  await conforms("GET", "/create_server"); // 405
  await conforms("GET", "/get_servers", { query: "server=Documented" });
  await markRunning(deps, "Documented");
  await conforms("GET", "/get_servers", { query: "server=Documented" });
  await conforms("GET", "/get_servers", { query: "page=0" });
  await conforms("GET", "/get_servers", { query: "page=-2" }); // 400
  await conforms("GET", "/get_servers", { query: "server=Nobody" }); // 404
  await conforms("POST", "/stop_server", { query: "server=Documented" }); // 403
  await conforms("POST", "/stop_server", {
    query: "server=Documented",
    headers: { authorization: `Bearer ${created.data.ownerToken}` },
  });
  await conforms("POST", "/stop_server", {
    query: "server=Nobody",
    headers: { authorization: "Bearer x" },
  }); // 404
  await heartbeatConforms(created.data.ownerToken);
  // Every documented status of every route was produced and checked at least once.
  expect(seen.size).toBe(18);
});

/** The heartbeat route: ready with the room's secret, and each refusal. */
async function heartbeatConforms(ownerToken: string) {
  const beat = (token: string, body: unknown) =>
    conforms("POST", "/room_heartbeat", {
      headers: { authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  await beat("wrong", { server: "Documented", state: "ready", players: 0, maxPlayers: 4 }); // 403
  await beat(ownerToken, { server: "Nobody", state: "ready", players: 0, maxPlayers: 4 }); // 404
  await beat("wrong", { server: "Documented", state: "nap", players: 0, maxPlayers: 4 }); // 400
  await conforms("GET", "/room_heartbeat"); // 405
  await conforms("POST", "/room_heartbeat", { body: "x".repeat(9000) }); // 413
  const documented = deps.fleet.started.find((s) => s.name === "Documented")!;
  await beat(documented.secret, {
    server: "Documented",
    state: "ready",
    players: 1,
    maxPlayers: 4,
  });
}

test("join_room's answers conform: a ticket, each 409, 404, 400, 405", async () => {
  await conforms("POST", "/join_room"); // 409: quick play, no room
  await conforms("POST", "/join_room", { query: "server=Nobody" }); // 404
  await conforms("POST", "/join_room", { query: "server=%3Cbad%3E" }); // 400
  await conforms("GET", "/join_room"); // 405
  await conforms("POST", "/create_server", { query: "server=Seats" });
  await conforms("POST", "/join_room", { query: "server=Seats" }); // 409: not running
  await markRunning(deps, "Seats");
  const started = deps.fleet.started.find((s) => s.name === "Seats")!;
  await conforms("POST", "/room_heartbeat", {
    headers: { authorization: `Bearer ${started.secret}` },
    body: JSON.stringify({ server: "Seats", state: "ready", players: 0, maxPlayers: 1 }),
  });
  const joined = await conforms("POST", "/join_room", { query: "server=Seats" });
  expect(joined.data).toMatchObject({ name: "Seats", ticket: expect.stringMatching(/\./) });
  expect((await conforms("POST", "/join_room", { query: "server=Seats" })).message).toMatch(
    /is full/,
  );
  expect((await conforms("POST", "/join_room")).message).toMatch(/No room has a free seat/);
});

test("create_server's 429 (the per-client limit) conforms, with Retry-After", async () => {
  deps = roomDeps(table, { maxRooms: 5, createsPerClientPerMinute: 1 });
  await conforms("POST", "/create_server", { query: "server=One" });
  const refused = await conforms("POST", "/create_server", { query: "server=Two" });
  expect(refused.message).toMatch(/^You can create 1 rooms a minute/);
  expect(seen.has("POST /create_server 429")).toBe(true);
});

test("quick play's own answers conform: 202 while the room it started starts, 429 over the client's limit, 503 at the cap", async () => {
  deps = Object.assign(roomDeps(table, { maxRooms: 2, roomsPerClient: 1 }), {
    seats: new DynamoDbSeats(table.db, table.tableName),
    creator: { create: async (input: QuickPlayCreate) => (await createRoom(input, deps)).room },
  });
  const started = await conforms("POST", "/join_room", { query: "version=1.0" });
  expect(started).toMatchObject({
    success: true,
    data: { status: "PROVISIONING", version: "1.0" },
  });
  expect(started.message).toBe(started.data.name);
  expect((await conforms("POST", "/join_room")).message).toMatch(/^You can have 1 rooms at once/);
  Object.assign(deps, { settings: { ...deps.settings, roomsPerClient: 0 } });
  await conforms("POST", "/create_server", { query: "server=Filler" });
  expect((await conforms("POST", "/join_room")).message).toMatch(/^All servers are busy/);
  for (const status of [202, 429, 503]) expect(seen.has(`POST /join_room ${status}`)).toBe(true);
});

test("AWS unreachable: every route answers the documented 503 with Retry-After, and logs no error", async () => {
  await table.close();
  try {
    const calls: [string, string, HttpEventOptions][] = [
      ["POST", "/create_server", { query: "server=Offline" }],
      ["GET", "/get_servers", { query: "page=0" }],
      ["GET", "/get_servers", { query: "server=Offline" }],
      ["POST", "/stop_server", { query: "server=Offline", headers: { authorization: "Bearer x" } }],
      ["POST", "/join_room", { query: "server=Offline" }],
      [
        "POST",
        "/room_heartbeat",
        {
          headers: { authorization: "Bearer x" },
          body: '{"server":"Offline","state":"ready","players":0,"maxPlayers":4}',
        },
      ],
    ];
    for (const [method, path, options] of calls) {
      const response = await handleRoomsApi(httpEvent(method, path, options), deps);
      expect(response.statusCode).toBe(503);
      expect(response.headers["retry-after"]).toBe("1");
      await conforms(method, path, options);
    }
    expect(deps.log.lines.filter((l) => l.level === "error")).toEqual([]);
    expect(deps.fleet.started).toEqual([]);
  } finally {
    table = await startRoomsTable();
  }
});
