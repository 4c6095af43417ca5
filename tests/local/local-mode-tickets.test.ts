import { join } from "node:path";
import { GodotProcess } from "../support/godot-process";
import { LocalModeProcess } from "../support/local-process";
import { until } from "../support/until";

/**
 * Admission end to end: local mode with `--require-tickets true`, the reference server (its SDK
 * checks tickets) and real Godot 3 clients, with tickets from local mode's own /join_room.
 */
const CLIENT = join(__dirname, "..", "godot", "test-client");
let local: LocalModeProcess | undefined;
const clients: GodotProcess[] = [];

afterEach(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  clients.length = 0;
  await local?.stop();
  local = undefined;
});

async function post(path: string): Promise<{ status: number; body: any }> {
  const response = await fetch(`${local!.url}${path}`, { method: "POST" });
  return { status: response.status, body: await response.json() };
}

async function room(name: string): Promise<Record<string, any>> {
  const response = await fetch(`${local!.url}/get_servers?server=${name}`);
  return ((await response.json()) as { data: Record<string, any> }).data;
}

async function runningRoom(name: string) {
  expect((await post(`/create_server?server=${name}`)).status).toBe(200);
  return until(async () => {
    const r = await room(name);
    return r?.status === "RUNNING" ? r : undefined;
  }, 20_000);
}

async function ticketFor(name: string): Promise<string> {
  const joined = await post(`/join_room?server=${name}`);
  expect(joined.status).toBe(200);
  return joined.body.data.ticket as string;
}

function client(port: number, ticket?: string) {
  const process = new GodotProcess([
    "--path",
    CLIENT,
    `--port=${port}`,
    "--stay=25",
    ...(ticket === undefined ? [] : [`--ticket=${ticket}`]),
  ]);
  clients.push(process);
  return process;
}

test("a valid ticket plays and counts; no ticket, another room's, an expired, a forged and a used one are each disconnected within the auth window; the room keeps running", async () => {
  local = await LocalModeProcess.start([
    ...["--require-tickets", "true", "--ticket-seconds", "3"],
    ...["--heartbeat-seconds", "1", "--max-rooms", "2"],
  ]);
  const arena = await runningRoom("Arena");
  await runningRoom("Other");

  const valid = await ticketFor("Arena");
  const player = client(arena.port, valid);
  await player.waitFor((l) => l.event === "connected", 15_000);
  await until(async () => ((await room("Arena")).players === 1 ? true : undefined), 10_000);

  // Made before the others, so that it has expired (3 s) by the time it is presented.
  const expired = await ticketFor("Arena");
  const otherRoom = await ticketFor("Other");
  const fresh = await ticketFor("Arena");
  const forged = `${fresh.slice(0, -2)}${fresh.endsWith("AA") ? "BB" : "AA"}`;
  await new Promise((resolve) => setTimeout(resolve, 4_000));
  const bad = {
    "no ticket": client(arena.port),
    "another room's": client(arena.port, otherRoom),
    expired: client(arena.port, expired),
    forged: client(arena.port, forged),
    "already used": client(arena.port, valid),
  };
  const outcomes = await Promise.all(
    Object.entries(bad).map(async ([name, process]) => {
      await process.waitFor((l) => l.event === "connected", 15_000);
      const gone = await process.waitFor((l) => l.event === "disconnected", 15_000);
      return [name, gone.afterSeconds as number] as const;
    }),
  );
  for (const [name, afterSeconds] of outcomes) {
    // ROOM_AUTH_SECONDS is 5: each is out within the window (and a little network slack).
    expect({ name, inWindow: afterSeconds <= 5 + 1 }).toEqual({ name, inWindow: true });
  }
  // The room kept running, with its one admitted player.
  expect(await room("Arena")).toMatchObject({ status: "RUNNING", players: 1 });
  expect(await player.waitFor((l) => l.event === "stayed connected", 30_000)).toBeDefined();
}, 120_000);

test("without --require-tickets (as the stack files), a client with no ticket plays as before", async () => {
  local = await LocalModeProcess.start(["--heartbeat-seconds", "1"]);
  const open = await runningRoom("Open");
  const player = client(open.port);
  await player.waitFor((l) => l.event === "connected", 15_000);
  await until(async () => ((await room("Open")).players === 1 ? true : undefined), 10_000);
}, 60_000);
