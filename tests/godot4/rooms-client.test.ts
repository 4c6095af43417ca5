import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startLocalMode } from "../../local/local-mode";
import { freeLocalPort } from "../../local/ports";
import { startCorsStub } from "../support/godot4-web/cors-stub";
import { Godot4Web } from "../support/godot4-web/runner";
import { stepsOf } from "../support/godot4-web/steps";
import { RecordingLogger } from "../support/room-deps";

/**
 * The addon's client on the real Godot 4.6 web engine against a real local mode over HTTP
 * (cross-origin, so local mode allows the page's origin), plus a loopback stub for Retry-After
 * and 429, which local mode cannot be made to answer on demand.
 */
const ROOT = join(__dirname, "..", "..");
const log = new RecordingLogger();
let godot: Godot4Web;
let local: Awaited<ReturnType<typeof startLocalMode>>;
let stub: Awaited<ReturnType<typeof startCorsStub>>;
let steps: Map<string, Record<string, any>>;
let output: string[];

beforeAll(async () => {
  godot = new Godot4Web();
  await godot.start();
  let busyCalls = 0;
  let startingPolls = 0;
  stub = await startCorsStub((request) => {
    // Quick play that starts a room: 202, then the room is PROVISIONING once and RUNNING, then
    // the seat in it by name.
    if (request.url === "/join_room")
      return {
        status: 202,
        body: {
          success: true,
          message: "Fresh Room",
          data: { name: "Fresh Room", status: "PROVISIONING" },
        },
        headers: { "Retry-After": "5" },
      };
    if (request.url.includes("get_servers?server=Fresh%20Room"))
      return {
        status: 200,
        body: {
          success: true,
          message: "Success",
          data: { name: "Fresh Room", status: startingPolls++ === 0 ? "PROVISIONING" : "RUNNING" },
        },
      };
    if (request.url.includes("join_room?server=Fresh%20Room"))
      return {
        status: 200,
        body: {
          success: true,
          message: "Fresh Room",
          data: { name: "Fresh Room", ip: "127.0.0.1", port: 7000, ticket: "a.b", expiresAt: "x" },
        },
      };
    if (request.url.includes("server=busy") && busyCalls++ === 0)
      return {
        status: 503,
        body: { message: "Service Unavailable" },
        headers: { "Retry-After": "1" },
      };
    if (request.url.includes("server=throttled"))
      return { status: 429, body: { message: "Too Many Requests" } };
    return { status: 200, body: { success: true, message: "Success", data: { name: "busy" } } };
  });
  local = await startLocalMode({
    port: 0,
    maxRooms: 1,
    protocol: "tcp",
    corsOrigins: [godot.origin],
    emptyServerTimeoutSeconds: 30,
    reconcileSeconds: 60,
    log,
  });
  const closed = await freeLocalPort();
  const run = await godot.run(
    {
      mounts: [
        { from: join(ROOT, "addons", "godot_rooms"), to: "addons/godot_rooms" },
        { from: join(__dirname, "scripts"), to: "t" },
        { from: join(ROOT, "examples", "quickstart"), to: "quickstart" },
      ],
      autoloads: { Rooms: "res://addons/godot_rooms/rooms.gd" },
      settings: `[godot_rooms]\napi_url="${local.url}"`,
      mainScript: "res://t/client_scenario.gd",
    },
    {
      args: ["--", `--stub=${stub.url}`, `--closed=http://127.0.0.1:${closed}`],
      timeoutMs: 60_000,
    },
  );
  expect(run.errors).toEqual([]);
  expect(run.exitCode).toBe(0);
  steps = stepsOf(run.output);
  output = run.output;
}, 90_000);

afterAll(async () => {
  await godot?.stop();
  await local?.stop();
  await stub?.stop();
});

const step = (name: string) => {
  const found = steps.get(name);
  if (!found) throw new Error(`the scenario printed no step "${name}"`);
  return found;
};

test("base_url comes from the project setting godot_rooms/api_url", () => {
  expect(step("base_url")).toEqual({ base_url: local.url });
});

test("create, wait until running (room_ready emitted), list, stop: the envelope of the Godot 3 client", () => {
  expect(step("list empty")).toMatchObject({ success: true, status: 200, data: [] });
  expect(step("create")).toMatchObject({
    success: true,
    status: 200,
    message: "Alpha",
    data: { name: "Alpha", ownerToken: expect.any(String) },
  });
  expect(step("wait until running")).toMatchObject({
    success: true,
    status: 200,
    data: { name: "Alpha", status: "RUNNING", ip: "127.0.0.1", port: expect.any(Number) },
    ready_signals: 1,
  });
  const listed = step("list");
  expect(listed).toMatchObject({ success: true, status: 200 });
  expect(listed.data.map((room: { name: string }) => room.name)).toEqual(["Alpha"]);
  expect(step("stop")).toMatchObject({ success: true, status: 200, message: "Stopping Alpha" });
  const after = step("get after stop");
  expect([404, 200]).toContain(after.status);
  if (after.status === 200) expect(after.data.status).not.toBe("RUNNING");
});

test("join_room: a seat and a ticket by name, quick play, and the cap's 503 when quick play would start a room", () => {
  expect(step("join")).toMatchObject({
    success: true,
    status: 200,
    message: "Alpha",
    data: {
      name: "Alpha",
      ip: "127.0.0.1",
      port: expect.any(Number),
      ticket: expect.stringMatching(/^[\w-]+\.[\w-]+$/),
      expiresAt: expect.any(String),
    },
  });
  expect(step("quick play")).toMatchObject({ success: true, data: { name: "Alpha" } });
  // No room of 9.9 has a seat, and the stack (maxRooms 1) cannot start one.
  expect(step("quick play other version")).toMatchObject({
    success: false,
    status: 503,
    message: "All servers are busy right now. Try again in a few minutes.",
    error: "http",
  });
});

test("quick play that starts a room (202) waits until it runs, then takes a seat in it by name", () => {
  expect(step("quick play starts a room")).toMatchObject({
    success: true,
    status: 200,
    message: "Fresh Room",
    data: { name: "Fresh Room", ip: "127.0.0.1", port: 7000, ticket: "a.b" },
  });
  const calls = stub.requests
    .filter((r) => r.url.includes("join_room") || r.url.includes("Fresh"))
    .map((r) => `${r.method} ${r.url}`);
  expect(calls).toEqual([
    "POST /join_room",
    "GET /get_servers?server=Fresh%20Room",
    "GET /get_servers?server=Fresh%20Room",
    "POST /join_room?server=Fresh%20Room",
  ]);
});

test("every error path reaches the caller as a readable result", () => {
  expect(step("create same name")).toMatchObject({
    success: false,
    status: 409,
    error: "http",
    message: expect.stringMatching(/Alpha/),
  });
  // The cap: our own 503 without Retry-After will not clear in seconds, so no retry.
  const cap = step("create at cap");
  expect(cap).toMatchObject({
    success: false,
    status: 503,
    error: "http",
    message: "All servers are busy right now. Try again in a few minutes.",
    retries: [],
  });
  expect(step("get unknown")).toMatchObject({
    success: false,
    status: 404,
    error: "http",
    message: 'No room is named "Nope".',
  });
  expect(step("get no name")).toMatchObject({ success: false, status: 0, error: "invalid" });
  expect(step("list bad cursor")).toMatchObject({ success: false, status: 400, error: "http" });
  expect(step("stop wrong token")).toMatchObject({ success: false, status: 403, error: "http" });
  expect(step("udp peer on web")).toMatchObject({
    success: false,
    error: "connect",
    peer: "<null>",
    message: expect.stringMatching(/ENet \(UDP\) is not available in web exports/),
  });
});

test("network down: a readable failure; a GET is retried with backoff, a POST is not", () => {
  const get = step("network down get");
  expect(get).toMatchObject({
    success: false,
    status: 0,
    error: "network",
    message: expect.stringMatching(/^The room service could not be reached/),
  });
  expect(get.retries).toEqual([[0, 0.5]]);
  expect(step("network down create")).toMatchObject({
    success: false,
    error: "network",
    retries: 1,
  });
});

test("Retry-After on a 503 is honoured; 429 is retried with backoff and then reported", () => {
  const busy = step("retry after 503");
  expect(busy).toMatchObject({ success: true, status: 200, retries: [[503, 1]] });
  const calls = stub.requests.filter((r) => r.url.includes("server=busy"));
  expect(calls).toHaveLength(2);
  expect(calls[1].at - calls[0].at).toBeGreaterThanOrEqual(950);
  expect(step("429 gives up")).toMatchObject({
    success: false,
    status: 429,
    error: "http",
    retries: [[429, 0.5]],
  });
  expect(stub.requests.filter((r) => r.url.includes("server=throttled"))).toHaveLength(2);
});

test("a Godot 4 WebSocket client completes the handshake with a tcp room (Godot 3 server)", async () => {
  // Godot 3's and Godot 4's high-level multiplayer protocols differ, so only the WebSocket
  // connection is shown, from both ends: the client's socket opens, the room server sees a peer.
  const handshake = step("websocket handshake");
  const room = step("wait until running").data;
  expect(handshake).toMatchObject({
    success: true,
    protocol: "tcp",
    url: `ws://127.0.0.1:${room.port}`,
  });
  expect(handshake.connect_error).toBe(0);
  expect(handshake.states.at(-1)).toBe(handshake.open);
  // The bridge's multiplayer peer reaches the server too (it starts CONNECTING); it then closes
  // (observed here), as the two engines' multiplayer protocols differ.
  expect(handshake.multiplayer_states[0]).toBe(0);
  const joins = log.lines.filter(
    (l) => l.message === "player joined" && l.fields?.room === "Alpha",
  );
  expect(joins.length).toBeGreaterThanOrEqual(2);
});

test("the README's Godot 4 snippet is this file, and it tells the player when the cap is reached", () => {
  const snippet = readFileSync(join(ROOT, "examples", "quickstart", "join_room.gd"), "utf8");
  for (const doc of ["README.md", join("docs", "godot4.md")]) {
    expect(readFileSync(join(ROOT, doc), "utf8")).toContain("```gdscript\n" + snippet + "```");
  }
  const start = output.indexOf("SNIPPET START");
  const printed = output.slice(start + 1, output.indexOf("SNIPPET END"));
  expect(start).toBeGreaterThan(-1);
  expect(printed).toEqual([
    "No free room right now, try again later: All servers are busy right now. Try again in a few minutes.",
  ]);
});

test("the lobby example lists rooms, and shows why it cannot create (cap) or join (ENet in a browser)", async () => {
  const run = await godot.run(
    {
      mounts: [
        { from: join(ROOT, "examples", "lobby"), to: "" },
        { from: join(ROOT, "addons", "godot_rooms"), to: "addons/godot_rooms" },
        { from: join(__dirname, "scripts"), to: "t" },
      ],
      files: {
        "override.cfg": `[godot_rooms]\napi_url="${local.url}"\n`,
      },
      mainScript: "res://t/lobby_scenario.gd",
    },
    { timeoutMs: 60_000 },
  );
  expect(run.errors).toEqual([]);
  expect(run.exitCode).toBe(0);
  const lobby = stepsOf(run.output);
  // Local rooms heartbeat: the reference server reports 0 of 16 seats taken.
  expect(lobby.get("listed")).toEqual({ items: ["Listed   0/16 players"], status: "" });
  expect(lobby.get("create at cap")).toEqual({
    status: "All servers are busy right now. Try again in a few minutes.",
    leave_disabled: true,
  });
  // Local rooms now say their protocol (tcp here), so the lobby joins over WebSocket; the
  // handshake opens, but Godot 3's and Godot 4's multiplayer protocols differ, so no session
  // starts and the lobby says so, readably, with the room's address.
  expect(lobby.get("join")).toEqual({
    status: expect.stringMatching(/^Could not connect to the room at 127\.0\.0\.1:\d+\.$/),
    leave_disabled: true,
  });
}, 90_000);
