import { DynamoDbSeats } from "../../../handlers/aws/dynamodb-seats";
import { handleRoomsApi } from "../../../handlers/http/http-handler";
import { ROOMS_ROUTES } from "../../../handlers/http/rooms-routes";
import type { QuickPlayCreate, RoomCreator, RoomSettings } from "../../../handlers/ports";
import { createRoom } from "../../../handlers/rooms/create-room";
import { NOT_OWNER_MESSAGE, NOT_ROOM_SERVER_MESSAGE } from "../../../handlers/rooms/errors";
import { verifyTicket } from "../../../handlers/rooms/tickets";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { httpEvent, type HttpEventOptions } from "../../support/http-events";
import { roomDeps, type TestDeps } from "../../support/room-deps";
import { markRunning } from "../../support/task-events";

/** Each route of the room API over API Gateway v2 events, a real DynamoDB API and a memory fleet. */

const DOMAIN = "abc123.execute-api.us-east-1.amazonaws.com";
const ROOM_FIELDS = { createdAt: expect.any(String), updatedAt: expect.any(String) };

let table: TestTable;
let deps: TestDeps;
beforeEach(async () => {
  table = await startRoomsTable();
  deps = routeDeps();
});
afterEach(async () => {
  await table.close();
});

function routeDeps(settings: Partial<RoomSettings> = {}): TestDeps {
  const made = roomDeps(table, settings);
  return Object.assign(made, {
    seats: new DynamoDbSeats(table.db, table.tableName),
  });
}

async function call(method: string, path: string, options?: HttpEventOptions, event?: object) {
  const response = await handleRoomsApi({ ...httpEvent(method, path, options), ...event }, deps);
  return {
    status: response.statusCode,
    headers: response.headers,
    body: JSON.parse(response.body),
  };
}

function refusal(status: number, message: string) {
  return { status, body: { success: false, message, data: [] } };
}

async function create(name: string, version?: string) {
  const query = `server=${encodeURIComponent(name)}${version ? `&version=${version}` : ""}`;
  const created = await call("POST", "/create_server", { query });
  expect(created.status).toBe(200);
  return created.body.data as { name: string; ownerToken: string };
}

function secretOf(name: string): string {
  const started = deps.fleet.started.find((s) => s.name === name);
  if (!started) throw new Error(`no server for ${name}`);
  return started.secret;
}

function beat(key: string, body: Record<string, unknown>, query?: string) {
  return call("POST", "/room_heartbeat", {
    body: JSON.stringify(body),
    headers: { authorization: `Bearer ${key}` },
    ...(query ? { query } : {}),
  });
}

/** A RUNNING room whose server said ready: its room key and ticket key. */
async function readyRoom(name: string, maxPlayers = 4, players = 0, version?: string) {
  await create(name, version);
  await markRunning(deps, name);
  const answer = await beat(secretOf(name), { server: name, state: "ready", players, maxPlayers });
  expect(answer.status).toBe(200);
  return answer.body.data as { roomKey: string; ticketKey: string };
}

test("the API has these five routes, each with its method", () => {
  expect(ROOMS_ROUTES.map((r) => `${r.method} ${r.path}`)).toEqual([
    "POST /create_server",
    "GET /get_servers",
    "POST /stop_server",
    "POST /room_heartbeat",
    "POST /join_room",
  ]);
});

describe("POST /create_server", () => {
  test("the name and version come from the query or the body", async () => {
    const fromQuery = await call("POST", "/create_server", { query: "server=Castle&version=1.4" });
    expect(fromQuery).toMatchObject({
      status: 200,
      body: {
        success: true,
        message: "Castle",
        data: {
          name: "Castle",
          version: "1.4",
          status: "PROVISIONING",
          ownerToken: expect.any(String),
        },
      },
    });
    const fromBody = await call("POST", "/create_server", {
      body: JSON.stringify({ server: "Keep", version: "2.0" }),
    });
    expect(fromBody.body).toMatchObject({
      message: "Keep",
      data: { name: "Keep", version: "2.0" },
    });
    expect(deps.fleet.started.map((s) => [s.name, s.version])).toEqual([
      ["Castle", "1.4"],
      ["Keep", "2.0"],
    ]);
  });

  test("the same name in query and body is one name; different ones are 400 and create nothing", async () => {
    const same = await call("POST", "/create_server", {
      query: "server=Castle",
      body: JSON.stringify({ server: "Castle" }),
    });
    expect(same.body.message).toBe("Castle");
    expect(
      await call("POST", "/create_server", {
        query: "server=Tower",
        body: JSON.stringify({ server: "Keep" }),
      }),
    ).toMatchObject(refusal(400, "'server' is given twice, with different values."));
    expect(
      await call("POST", "/create_server", {
        query: "server=Tower&version=1",
        body: JSON.stringify({ version: "2" }),
      }),
    ).toMatchObject(refusal(400, "'version' is given twice, with different values."));
    expect(deps.fleet.started.map((s) => s.name)).toEqual(["Castle"]);
  });

  test("the server is given the API's URL as the client reached it", async () => {
    await create("Castle");
    await call(
      "POST",
      "/create_server",
      { query: "server=Staged" },
      {
        requestContext: { ...httpEvent("POST", "/create_server").requestContext, stage: "prod" },
      },
    );
    await call(
      "POST",
      "/create_server",
      { query: "server=Nowhere" },
      {
        requestContext: {
          ...httpEvent("POST", "/create_server").requestContext,
          domainName: "a/b",
        },
      },
    );
    expect(deps.fleet.started.map((s) => [s.name, s.apiUrl])).toEqual([
      ["Castle", `https://${DOMAIN}`],
      ["Staged", `https://${DOMAIN}/prod`],
      ["Nowhere", undefined],
    ]);
    expect("apiUrl" in deps.fleet.started[2]).toBe(false);
  });

  test("the client's source address is what the per-client create limit counts", async () => {
    deps = routeDeps({ createsPerClientPerMinute: 1 });
    deps.clock = new Date("2026-11-25T12:00:45.000Z");
    const from = (ip: string) => ({
      requestContext: {
        ...httpEvent("POST", "/create_server").requestContext,
        http: { ...httpEvent("POST", "/create_server").requestContext.http, sourceIp: ip },
      },
    });
    expect(
      (await call("POST", "/create_server", { query: "server=One" }, from("198.51.100.7"))).status,
    ).toBe(200);
    const second = await call(
      "POST",
      "/create_server",
      { query: "server=Two" },
      from("198.51.100.7"),
    );
    expect(second).toEqual({
      status: 429,
      headers: expect.objectContaining({ "retry-after": "15" }),
      body: {
        success: false,
        message: "You can create 1 rooms a minute. Try again in 15 s.",
        data: [],
      },
    });
    expect(
      (await call("POST", "/create_server", { query: "server=Three" }, from("203.0.113.9"))).status,
    ).toBe(200);
    expect(deps.fleet.started.map((s) => s.name)).toEqual(["One", "Three"]);
  });
});

describe("GET /get_servers", () => {
  test("?server=<name> is that room; an empty ?server= is the list", async () => {
    await create("Castle");
    await markRunning(deps, "Castle");
    await create("Starting");
    expect(await call("GET", "/get_servers", { query: "server=starting" })).toMatchObject({
      status: 200,
      body: {
        success: true,
        message: "Success",
        data: { name: "Starting", status: "PROVISIONING" },
      },
    });
    expect(await call("GET", "/get_servers", { query: "server=Nobody" })).toMatchObject(
      refusal(404, 'No room is named "Nobody".'),
    );
    const list = await call("GET", "/get_servers", { query: "server=" });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      success: true,
      message: "Success",
      data: [{ name: "Castle", status: "RUNNING", ip: "203.0.113.10", port: 7777, ...ROOM_FIELDS }],
    });
    expect((await call("GET", "/get_servers")).body).toEqual(list.body);
  });

  test("?version= lists the rooms of that version", async () => {
    await create("Old", "1.0");
    await create("New", "2.0");
    await markRunning(deps, "Old");
    await markRunning(deps, "New");
    const listed = await call("GET", "/get_servers", { query: "version=2.0" });
    expect(listed.body.data.map((r: { name: string }) => r.name)).toEqual(["New"]);
    expect(await call("GET", "/get_servers", { query: "version=%3Cb%3E" })).toMatchObject(
      refusal(400, "A version has 1 to 32 characters: letters, digits, '.', '_', '+' and '-'."),
    );
  });

  test("?joinable=true lists rooms with a free seat, fullest first", async () => {
    await readyRoom("Empty", 4, 0);
    await readyRoom("Busy", 4, 3);
    await readyRoom("Full", 2, 2);
    const joinable = await call("GET", "/get_servers", { query: "joinable=true" });
    expect(joinable.body.data.map((r: { name: string }) => r.name)).toEqual(["Busy", "Empty"]);
    const all = await call("GET", "/get_servers", { query: "joinable=false" });
    expect(all.body.data.map((r: { name: string }) => r.name)).toEqual(["Busy", "Empty", "Full"]);
    expect(await call("GET", "/get_servers", { query: "joinable=yes" })).toMatchObject(
      refusal(400, "'joinable' must be true or false."),
    );
  });

  test("?page= and ?cursor= page through the list; nextCursor is only there when there is more", async () => {
    for (let i = 0; i < 21; i++) {
      await create(`Room ${String(i).padStart(2, "0")}`);
      await markRunning(deps, `Room ${String(i).padStart(2, "0")}`);
    }
    const first = await call("GET", "/get_servers", { query: "page=0" });
    expect(first.body.data).toHaveLength(20);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call("GET", "/get_servers", {
      query: `cursor=${encodeURIComponent(first.body.nextCursor)}`,
    });
    expect(second.body).toEqual({
      success: true,
      message: "Success",
      data: [expect.objectContaining({ name: "Room 20" })],
    });
    const page1 = await call("GET", "/get_servers", { query: "page=1" });
    expect(page1.body).toEqual(second.body);
    expect(await call("GET", "/get_servers", { query: "page=1&cursor=abc" })).toMatchObject(
      refusal(400, "Give either 'page' or 'cursor', not both."),
    );
    expect(await call("GET", "/get_servers", { query: "cursor=" })).toMatchObject(
      refusal(400, "The cursor is not valid."),
    );
    expect(await call("GET", "/get_servers", { query: "page=x" })).toMatchObject(
      refusal(400, "'page' must be a whole number from 0 to 100000."),
    );
  });
});

describe("POST /stop_server", () => {
  test("names the room in the query or the body; the owner token is the bearer token", async () => {
    const castle = await create("Castle");
    const keep = await create("Keep");
    await markRunning(deps, "Castle");
    await markRunning(deps, "Keep");
    expect(await call("POST", "/stop_server")).toMatchObject(
      refusal(400, "Name the room to stop: ?server=<name>."),
    );
    expect(await call("POST", "/stop_server", { query: "server=Castle" })).toMatchObject(
      refusal(403, NOT_OWNER_MESSAGE),
    );
    expect(
      await call("POST", "/stop_server", {
        query: "server=Castle",
        headers: { authorization: `Bearer ${keep.ownerToken}` },
      }),
    ).toMatchObject(refusal(403, NOT_OWNER_MESSAGE));
    expect(deps.fleet.stopped).toEqual([]);
    const stopped = await call("POST", "/stop_server", {
      query: "server=castle",
      headers: { authorization: `Bearer ${castle.ownerToken}` },
    });
    expect(stopped).toMatchObject({
      status: 200,
      body: {
        success: true,
        message: "Stopping Castle",
        data: { name: "Castle", status: "STOPPING" },
      },
    });
    const viaBody = await call("POST", "/stop_server", {
      body: JSON.stringify({ server: "Keep" }),
      headers: { authorization: `bearer ${keep.ownerToken}` },
    });
    expect(viaBody.body.message).toBe("Stopping Keep");
    expect(deps.fleet.stopped).toHaveLength(2);
  });
});

describe("POST /room_heartbeat", () => {
  test("the first heartbeat exchanges ROOM_SECRET for a room key; 'ok' while ready, 'drain' when draining", async () => {
    await create("Castle");
    await markRunning(deps, "Castle");
    const first = await beat(secretOf("Castle"), {
      server: "Castle",
      state: "ready",
      players: 1,
      maxPlayers: 8,
    });
    expect(first).toMatchObject({
      status: 200,
      body: {
        success: true,
        message: "ok",
        data: {
          drain: false,
          assigned: true,
          room: "Castle",
          roomKey: expect.any(String),
          ticketKey: expect.any(String),
        },
      },
    });
    const key = first.body.data.roomKey as string;
    const listed = await call("GET", "/get_servers", { query: "server=Castle" });
    expect(listed.body.data).toMatchObject({ status: "RUNNING", players: 1, maxPlayers: 8 });
    const draining = await beat(
      key,
      { state: "draining", players: 0, maxPlayers: 8 },
      "server=Castle",
    );
    expect(draining.body).toMatchObject({ success: true, message: "drain", data: { drain: true } });
  });

  test("without the bearer token it is 403; bad fields are 400 naming the field", async () => {
    await create("Castle");
    await markRunning(deps, "Castle");
    const fields = { server: "Castle", state: "ready", players: 0, maxPlayers: 4 };
    expect(await call("POST", "/room_heartbeat", { body: JSON.stringify(fields) })).toMatchObject(
      refusal(403, NOT_ROOM_SERVER_MESSAGE),
    );
    const secret = secretOf("Castle");
    expect(await beat(secret, { ...fields, state: "up" })).toMatchObject(
      refusal(400, '\'state\' must be "ready" or "draining".'),
    );
    expect(await beat(secret, { ...fields, maxPlayers: 0 })).toMatchObject(
      refusal(400, "'maxPlayers' must be a whole number from 1 to 4096."),
    );
    expect(await beat(secret, { ...fields, players: 5 })).toMatchObject(
      refusal(400, "'players' must be a whole number from 0 to maxPlayers."),
    );
    expect(await beat(secret, { ...fields, seatsUsed: "0.abc" })).toMatchObject(
      refusal(400, "'seatsUsed' must be a list of at most 64 ticket seat ids."),
    );
    expect(await beat(secret, { ...fields, seatsReleased: ["nope"] })).toMatchObject(
      refusal(400, "'seatsReleased' must be a list of at most 64 ticket seat ids."),
    );
    expect((await beat(secret, fields)).status).toBe(200);
  });

  test("seat reports in the body reach the room's seats", async () => {
    const { roomKey: key, ticketKey } = await readyRoom("Castle", 1);
    const joined = await call("POST", "/join_room", { query: "server=Castle" });
    expect(joined.status).toBe(200);
    // The only seat is reserved: the room is full until its server releases it.
    expect(await call("POST", "/join_room", { query: "server=Castle" })).toMatchObject(
      refusal(409, 'The room "Castle" is full. Pick another room, or try again later.'),
    );
    const claims = verifyTicket(joined.body.data.ticket, ticketKey)!;
    const fields = { server: "Castle", state: "ready", players: 0, maxPlayers: 1 };
    expect((await beat(key, { ...fields, seatsUsed: [claims.seat] })).status).toBe(200);
    expect((await beat(key, { ...fields, seatsReleased: [claims.seat] })).status).toBe(200);
    expect((await call("POST", "/join_room", { query: "server=Castle" })).status).toBe(200);
  });
});

describe("POST /join_room", () => {
  test("?server=<name> is a ticket for that room; its name is the message", async () => {
    await readyRoom("Castle");
    const joined = await call("POST", "/join_room", { body: JSON.stringify({ server: "castle" }) });
    expect(joined).toMatchObject({
      status: 200,
      body: {
        success: true,
        message: "Castle",
        data: {
          name: "Castle",
          ip: "203.0.113.10",
          port: 7777,
          ticket: expect.any(String),
          expiresAt: "2026-11-20T18:01:00.000Z",
        },
      },
    });
    expect(await call("POST", "/join_room", { query: "server=Nobody" })).toMatchObject(
      refusal(404, 'No room is named "Nobody".'),
    );
    await create("Starting");
    expect(await call("POST", "/join_room", { query: "server=Starting" })).toMatchObject(
      refusal(409, 'The room "Starting" is still starting. Try again in a few seconds.'),
    );
  });

  test("without a name (or an empty one) it is quick play: the fullest room of the version", async () => {
    await readyRoom("Quiet", 4, 0, "1.0");
    await readyRoom("Lively", 4, 2, "1.0");
    await readyRoom("Other", 8, 3, "2.0");
    const quick = await call("POST", "/join_room", { query: "version=1.0" });
    expect(quick.body).toMatchObject({
      success: true,
      message: "Lively",
      data: { name: "Lively" },
    });
    const empty = await call("POST", "/join_room", { query: "server=&version=1.0" });
    expect(empty.body).toMatchObject({ success: true, message: "Lively" });
    const anyVersion = await call("POST", "/join_room", { body: JSON.stringify({ server: "" }) });
    expect(anyVersion.body.message).toBe("Other");
    const byBody = await call("POST", "/join_room", { body: JSON.stringify({ version: "2.0" }) });
    expect(byBody.body.message).toBe("Other");
    expect(await call("POST", "/join_room", { query: "version=3.0" })).toMatchObject(
      refusal(
        409,
        "No room has a free seat right now. Create one with /create_server, then join it.",
      ),
    );
  });
});

describe("POST /join_room: quick play that creates a room", () => {
  /** Quick play's creator as local mode has it: the create use case itself, recording requests. */
  function withCreator() {
    const requests: QuickPlayCreate[] = [];
    const creator: RoomCreator = {
      async create(input) {
        requests.push(input);
        return (await createRoom(input, deps)).room;
      },
    };
    deps = Object.assign(deps, { creator });
    return requests;
  }

  test("with every room full, a new room of the version is started: 202, its name in message, Retry-After 5", async () => {
    const requests = withCreator();
    await readyRoom("Full", 2, 2, "1.0");
    const answer = await call("POST", "/join_room", { query: "version=1.0" });
    expect(answer).toEqual({
      status: 202,
      headers: {
        "content-type": "application/json; charset=utf-8",
        "cache-control": "no-store",
        "retry-after": "5",
      },
      body: {
        success: true,
        message: expect.stringMatching(/^[A-Z][a-z]+-[A-Z][a-z]+-\d+$/),
        data: {
          name: expect.any(String),
          status: "PROVISIONING",
          port: 7777,
          version: "1.0",
          ...ROOM_FIELDS,
        },
      },
    });
    expect(answer.body.data.name).toBe(answer.body.message);
    expect(requests).toEqual([
      { version: "1.0", client: "198.51.100.1", apiUrl: `https://${DOMAIN}` },
    ]);
    expect(deps.fleet.started.map((s) => s.name)).toEqual(["Full", answer.body.message]);
  });

  test("the request's address and API URL go to the creator only when the request has them", async () => {
    const requests = withCreator();
    const bare = httpEvent("POST", "/join_room");
    await call("POST", "/join_room", undefined, {
      requestContext: { http: { ...bare.requestContext.http, sourceIp: undefined } },
    });
    expect(requests).toEqual([{}]);
  });

  test("the creator's refusal reaches the player as it is (the per-client create limit: 429)", async () => {
    deps = routeDeps({ createsPerClientPerMinute: 1 });
    deps.clock = new Date("2026-11-25T12:00:45.000Z");
    withCreator();
    expect((await call("POST", "/join_room")).status).toBe(202);
    expect(await call("POST", "/join_room")).toEqual({
      status: 429,
      headers: expect.objectContaining({ "retry-after": "15" }),
      body: {
        success: false,
        message: "You can create 1 rooms a minute. Try again in 15 s.",
        data: [],
      },
    });
  });
});
