import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boundSockets } from "../../local/port-readiness";
import { GodotProcess } from "../support/godot-process";
import { QUIET_SERVER, writeGodot3Pack } from "../support/local-pck";
import { godotProcesses, LocalModeProcess } from "../support/local-process";
import { until } from "../support/until";

const CLIENT = join(__dirname, "..", "godot", "test-client");
let local: LocalModeProcess | undefined;
let client: GodotProcess | undefined;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "godot-rooms-heartbeats-"));
});
afterEach(async () => {
  await client?.stop();
  client = undefined;
  await local?.stop();
  local = undefined;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function create(name: string) {
  const response = await fetch(`${local!.url}/create_server?server=${name}`, { method: "POST" });
  return (await response.json()) as { data: { ownerToken: string } };
}

async function room(name: string): Promise<Record<string, any>> {
  const response = await fetch(`${local!.url}/get_servers?server=${name}`);
  return { status: response.status, ...((await response.json()) as Record<string, any>) };
}

const FAST = [
  ...["--heartbeat-seconds", "1", "--heartbeat-timeout", "3", "--ready-timeout", "3"],
  ...["--stop-timeout", "2"],
];

test("the reference server is RUNNING after its SDK said ready; an ENet player moves players 0 → 1 within two heartbeats", async () => {
  local = await LocalModeProcess.start(FAST);
  await create("Join");
  const running = await until(async () => {
    const r = await room("Join");
    return r.data.status === "RUNNING" ? r.data : undefined;
  }, 15_000);
  expect(running).toMatchObject({ ip: "127.0.0.1", players: 0, maxPlayers: 16, protocol: "udp" });
  client = new GodotProcess(["--path", CLIENT, `--port=${running.port}`, "--stay=30"]);
  const joinedAt = Date.now();
  await until(async () => ((await room("Join")).data.players === 1 ? true : undefined), 10_000);
  // Two heartbeat periods (1 s each), plus the Godot client's start and connect on a busy CI machine.
  expect(Date.now() - joinedAt).toBeLessThan(2_000 + 4_000);
}, 60_000);

test("a pack without the SDK is never RUNNING under heartbeat readiness: stopped after the ready timeout, with the reason", async () => {
  const quiet = join(dir, "quiet.pck");
  writeGodot3Pack(quiet, QUIET_SERVER);
  local = await LocalModeProcess.start(["--pack", quiet, ...FAST]);
  await create("Silent");
  const seen = new Set<string>();
  const gone = await until(async () => {
    const r = await room("Silent");
    if (r.status === 200) seen.add(r.data.status);
    return r.status === 404 ? r : undefined;
  }, 20_000);
  expect(seen.has("RUNNING")).toBe(false);
  expect(gone.stoppedReason).toMatch(/never said ready/);
  const removed = await local.waitFor((l) =>
    l.message.startsWith("room removed: server never said ready"),
  );
  expect(removed).toMatchObject({
    room: "Silent",
    check: expect.stringMatching(/serverReadiness: task/),
  });
  // It has no SDK to drain: it is killed after --stop-timeout.
  await until(
    async () => (godotProcesses(local!.descendants()).length === 0 ? true : undefined),
    10_000,
  );
}, 60_000);

test("a frozen server (SIGSTOP) loses its room within the heartbeat timeout", async () => {
  local = await LocalModeProcess.start(FAST);
  await create("Frozen");
  await until(
    async () => ((await room("Frozen")).data?.status === "RUNNING" ? true : undefined),
    15_000,
  );
  const [godot] = godotProcesses(local.descendants());
  process.kill(godot.pid, "SIGSTOP");
  const frozenAt = Date.now();
  await until(async () => ((await room("Frozen")).status === 404 ? true : undefined), 15_000);
  // The timeout (3 s) plus one reconcile period (1.5 s), with slack for a busy CI machine; well
  // below what any other path (the stuck or TTL limits) would take.
  expect(Date.now() - frozenAt).toBeLessThan(3_000 + 1_500 + 4_000);
  // The line may reach this process's pipe after the 404 does.
  const removed = await local.waitFor((l) => l.message.startsWith("room removed: no heartbeat"));
  expect(removed).toMatchObject({ room: "Frozen", reason: "HeartbeatLost" });
  await until(
    async () => (godotProcesses(local!.descendants()).length === 0 ? true : undefined),
    10_000,
  );
}, 60_000);

test("a heartbeat for a STOPPING or deleted room changes nothing", async () => {
  local = await LocalModeProcess.start(FAST);
  const { data } = await create("Gone");
  await until(
    async () => ((await room("Gone")).data?.status === "RUNNING" ? true : undefined),
    15_000,
  );
  await fetch(`${local.url}/stop_server?server=Gone`, {
    method: "POST",
    headers: { authorization: `Bearer ${data.ownerToken}` },
  });
  // Its SDK keeps heartbeating while it drains: the room stays STOPPING until it is gone.
  const after = new Set<string>();
  await until(async () => {
    const r = await room("Gone");
    if (r.status === 200) after.add(r.data.status);
    return r.status === 404 ? true : undefined;
  }, 15_000);
  expect([...after].filter((s) => s !== "STOPPING")).toEqual([]);
  const beat = await fetch(`${local.url}/room_heartbeat`, {
    method: "POST",
    headers: { authorization: "Bearer whatever", "content-type": "application/json" },
    body: JSON.stringify({ server: "Gone", state: "ready", players: 0, maxPlayers: 4 }),
  });
  expect(beat.status).toBe(404);
  expect((await room("Gone")).status).toBe(404);
}, 60_000);

test("the original client flow never sees RUNNING before the server listens: 20 rooms", async () => {
  local = await LocalModeProcess.start(["--max-rooms", "20", ...FAST]);
  const names = Array.from({ length: 20 }, (_, i) => `Flow-${i}`);
  await Promise.all(names.map((name) => create(name)));
  let early = 0;
  await Promise.all(
    names.map(async (name) => {
      const running = await until(async () => {
        const r = await room(name);
        return r.data?.status === "RUNNING" ? r.data : undefined;
      }, 30_000);
      // At the moment a client sees RUNNING, the server's ENet socket must already be bound.
      if (boundSockets("udp", running.port).length === 0) early++;
    }),
  );
  expect(early).toBe(0);
}, 90_000);
