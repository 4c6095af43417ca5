import fc from "fast-check";
import { DynamoDbSeats } from "../../../handlers/aws/dynamodb-seats";
import { handleRoomsApi } from "../../../handlers/http/http-handler";
import type { QuickPlayCreate } from "../../../handlers/ports";
import { createRoom } from "../../../handlers/rooms/create-room";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { httpEvent } from "../../support/http-events";
import { roomDeps, type TestDeps } from "../../support/room-deps";
import { fuzzRuns } from "../../support/fuzz-runs";

const RUNS = fuzzRuns(10_000);

let table: TestTable;
let deps: TestDeps;
beforeAll(async () => {
  table = await startRoomsTable();
  // No cap in reach: a 503 for capacity is a correct answer, not what this test looks for.
  // join_room with its seats, and quick play's new rooms made by the create use case.
  const base = roomDeps(table, { maxRooms: 1_000_000 });
  deps = Object.assign(base, {
    seats: new DynamoDbSeats(table.db, table.tableName),
    creator: { create: async (input: QuickPlayCreate) => (await createRoom(input, base)).room },
  });
});
afterAll(async () => {
  await table.close();
});

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(
    "",
    " ",
    "%",
    "%zz",
    "\u0000",
    "💥",
    "Ünïcødé",
    "a".repeat(33),
    "../../etc",
    "null",
    "-1",
    "1e309",
  ),
);
const names = fc.oneof(text, fc.constantFrom("Castle", "castle", "Brave-Otter-42", "  Arena  "));
const pages = fc.oneof(
  fc.integer().map(String),
  fc.bigInt().map(String),
  fc.double().map(String),
  fc.constantFrom("-1", "0", "1", "99999999999999999999", "NaN", "0x10", ""),
);
const queryParts = fc.array(
  fc.oneof(
    names.map((n) => `server=${encodeURIComponent(n)}`),
    pages.map((p) => `page=${encodeURIComponent(p)}`),
    text.map((c) => `cursor=${encodeURIComponent(c)}`),
    text.map((v) => `version=${encodeURIComponent(v)}`),
    text, // raw, unencoded junk
  ),
  { maxLength: 4 },
);
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const bodies = fc.oneof(
  fc.constant(undefined),
  text,
  jsonValue.map((v) => JSON.stringify(v)),
  fc
    .record(
      { server: fc.oneof(names, jsonValue), version: fc.oneof(text, jsonValue) },
      { requiredKeys: [] },
    )
    .map((b) => JSON.stringify(b)),
  fc.nat({ max: 40_000 }).map((n) => `{"server":"${"x".repeat(n)}"}`),
);
const headers = fc.dictionary(
  fc.constantFrom("authorization", "content-type", "x-forwarded-for"),
  fc.oneof(
    text,
    text.map((t) => `Bearer ${t}`),
  ),
);
const wellShaped = fc
  .record({
    method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "get", ""),
    path: fc.oneof(
      fc.constantFrom(
        "/create_server",
        "/get_servers",
        "/stop_server",
        "/join_room",
        "/room_heartbeat",
      ),
      text,
    ),
    query: queryParts.map((parts) => parts.join("&")),
    body: bodies,
    base64: fc.boolean(),
    headers,
  })
  .map(({ method, path, query, body, base64, headers }) =>
    httpEvent(method, path, {
      query,
      headers,
      ...(body === undefined ? {} : { body: base64 ? Buffer.from(body).toString("base64") : body }),
      isBase64Encoded: base64,
    }),
  );
/** Requests an original client could send, with names and pages drawn at random. */
const plausible = fc
  .record({
    route: fc.constantFrom(
      ["POST", "/create_server"],
      ["GET", "/get_servers"],
      ["POST", "/stop_server"],
      ["POST", "/join_room"],
    ),
    name: fc.stringMatching(/^[A-Za-z0-9 _-]{1,32}$/),
    page: fc.nat({ max: 3 }),
    byName: fc.boolean(),
  })
  .map(({ route: [method, path], name, page, byName }) =>
    httpEvent(method, path, {
      // join_room without a name is quick play (which starts a room when none has a seat: 202).
      query:
        path === "/join_room" && !byName
          ? ""
          : byName || method === "POST"
            ? `server=${encodeURIComponent(name)}`
            : `page=${page}`,
    }),
  );
/** Events whose every field may be missing or of the wrong type. */
const malformed = fc.oneof(
  fc.anything(),
  fc.record(
    {
      rawPath: fc.oneof(
        fc.constantFrom("/create_server", "/get_servers", "/stop_server", "/join_room"),
        fc.anything(),
      ),
      rawQueryString: fc.anything(),
      queryStringParameters: fc.anything(),
      headers: fc.anything(),
      body: fc.anything(),
      isBase64Encoded: fc.anything(),
      requestContext: fc.oneof(
        fc.anything(),
        fc.record({ http: fc.record({ method: fc.anything() }) }),
      ),
    },
    { requiredKeys: [] },
  ),
);

test(`${RUNS} random and malformed API Gateway v2 events: no 5xx, no exception, every error in the envelope`, async () => {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        { weight: 4, arbitrary: wellShaped },
        { weight: 2, arbitrary: plausible },
        { weight: 1, arbitrary: malformed },
      ),
      async (event) => {
        const response = await handleRoomsApi(event, deps);
        statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
        expect(response.statusCode).toBeGreaterThanOrEqual(200);
        expect(response.statusCode).toBeLessThan(500);
        const body = JSON.parse(response.body);
        expect(typeof body.success).toBe("boolean");
        expect(typeof body.message).toBe("string");
        // 202: quick play's room is starting (a success, with the room in data).
        if (response.statusCode >= 300)
          expect(body).toEqual({ success: false, message: body.message, data: [] });
      },
    ),
    { numRuns: RUNS },
  );
  // The run must have reached the use cases, not only the input checks.
  expect(statuses.get(200)).toBeGreaterThan(RUNS / 20);
  expect(statuses.get(404)).toBeGreaterThan(RUNS / 100);
  expect(statuses.get(202)).toBeGreaterThan(0);
  expect(deps.log.lines.filter((l) => l.level === "error")).toEqual([]);
});
