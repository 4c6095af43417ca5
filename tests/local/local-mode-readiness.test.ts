import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LocalModeProcess } from "../support/local-process";
import { QUIET_SERVER, writeGodot3Pack } from "../support/local-pck";
import { until } from "../support/until";

let dir: string;
let local: LocalModeProcess | undefined;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "rooms-pack-"));
});
afterEach(async () => {
  await local?.stop();
  local = undefined;
  rmSync(dir, { recursive: true, force: true });
});

/** A pack whose main script is `body` (GDScript, tab-indented, in `_ready`). */
function pack(name: string, body: string[]): string {
  const path = join(dir, `${name}.pck`);
  writeGodot3Pack(path, {
    ...QUIET_SERVER,
    "main.gd": ["extends Node", "func _ready():", ...body.map((l) => `\t${l}`), ""].join("\n"),
  });
  return path;
}

async function roomOf(url: string, name: string) {
  const response = await fetch(`${url}/get_servers?server=${name}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

test("your own pack without the SDK (--server-readiness task) is RUNNING once its port is bound", async () => {
  const quiet = join(dir, "quiet.pck");
  writeGodot3Pack(quiet, QUIET_SERVER);
  local = await LocalModeProcess.start(["--pack", quiet, "--server-readiness", "task"]);
  await fetch(`${local.url}/create_server?server=Quiet`, { method: "POST" });
  const running = await until(async () => {
    const room = await roomOf(local!.url, "Quiet");
    return (room.body.data as { status?: string }).status === "RUNNING" ? room.body : undefined;
  }, 10_000);
  expect(running.data).toMatchObject({ name: "Quiet", ip: "127.0.0.1", port: expect.any(Number) });
  expect((running.data as { port: number }).port).toBeGreaterThan(0);
}, 30_000);

test("a server that never listens: the client is told why, and the log says what to check", async () => {
  local = await LocalModeProcess.start([
    "--pack",
    pack("deaf", ["pass # never listens"]),
    "--start-timeout",
    "2",
  ]);
  await fetch(`${local.url}/create_server?server=Deaf`, { method: "POST" });
  const gone = await until(async () => {
    const room = await roomOf(local!.url, "Deaf");
    return room.status === 404 ? room.body : undefined;
  }, 15_000);
  const port = local.lines.find((l) => l.message === "room server starting")?.port as number;
  expect(gone).toEqual({
    success: false,
    message: 'No room is named "Deaf".',
    data: [],
    stoppedReason: `The server did not listen on UDP port ${port} on 127.0.0.1 within 2 s.`,
  });
  expect(
    await local.waitFor((l) => l.message.startsWith("room server did not start")),
  ).toMatchObject({
    level: "WARN",
    message:
      `room server did not start: nothing listened on UDP port ${port} on 127.0.0.1 within 2 s. ` +
      `Check that the game reads --port=${port} and starts listening, and that its pack loads (see output)`,
    room: "Deaf",
    stopCode: "TaskFailedToStart",
  });
}, 30_000);

test("a server that exits before it listens: the reason carries its exit code", async () => {
  local = await LocalModeProcess.start([
    "--pack",
    pack("quitter", ['printerr("no map found")', "get_tree().quit(3)"]),
  ]);
  await fetch(`${local.url}/create_server?server=Quitter`, { method: "POST" });
  const gone = await until(async () => {
    const room = await roomOf(local!.url, "Quitter");
    return room.status === 404 ? room.body : undefined;
  }, 15_000);
  expect(gone.stoppedReason).toBe(
    "The server exited before it listened (exit code 3). Last output: no map found",
  );
  expect(await local.waitFor((l) => l.message.startsWith("room server failed"))).toMatchObject({
    message: "room server failed to start (exit code 3)",
    stopCode: "TaskFailedToStart",
  });
}, 30_000);
