import { join } from "node:path";
import { freePort, GodotProcess } from "../support/godot-process";

const SERVER = join(__dirname, "..", "..", "godot-image", "game", "reference-server");
const CLIENT = join(__dirname, "..", "godot", "test-client");
const started: GodotProcess[] = [];

function godot(args: string[], env?: Record<string, string>) {
  const process = new GodotProcess(args, env);
  started.push(process);
  return process;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.stop()));
});

describe.each([
  ["ENet over UDP", "udp"],
  ["WebSocket over TCP", "tcp"],
])("the reference room server, %s", (_, protocol) => {
  test("listens on its port, counts a real client, and idles out with exit 0 only after the timeout", async () => {
    const port = await freePort();
    const timeout = 2;
    const server = godot(
      [
        "--path",
        SERVER,
        `--port=${port}`,
        `--protocol=${protocol}`,
        `--empty-server-timeout=${timeout}`,
      ],
      {
        ROOM_NAME: "Test Room",
      },
    );
    expect(await server.waitFor((l) => l.event === "starting")).toMatchObject({
      room: "Test Room",
      emptyServerTimeout: timeout,
    });
    expect(await server.waitFor((l) => l.event === "listening")).toMatchObject({ port, protocol });

    // The client stays longer than the timeout: the server must not quit while a player is in.
    const client = godot([
      "--path",
      CLIENT,
      `--port=${port}`,
      `--protocol=${protocol}`,
      `--stay=${timeout + 1}`,
    ]);
    await client.waitFor((l) => l.event === "connected");
    expect(await server.waitFor((l) => l.event === "player joined")).toMatchObject({ players: 1 });
    // A lost goodbye packet is detected by ENet's own peer timeout (up to 30 s): wait that long.
    const left = await server.waitFor((l) => l.event === "player left", 40_000);
    expect(left).toMatchObject({ players: 0 });
    expect(server.lines.some((l) => l.event === "idle shutdown" && l.at < left.at)).toBe(false);
    expect((await client.exited).code).toBe(0);

    const exit = await server.exited;
    expect(exit.code).toBe(0);
    const idle = server.lines.find((l) => l.event === "idle shutdown");
    expect(idle).toBeDefined();
    // Not before the timeout counted from the last player leaving (less a frame of slack), by
    // the server's own clock: when this process reads the lines depends on the machine's load.
    expect(Number(idle!.ticks) - Number(left.ticks)).toBeGreaterThanOrEqual(timeout * 1000 - 100);
    expect(Number(idle!.emptyForSeconds)).toBeGreaterThanOrEqual(timeout);
    expect(exit.at).toBeGreaterThanOrEqual(idle!.at);
  }, 60_000);
});

test("it exits promptly on SIGTERM", async () => {
  const port = await freePort();
  const server = godot(["--path", SERVER, `--port=${port}`, "--empty-server-timeout=300"]);
  await server.waitFor((l) => l.event === "listening");
  const sentAt = Date.now();
  server.signal("SIGTERM");
  const exit = await server.exited;
  expect(server.running).toBe(false);
  expect(exit.at - sentAt).toBeLessThan(5000);
}, 20_000);

test("options come from the environment when not on the command line", async () => {
  const port = await freePort();
  const server = godot(["--path", SERVER], {
    GAME_PORT: String(port),
    EMPTY_SERVER_TIMEOUT: "1",
    MAX_PLAYERS: "3",
  });
  expect(await server.waitFor((l) => l.event === "starting")).toMatchObject({
    maxPlayers: 3,
    emptyServerTimeout: 1,
  });
  expect(await server.waitFor((l) => l.event === "listening")).toMatchObject({ port });
  expect((await server.exited).code).toBe(0);
}, 20_000);
