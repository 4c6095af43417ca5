import { join } from "node:path";
import { startCorsStub, type StubRequest } from "../support/godot4-web/cors-stub";
import { Godot4Web, type RunResult } from "../support/godot4-web/runner";
import { stepsOf } from "../support/godot4-web/steps";

/**
 * The addon's server SDK on the real Godot 4.6 web engine against a loopback heartbeat stub, which
 * records each request's headers and answers what local mode cannot be made to answer on demand
 * (a 503, a new period, a new key at a chosen time). server-sdk-local.test.ts runs the SDK against
 * local mode's real POST /room_heartbeat. A browser cannot listen on sockets, so the "server" is
 * a stand-in multiplayer peer reporting two players.
 */
const ROOT = join(__dirname, "..", "..");
let godot: Godot4Web;
let stub: Awaited<ReturnType<typeof startCorsStub>>;
let run: RunResult;
let steps: Map<string, Record<string, any>>;

const ALPHA_ANSWERS = [
  { status: 200, body: { success: true, message: "ok", data: { roomKey: "room-key-2" } } },
  { status: 503, body: { message: "Service Unavailable" } },
  { status: 200, body: { success: true, message: "ok", data: { heartbeatSeconds: 1 } } },
  { status: 200, body: { success: true, message: "ok", data: { drain: true } } },
];

beforeAll(async () => {
  godot = new Godot4Web();
  await godot.start();
  let alpha = 0;
  stub = await startCorsStub((request) => {
    const body = JSON.parse(request.body || "{}") as { server?: string };
    if (body.server === "Alpha" && alpha < ALPHA_ANSWERS.length) return ALPHA_ANSWERS[alpha++];
    if (body.server === "Gone")
      return {
        status: 404,
        body: { success: false, message: 'No room is named "Gone".', data: [] },
      };
    return { status: 200, body: { success: true, message: "ok", data: {} } };
  });
  run = await godot.run(
    {
      mounts: [
        { from: join(ROOT, "addons", "godot_rooms"), to: "addons/godot_rooms" },
        { from: join(__dirname, "scripts"), to: "t" },
      ],
      autoloads: { Rooms: "res://addons/godot_rooms/rooms.gd" },
      mainScript: "res://t/sdk_scenario.gd",
    },
    { args: ["--", `--stub=${stub.url}`], timeoutMs: 40_000 },
  );
  steps = stepsOf(run.output);
}, 60_000);

afterAll(async () => {
  await godot?.stop();
  await stub?.stop();
});

const heartbeats = (server: string) =>
  stub.requests.filter(
    (r) => (JSON.parse(r.body || "{}") as { server?: string }).server === server,
  );
const bodyOf = (r: StubRequest) => JSON.parse(r.body) as Record<string, unknown>;

test("without its settings the SDK stays off, sends nothing, and says so once", () => {
  expect(steps.get("off")).toEqual({ first: false, second: false, enabled: false, state: "" });
  expect(run.output.filter((l) => l.includes('"rooms sdk: sdk off"'))).toHaveLength(1);
  expect(run.output.find((l) => l.includes("sdk off"))).toMatch(
    /ROOMS_API_URL, ROOM_NAME or ROOM_SECRET is not set/,
  );
});

test("heartbeats: the contract's request, players from the multiplayer API, the new key used after the first answer", () => {
  const sent = heartbeats("Alpha");
  expect(sent.length).toBe(5);
  for (const request of sent) {
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/room_heartbeat");
    expect(request.headers["content-type"]).toBe("application/json");
  }
  expect(sent.map((r) => r.headers.authorization)).toEqual([
    "Bearer bootstrap-secret",
    "Bearer room-key-2",
    "Bearer room-key-2",
    "Bearer room-key-2",
    "Bearer room-key-2",
  ]);
  expect(sent.map(bodyOf)).toEqual([
    { server: "Alpha", state: "ready", players: 2, maxPlayers: 8 },
    { server: "Alpha", state: "ready", players: 2, maxPlayers: 8 },
    { server: "Alpha", state: "ready", players: 2, maxPlayers: 8 },
    { server: "Alpha", state: "ready", players: 2, maxPlayers: 8 },
    { server: "Alpha", state: "draining", players: 2, maxPlayers: 8 },
  ]);
  expect(steps.get("heartbeats")).toMatchObject({
    on: true,
    players: 2,
    statuses: [200, 503, 200, 200, 200],
    body_before_ready: { server: "Alpha", state: "", players: 2 },
  });
  // Neither the bootstrap secret nor the key is ever printed.
  expect(run.output.join("\n")).not.toMatch(/bootstrap-secret|room-key-2/);
});

test("every heartbeat period (the API may change it), and a failed heartbeat retried sooner (backoff), never fatal", () => {
  const at = heartbeats("Alpha").map((r) => r.at);
  const gaps = at.slice(1).map((t, i) => t - at[i]);
  expect(gaps[0]).toBeGreaterThanOrEqual(1900); // the 2 s period
  expect(gaps[1]).toBeGreaterThanOrEqual(900); // after the 503: the first backoff, 1 s
  expect(gaps[1]).toBeLessThan(1700);
  expect(gaps[2]).toBeGreaterThanOrEqual(900); // the period the API set: 1 s
  expect(gaps[2]).toBeLessThan(1700);
  expect(gaps[3]).toBeLessThan(1000); // the drain is reported at once
});

test("drain: `drain: true` from the API, or the drain file the entrypoint creates on SIGTERM; then the game quits with 0", () => {
  expect(steps.get("heartbeats")).toMatchObject({ drains: ["api"], state: "draining" });
  expect(steps.get("before drain file")).toEqual({ drains: [], state: "ready" });
  expect(heartbeats("Beta").map(bodyOf)).toEqual([
    { server: "Beta", state: "ready", players: 3, maxPlayers: 4 },
    { server: "Beta", state: "draining", players: 3, maxPlayers: 4 },
  ]);
  expect(heartbeats("Beta")[0].headers.authorization).toBe("Bearer beta-secret");
  expect(run.output.some((l) => l.includes('"rooms sdk: drain"') && l.includes('"signal"'))).toBe(
    true,
  );
  expect(steps.has("did not quit")).toBe(false);
  expect(run.errors).toEqual([]);
  expect(run.exitCode).toBe(0);
});

test("a 404 (the room was removed) drains without another heartbeat", () => {
  expect(steps.get("gone")).toEqual({ drains: ["removed"], state: "draining" });
  expect(heartbeats("Gone").map(bodyOf)).toEqual([
    { server: "Gone", state: "ready", players: 2, maxPlayers: 2 },
  ]);
});
