import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, GodotProcess } from "../support/godot-process";
import { startCorsStub, type StubRequest } from "../support/godot4-web/cors-stub";

/**
 * Warm servers on the Godot 3 reference server and its SDK (room_sdk.gd), on real godot3-server
 * against a loopback heartbeat stand-in. A warm server (ROOM_WARM=1) heartbeats under its
 * placeholder name, does not idle out while unassigned, and from the answer saying
 * `assigned: true` heartbeats under the room's name and starts its empty-server timeout.
 */
const SERVER = join(__dirname, "..", "..", "godot-image", "game", "reference-server");
const PLACEHOLDER = "~abc123";
const started: GodotProcess[] = [];
let stub: Awaited<ReturnType<typeof startCorsStub>> | undefined;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "reference-server-warm-"));
});
afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
  await stub?.stop();
  stub = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Body = Record<string, unknown>;
const bodyOf = (r: StubRequest) => JSON.parse(r.body) as Body;
const ok = (data: Body) => ({ status: 200, body: { success: true, message: "ok", data } });

async function server(env: Record<string, string>, timeout: number) {
  const port = await freePort();
  const godot = new GodotProcess(
    ["--path", SERVER, `--port=${port}`, `--empty-server-timeout=${timeout}`],
    {
      ROOMS_API_URL: stub!.url,
      ROOM_SECRET: "bootstrap-secret",
      ROOM_HEARTBEAT_SECONDS: "1",
      ROOM_DRAIN_FILE: join(dir, `drain-${port}`),
      ...env,
    },
  );
  started.push(godot);
  return godot;
}

test("a warm server heartbeats under its placeholder, does not idle out while unassigned, then heartbeats as its room and idles out after the timeout", async () => {
  const warmFor = 3_000;
  let firstBeatAt: number | undefined;
  let assignedAnswers = 0;
  let first = true;
  stub = await startCorsStub((request) => {
    const { server } = JSON.parse(request.body || "{}") as { server?: string };
    const key = first ? { roomKey: "room-key-2" } : {};
    first = false;
    const common = { drain: false, heartbeatSeconds: 0.25, ...key };
    firstBeatAt ??= request.at;
    if (server === PLACEHOLDER && request.at < firstBeatAt + warmFor) {
      return ok({ ...common, assigned: false, room: PLACEHOLDER });
    }
    assignedAnswers++;
    return ok({ ...common, assigned: true, room: "Arena" });
  });
  const godot = await server({ ROOM_WARM: "1", ROOM_NAME: PLACEHOLDER }, 1);
  expect(await godot.waitFor((l) => l.event === "starting")).toMatchObject({ room: PLACEHOLDER });
  const assigned = await godot.waitFor((l) => l.event === "assigned", 20_000);
  expect(assigned).toMatchObject({ room: "Arena" });
  // Unassigned for three times its 1 s timeout: no idle shutdown before the assignment.
  expect(assigned.at - firstBeatAt!).toBeGreaterThanOrEqual(warmFor);
  expect(godot.lines.some((l) => l.event === "idle shutdown" && l.at <= assigned.at)).toBe(false);

  const exit = await godot.exited;
  expect(exit.code).toBe(0);
  const shutdown = godot.lines.find((l) => l.event === "idle shutdown");
  expect(shutdown).toBeDefined();
  expect(shutdown!.emptyForSeconds).toBeGreaterThanOrEqual(1);
  expect(shutdown!.emptyForSeconds).toBeLessThan(1.5);
  // The timeout runs from the assignment: about 1 s after it, not at once, not much later.
  expect(exit.at - assigned.at).toBeGreaterThanOrEqual(1_000 - 250);
  expect(exit.at - assigned.at).toBeLessThan(3_000);

  // The signal fired once, though the API said `assigned: true` on several answers.
  expect(assignedAnswers).toBeGreaterThanOrEqual(2);
  expect(godot.lines.filter((l) => l.event === "assigned")).toHaveLength(1);

  const bodies = stub.requests.map(bodyOf);
  const names = bodies.map((b) => b.server);
  const firstArena = names.indexOf("Arena");
  // Placeholder heartbeats for the warm seconds (every 0.25 s), then only the room's name.
  expect(firstArena).toBeGreaterThanOrEqual(8);
  expect(names.slice(0, firstArena).every((n) => n === PLACEHOLDER)).toBe(true);
  expect(names.slice(firstArena).every((n) => n === "Arena")).toBe(true);
  expect(bodies[firstArena]).toEqual({
    server: "Arena",
    state: "ready",
    players: 0,
    maxPlayers: 16,
  });
  // The key from the first answer is used from then on, across the rename.
  expect(stub.requests.map((r) => r.headers.authorization)).toEqual([
    "Bearer bootstrap-secret",
    ...stub.requests.slice(1).map(() => "Bearer room-key-2"),
  ]);
}, 40_000);

test("a server not started warm heartbeats as before (server = ROOM_NAME, the same four fields), never logs `assigned`, and idles out on its timeout", async () => {
  stub = await startCorsStub(() =>
    ok({ drain: false, heartbeatSeconds: 0.25, assigned: true, room: "Plain" }),
  );
  const godot = await server({ ROOM_NAME: "Plain" }, 1);
  const listening = await godot.waitFor((l) => l.event === "listening");
  const exit = await godot.exited;
  expect(exit.code).toBe(0);
  expect(exit.at - listening.at).toBeGreaterThanOrEqual(1_000 - 250);
  expect(exit.at - listening.at).toBeLessThan(3_000);
  expect(godot.lines.map((l) => l.event)).toEqual(["starting", "listening", "idle shutdown"]);
  expect(stub.requests.length).toBeGreaterThanOrEqual(2);
  for (const request of stub.requests) {
    expect(bodyOf(request)).toEqual({
      server: "Plain",
      state: "ready",
      players: 0,
      maxPlayers: 16,
    });
    expect(request.headers.authorization).toBe("Bearer bootstrap-secret");
  }
}, 20_000);

test("ROOM_WARM without the room settings (the SDK is off) is not warm: the server still idles out", async () => {
  const port = await freePort();
  const godot = new GodotProcess(["--path", SERVER, `--port=${port}`, "--empty-server-timeout=1"], {
    ROOM_WARM: "1",
    ROOM_NAME: PLACEHOLDER,
    ROOMS_API_URL: "",
    ROOM_SECRET: "",
  });
  started.push(godot);
  const listening = await godot.waitFor((l) => l.event === "listening");
  const exit = await godot.exited;
  expect(exit.code).toBe(0);
  expect(exit.at - listening.at).toBeLessThan(3_000);
}, 20_000);
