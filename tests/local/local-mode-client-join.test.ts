import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GodotProcess } from "../support/godot-process";
import { LocalModeProcess } from "../support/local-process";
import { until } from "../support/until";

/**
 * The Godot 3 client library (godot-client/rooms_client.gd) joins rooms with tickets: a real
 * Godot 3 program, with the library vendored in as a game has it, runs against local mode started
 * with `--require-tickets true`: join_room, then connect_to_room presents the ticket and the
 * player stays and counts; connect_to_room without a ticket is disconnected within the auth
 * window (ROOM_AUTH_SECONDS, 5); a used ticket gives a failure result. Quick play with no room
 * at all has local mode start one, and join_room waits for it and takes a seat.
 */
const ROOT = join(__dirname, "..", "..");
let local: LocalModeProcess | undefined;
let project = "";
const clients: GodotProcess[] = [];

beforeAll(() => {
  project = mkdtempSync(join(tmpdir(), "rooms-join-client-"));
  cpSync(join(ROOT, "tests", "godot", "join-client"), project, { recursive: true });
  cpSync(join(ROOT, "godot-client", "rooms_client.gd"), join(project, "rooms_client.gd"));
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
  await local?.stop();
  local = undefined;
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

function program(args: string[]): GodotProcess {
  const game = new GodotProcess(["--path", project, `--api=${local!.url}`, ...args]);
  clients.push(game);
  return game;
}

async function room(name: string): Promise<Record<string, any>> {
  const response = await fetch(`${local!.url}/get_servers?server=${encodeURIComponent(name)}`);
  return ((await response.json()) as { data: Record<string, any> }).data;
}

async function joinsAndStays(protocol: "udp" | "tcp") {
  const name = "Join Room";
  const player = program(["--mode=join", `--room=${name}`, "--stay=20", `--protocol=${protocol}`]);

  // Quick play before any room exists: local mode starts one for the player (202), and
  // join_room waits until it runs, then takes a seat in it.
  const quick = await player.waitFor((l) => l.event === "quick play", 30_000);
  expect(quick).toMatchObject({
    success: true,
    status: 200,
    data: { ip: "127.0.0.1", ticket: expect.stringMatching(/^[\w-]+\.[\w-]+$/) },
  });
  const quickRoom = (quick.data as { name: string }).name;
  expect(quick.message).toBe(quickRoom);
  expect(await room(quickRoom)).toMatchObject({ status: "RUNNING", protocol });
  const running = await player.waitFor((l) => l.event === "running", 30_000);
  expect(running).toMatchObject({ success: true, data: { status: "RUNNING", protocol } });
  expect(await player.waitFor((l) => l.event === "unknown", 10_000)).toMatchObject({
    success: false,
    status: 404,
    error: "http",
  });
  const joined = await player.waitFor((l) => l.event === "joined", 10_000);
  expect(joined).toMatchObject({
    success: true,
    status: 200,
    message: name,
    data: {
      name,
      ip: "127.0.0.1",
      port: (running.data as { port: number }).port,
      ticket: expect.stringMatching(/^[\w-]+\.[\w-]+$/),
      expiresAt: expect.any(String),
    },
  });
  const ticket = (joined.data as { ticket: string }).ticket;

  // connect_to_room presented the ticket and waited out the auth window still connected.
  const connected = await player.waitFor((l) => l.event === "connect", 20_000);
  expect(connected).toMatchObject({
    success: true,
    message: "Connected",
    status: 200,
    protocol,
    hasPeer: true,
    networkPeer: true,
    data: { ticket },
  });
  expect(connected.seconds).toBeGreaterThanOrEqual(5);
  await until(async () => ((await room(name)).players === 1 ? true : undefined), 10_000);

  // No ticket: connects as before, and the server disconnects it within the auth window.
  const intruder = program(["--mode=plain", `--room=${name}`, "--stay=20"]);
  // The same ticket again: connect_to_room reports the refusal.
  const replay = program(["--mode=ticket", `--room=${name}`, `--ticket=${ticket}`, "--stay=20"]);
  const [intruderConnect, gone, replayed] = await Promise.all([
    intruder.waitFor((l) => l.event === "connect", 20_000),
    intruder.waitFor((l) => l.event === "disconnected", 20_000),
    replay.waitFor((l) => l.event === "connect", 20_000),
  ]);
  expect(intruderConnect).toMatchObject({ success: true, message: "Connected", protocol });
  // It had no ticket to wait on: connected as soon as the server answered.
  expect(intruderConnect.seconds).toBeLessThan(3);
  expect(gone.afterSeconds).toBeLessThanOrEqual(5 + 1);
  expect(replayed).toMatchObject({
    success: false,
    status: 0,
    error: "connect",
    message: expect.stringMatching(/refused the join ticket/),
    hasPeer: false,
    networkPeer: false,
  });
  expect((await intruder.exited).code).toBe(3);
  expect((await replay.exited).code).toBe(2);

  // The ticket holder stayed through all of it, the only player.
  expect(await room(name)).toMatchObject({ status: "RUNNING", players: 1 });
  expect(player.lines.some((l) => l.event === "disconnected")).toBe(false);
  await player.waitFor((l) => l.event === "stayed connected", 30_000);
  await player.waitFor((l) => l.event === "left", 5_000);
  expect((await player.exited).code).toBe(0);
}

test("over ENet: quick play with no room starts one and joins it; join_room, connect_to_room with the ticket stays and counts; no ticket is disconnected in the auth window; a used ticket fails", async () => {
  local = await LocalModeProcess.start(["--require-tickets", "true", "--heartbeat-seconds", "1"]);
  await joinsAndStays("udp");
}, 120_000);

test("over WebSocket (--protocol tcp), the same", async () => {
  local = await LocalModeProcess.start([
    ...["--require-tickets", "true", "--heartbeat-seconds", "1", "--protocol", "tcp"],
  ]);
  await joinsAndStays("tcp");
}, 120_000);
