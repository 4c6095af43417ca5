import { join } from "node:path";
import { startCorsStub, type StubAnswer, type StubRequest } from "../support/godot4-web/cors-stub";
import { Godot4Web, type RunResult } from "../support/godot4-web/runner";
import { stepsOf } from "../support/godot4-web/steps";

/**
 * Warm servers on the Godot 4 side, on the real Godot 4.6 web engine against loopback heartbeat
 * stubs: the addon's RoomServerSdk (a warm SDK assigned to a room, beside one not started warm),
 * and the Godot 4 reference server, whose empty-server timeout must not run while it is warm and
 * unassigned. A browser cannot listen on sockets nor read an environment, so the reference server
 * runs under a small subclass (scripts/reference_server_probe.gd) that listens with a stand-in
 * peer and passes the SDK its settings; everything else is the reference server's own code.
 */
const ROOT = join(__dirname, "..", "..");
const REFERENCE_SERVER = join(ROOT, "godot-image", "game", "reference-server-4");
const PLACEHOLDER = "~abc123";
let godot: Godot4Web;
const stubs: Array<Awaited<ReturnType<typeof startCorsStub>>> = [];

beforeAll(async () => {
  godot = new Godot4Web();
  await godot.start();
}, 60_000);

afterAll(async () => {
  await godot?.stop();
  await Promise.all(stubs.map((s) => s.stop()));
});

type Body = Record<string, unknown>;
const bodyOf = (r: StubRequest) => JSON.parse(r.body) as Body;
const serverOf = (r: StubRequest) => (JSON.parse(r.body || "{}") as { server?: string }).server;
const ok = (data: Body): StubAnswer => ({
  status: 200,
  body: { success: true, message: "ok", data },
});

async function stub(answer: (request: StubRequest) => StubAnswer) {
  const started = await startCorsStub(answer);
  stubs.push(started);
  return started;
}

const jsonLines = (run: RunResult) =>
  run.output.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, any>);

describe("the server SDK", () => {
  let run: RunResult;
  let steps: Map<string, Record<string, any>>;
  let heartbeats: Awaited<ReturnType<typeof stub>>;

  beforeAll(async () => {
    const warmAnswers = [
      ok({
        drain: false,
        heartbeatSeconds: 0.5,
        roomKey: "room-key-2",
        assigned: false,
        room: PLACEHOLDER,
      }),
      ok({ drain: false, heartbeatSeconds: 0.5, assigned: false, room: PLACEHOLDER }),
      ok({ drain: false, heartbeatSeconds: 0.5, assigned: true, room: "Arena" }),
    ];
    const arenaAnswers = [
      ok({ drain: false, heartbeatSeconds: 0.5, assigned: true, room: "Arena" }),
      ok({ drain: false, heartbeatSeconds: 0.5, assigned: true, room: "Arena" }),
      ok({ drain: true, heartbeatSeconds: 0.5, assigned: true, room: "Arena" }),
    ];
    let plain = 0;
    heartbeats = await stub((request) => {
      const server = serverOf(request);
      if (server === PLACEHOLDER && warmAnswers.length > 0) return warmAnswers.shift()!;
      if (server === "Arena" && arenaAnswers.length > 0) return arenaAnswers.shift()!;
      if (server === "Plain")
        return ok({ drain: ++plain >= 3, heartbeatSeconds: 0.5, assigned: true, room: "Plain" });
      return { status: 409, body: { success: false, message: "unexpected", data: [] } };
    });
    run = await godot.run(
      {
        mounts: [
          { from: join(ROOT, "addons", "godot_rooms"), to: "addons/godot_rooms" },
          { from: join(__dirname, "scripts"), to: "t" },
        ],
        autoloads: { Rooms: "res://addons/godot_rooms/rooms.gd" },
        mainScript: "res://t/sdk_warm_scenario.gd",
      },
      { args: ["--", `--stub=${heartbeats.url}`], timeoutMs: 40_000 },
    );
    steps = stepsOf(run.output);
  }, 60_000);

  test("the run is clean", () => {
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
  });

  test("ROOM_WARM=1: warm and not assigned until an answer says `assigned: true`", () => {
    expect(steps.get("warm before start")).toEqual({ warm: false, assigned: true });
    expect(steps.get("warm started")).toEqual({ warm: true, assigned: false, room: PLACEHOLDER });
    // is_assigned() as each answer arrives, before the SDK reads it: the two `assigned: false`
    // answers leave it warm; the third assigns it.
    expect(steps.get("warm")!.after_heartbeats.slice(0, 4)).toEqual([
      { status: 200, assigned: false },
      { status: 200, assigned: false },
      { status: 200, assigned: false },
      { status: 200, assigned: true },
    ]);
  });

  test("`assigned` is emitted once, with the room's name, which room_name is from then on", () => {
    const warm = steps.get("warm")!;
    expect(warm.signals).toEqual([{ room: "Arena", is_assigned: true, room_name: "Arena" }]);
    expect(warm).toMatchObject({ warm: true, assigned: true, room: "Arena", drains: ["api"] });
    // Three more answers said `assigned: true`: still one signal.
    expect(warm.after_heartbeats).toHaveLength(7);
    const logged = run.output.filter((l) => l.includes('"rooms sdk: assigned"'));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0])).toMatchObject({ room: "Arena" });
  });

  test("heartbeats: the placeholder until the assignment, then the room's name (the drain too), with the key from the first answer throughout", () => {
    const warm = heartbeats.requests.filter((r) => [PLACEHOLDER, "Arena"].includes(serverOf(r)!));
    expect(warm.map(bodyOf)).toEqual([
      { server: PLACEHOLDER, state: "ready", players: 0, maxPlayers: 8 },
      { server: PLACEHOLDER, state: "ready", players: 0, maxPlayers: 8 },
      { server: PLACEHOLDER, state: "ready", players: 0, maxPlayers: 8 },
      { server: "Arena", state: "ready", players: 0, maxPlayers: 8 },
      { server: "Arena", state: "ready", players: 0, maxPlayers: 8 },
      { server: "Arena", state: "ready", players: 0, maxPlayers: 8 },
      { server: "Arena", state: "draining", players: 0, maxPlayers: 8 },
    ]);
    expect(warm.map((r) => r.headers.authorization)).toEqual([
      "Bearer bootstrap-secret",
      ...Array(6).fill("Bearer room-key-2"),
    ]);
    expect(run.output.join("\n")).not.toMatch(/bootstrap-secret|room-key-2/);
  });

  test("not started warm: assigned from the start, no signal, heartbeats unchanged (server = ROOM_NAME, the same four fields)", () => {
    expect(steps.get("plain")).toEqual({
      signals: [],
      after_heartbeats: [
        { status: 200, assigned: true },
        { status: 200, assigned: true },
        { status: 200, assigned: true },
        { status: 200, assigned: true },
      ],
      drains: ["api"],
      warm: false,
      assigned: true,
      room: "Plain",
    });
    const plain = heartbeats.requests.filter((r) => serverOf(r) === "Plain");
    expect(plain.map(bodyOf)).toEqual([
      { server: "Plain", state: "ready", players: 0, maxPlayers: 8 },
      { server: "Plain", state: "ready", players: 0, maxPlayers: 8 },
      { server: "Plain", state: "ready", players: 0, maxPlayers: 8 },
      { server: "Plain", state: "draining", players: 0, maxPlayers: 8 },
    ]);
    expect(plain.every((r) => r.headers.authorization === "Bearer plain-secret")).toBe(true);
    expect(heartbeats.requests.some((r) => serverOf(r) === undefined)).toBe(false);
  });
});

describe("the Godot 4 reference server", () => {
  const runServer = (url: string, room: string, warm: string) =>
    godot.run(
      {
        mounts: [
          { from: REFERENCE_SERVER, to: "" },
          { from: join(__dirname, "scripts"), to: "t" },
        ],
        mainScript: "res://t/reference_server_probe.gd",
      },
      {
        args: [
          "--",
          `--stub=${url}`,
          `--room-name=${room}`,
          `--warm=${warm}`,
          "--empty-server-timeout=1",
        ],
        timeoutMs: 30_000,
      },
    );

  test("warm: no idle shutdown while unassigned (3 s, thrice its timeout); assigned → logs it once, heartbeats as the room, idles out about 1 s later", async () => {
    const warmFor = 3_000;
    let firstBeatAt: number | undefined;
    let assignedAnswers = 0;
    const heartbeats = await stub((request) => {
      firstBeatAt ??= request.at;
      const common = { drain: false, heartbeatSeconds: 0.25 };
      if (serverOf(request) === PLACEHOLDER && request.at < firstBeatAt + warmFor)
        return ok({ ...common, assigned: false, room: PLACEHOLDER });
      assignedAnswers++;
      return ok({ ...common, assigned: true, room: "Arena" });
    });
    const run = await runServer(heartbeats.url, PLACEHOLDER, "1");
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    const lines = jsonLines(run);
    const events = lines.map((l) => l.event);
    expect(events.filter((e) => e === "assigned")).toHaveLength(1);
    expect(assignedAnswers).toBeGreaterThanOrEqual(2);
    expect(events.indexOf("idle shutdown")).toBeGreaterThan(events.indexOf("assigned"));
    const at = (event: string) => lines.find((l) => l.event === event)!;
    expect(at("starting")).toMatchObject({ room: PLACEHOLDER, emptyServerTimeout: 1 });
    expect(at("assigned")).toMatchObject({ room: "Arena" });
    // Warm for at least 3 s after it listened, without shutting down...
    expect(at("assigned").ticks - at("listening").ticks).toBeGreaterThanOrEqual(warmFor - 250);
    // ...then out about 1 s after the assignment.
    const idle = at("idle shutdown").ticks - at("assigned").ticks;
    expect(idle).toBeGreaterThanOrEqual(1_000 - 50);
    expect(idle).toBeLessThan(2_000);
    expect(at("idle shutdown").emptyForSeconds).toBeLessThan(1.5);

    const names = heartbeats.requests.map(serverOf);
    const firstArena = names.indexOf("Arena");
    expect(firstArena).toBeGreaterThanOrEqual(8);
    expect(names.slice(0, firstArena).every((n) => n === PLACEHOLDER)).toBe(true);
    expect(names.slice(firstArena).every((n) => n === "Arena")).toBe(true);
  }, 60_000);

  test("not warm: heartbeats as ROOM_NAME with the same four fields, never `assigned`, idles out on its timeout", async () => {
    const heartbeats = await stub(() =>
      ok({ drain: false, heartbeatSeconds: 0.25, assigned: true, room: "Plain" }),
    );
    const run = await runServer(heartbeats.url, "Plain", "");
    expect(run.errors).toEqual([]);
    expect(run.exitCode).toBe(0);
    const lines = jsonLines(run);
    expect(lines.map((l) => l.event)).toEqual(["starting", "listening", "idle shutdown"]);
    // Counted from the first frame, whose delta includes the start-up: a little under 1 s is fine.
    expect(lines[2].emptyForSeconds).toBeGreaterThanOrEqual(1);
    expect(lines[2].ticks - lines[1].ticks).toBeLessThan(2_000);
    expect(heartbeats.requests.length).toBeGreaterThanOrEqual(2);
    for (const request of heartbeats.requests)
      expect(bodyOf(request)).toEqual({
        server: "Plain",
        state: "ready",
        players: 0,
        maxPlayers: 16,
      });
  }, 60_000);
});
