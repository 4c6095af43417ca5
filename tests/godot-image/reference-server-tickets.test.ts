import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { newSeatId, newTicketKey, signTicket } from "../../handlers/rooms/tickets";
import { startCorsStub, type StubRequest } from "../support/godot4-web/cors-stub";
import { freePort, GodotProcess, type LogLine } from "../support/godot-process";

/**
 * Join tickets on the Godot 3 reference server and its SDK (room_sdk.gd), on real godot3-server
 * with ROOM_REQUIRE_TICKETS=1 and ROOM_AUTH_SECONDS=2, against a loopback heartbeat stand-in whose
 * first answer gives the room key, the ticket key and the room id, as the API's does. Real Godot 3
 * test clients connect with tickets made by the service's signTicket: a valid one plays and is
 * reported in the next heartbeat; no ticket, another room's, an expired one, a forged one and a
 * replayed one are each disconnected within the auth window, and the server keeps running.
 */
const SERVER = join(__dirname, "..", "..", "godot-image", "game", "reference-server");
const CLIENT = join(__dirname, "..", "godot", "test-client");
const ROOM_ID = "r-5f2c9a1e";
const AUTH_SECONDS = 2;
const started: GodotProcess[] = [];
let stub: Awaited<ReturnType<typeof startCorsStub>> | undefined;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "reference-server-tickets-"));
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
const now = () => Math.floor(Date.now() / 1000);
/** A seat id as the join route makes them: `<slot>.<random>`. */
const seat = (slot: number) => `${slot}.${newSeatId()}`;

function godot(args: string[], env?: Record<string, string>) {
  const process = new GodotProcess(args, env);
  started.push(process);
  return process;
}

/** The stand-in API: the first answer gives the keys, later ones only the period. */
async function heartbeatStub(ticketKey: string) {
  let first = true;
  stub = await startCorsStub(() => {
    const keys = first ? { roomKey: "room-key-2", ticketKey, roomId: ROOM_ID } : {};
    first = false;
    return ok({ drain: false, heartbeatSeconds: 0.5, assigned: true, room: "Arena", ...keys });
  });
  return stub;
}

async function server(env: Record<string, string>, protocol = "udp") {
  const port = await freePort();
  const args = [`--port=${port}`, `--protocol=${protocol}`, "--empty-server-timeout=300"];
  const process = godot(["--path", SERVER, ...args], {
    ROOMS_API_URL: stub!.url,
    ROOM_NAME: "Arena",
    ROOM_SECRET: "bootstrap-secret",
    ROOM_HEARTBEAT_SECONDS: "1",
    ROOM_DRAIN_FILE: join(dir, `drain-${port}`),
    ...env,
  });
  await process.waitFor((l) => l.event === "listening");
  return { process, port };
}

function client(port: number, stay: number, ticket?: string, protocol = "udp") {
  return godot([
    "--path",
    CLIENT,
    `--port=${port}`,
    `--protocol=${protocol}`,
    `--stay=${stay}`,
    ...(ticket === undefined ? [] : [`--ticket=${ticket}`]),
  ]);
}

/** Heartbeats the stand-in received after `at` (ms epoch). */
const beatsAfter = (at: number) => stub!.requests.filter((r) => r.at > at).map(bodyOf);

test("with tickets required: a valid ticket plays and is reported; no ticket, another room's, an expired, a forged and a replayed one are each disconnected within the auth window; the server keeps running", async () => {
  const ticketKey = newTicketKey();
  await heartbeatStub(ticketKey);
  const { process: room, port } = await server({
    ROOM_REQUIRE_TICKETS: "1",
    ROOM_AUTH_SECONDS: String(AUTH_SECONDS),
  });
  // The keys arrive with the first answer (a ticket sent before would wait for them).
  await waitUntil(() => stub!.requests.length >= 2, 10_000);

  const mySeat = seat(1);
  const valid = signTicket({ roomId: ROOM_ID, seat: mySeat, expiresAt: now() + 60 }, ticketKey);
  const player = client(port, 6, valid);
  const playerId = (await player.waitFor((l) => l.event === "connected")).id;
  const admitted = await room.waitFor((l) => l.event === "player admitted", 5_000);
  expect(admitted).toMatchObject({ id: playerId, seat: mySeat });
  expect(await room.waitFor((l) => l.event === "player joined")).toMatchObject({
    id: playerId,
    players: 1,
  });
  // The first heartbeat counting the player also reports its seat used; the next no more. (One
  // whose body was made just before the admission may arrive after it: players 0, no seat.)
  const beats = await waitFor(() => {
    const since = beatsAfter(admitted.at);
    const first = since.findIndex((b) => b.players === 1);
    return first >= 0 && since.length > first + 1 ? since : undefined;
  }, 5_000);
  const first = beats.findIndex((b) => b.players === 1);
  expect(first).toBeLessThanOrEqual(1);
  for (const early of beats.slice(0, first))
    expect(early).toMatchObject({ players: 0, seatsUsed: [], seatsReleased: [] });
  expect(beats[first]).toEqual({
    server: "Arena",
    state: "ready",
    players: 1,
    maxPlayers: 16,
    seatsUsed: [mySeat],
    seatsReleased: [],
  });
  expect(beats[first + 1]).toMatchObject({ players: 1, seatsUsed: [], seatsReleased: [] });

  // While the player plays, five bad clients at once.
  const bad = {
    "no ticket": client(port, 10),
    "other room": client(
      port,
      10,
      signTicket({ roomId: "r-other", seat: seat(2), expiresAt: now() + 60 }, ticketKey),
    ),
    expired: client(
      port,
      10,
      signTicket({ roomId: ROOM_ID, seat: seat(3), expiresAt: now() - 5 }, ticketKey),
    ),
    forged: client(
      port,
      10,
      signTicket({ roomId: ROOM_ID, seat: seat(4), expiresAt: now() + 60 }, newTicketKey()),
    ),
    replayed: client(port, 10, valid),
  };
  for (const [reason, badClient] of Object.entries(bad)) {
    const connected = await badClient.waitFor((l) => l.event === "connected");
    const gone = await badClient.waitFor((l) => l.event === "disconnected", 10_000);
    expect((await badClient.exited).code).toBe(3);
    const refused = await room.waitFor(
      (l) => l.event === "player refused" && l.id === connected.id,
    );
    expect({ reason: refused.reason }).toEqual({ reason });
    // Within the auth window: a bad ticket at once, no ticket when the window closes.
    const after = gone.at - connected.at;
    if (reason === "no ticket") {
      expect(after).toBeGreaterThanOrEqual(AUTH_SECONDS * 1000 - 250);
      expect(after).toBeLessThan(AUTH_SECONDS * 1000 + 1_500);
    } else {
      expect(after).toBeLessThan(1_500);
    }
    expect(room.lines.some((l) => l.event === "player joined" && l.id === connected.id)).toBe(
      false,
    );
  }
  expect(room.lines.filter((l) => l.event === "player admitted")).toHaveLength(1);
  expect(room.lines.filter((l) => l.event === "peer connected")).toHaveLength(6);

  // The valid player stayed its six seconds; then its seat is released.
  expect(await player.waitFor((l) => l.event === "stayed connected", 10_000)).toBeDefined();
  expect((await player.exited).code).toBe(0);
  const left = await room.waitFor((l) => l.event === "player left", 40_000);
  expect(left).toMatchObject({ id: playerId, players: 0 });
  const released = await waitFor(
    () => beatsAfter(left.at).find((b) => (b.seatsReleased as string[]).length > 0),
    5_000,
  );
  expect(released).toEqual({
    server: "Arena",
    state: "ready",
    players: 0,
    maxPlayers: 16,
    seatsUsed: [],
    seatsReleased: [mySeat],
  });

  // Never more than one player, never another seat; the server still runs and heartbeats.
  const bodies = stub!.requests.map(bodyOf);
  expect(Math.max(...bodies.map((b) => b.players as number))).toBe(1);
  expect(bodies.flatMap((b) => b.seatsUsed as string[])).toEqual([mySeat]);
  expect(bodies.flatMap((b) => b.seatsReleased as string[])).toEqual([mySeat]);
  const beatsBefore = stub!.requests.length;
  await new Promise((r) => setTimeout(r, 1_200));
  expect(room.running).toBe(true);
  expect(stub!.requests.length).toBeGreaterThan(beatsBefore);
  expect(room.lines.some((l) => l.event === "error")).toBe(false);
  // The keys are never printed.
  expect(JSON.stringify(room.lines)).not.toMatch(
    new RegExp(`${ticketKey}|room-key-2|bootstrap-secret`),
  );
  expect(stub!.requests.map((r) => r.headers.authorization)).toEqual([
    "Bearer bootstrap-secret",
    ...stub!.requests.slice(1).map(() => "Bearer room-key-2"),
  ]);
}, 90_000);

test("without ROOM_REQUIRE_TICKETS: a client with or without a ticket plays at once, and heartbeats keep their four fields", async () => {
  const ticketKey = newTicketKey();
  await heartbeatStub(ticketKey);
  const { process: room, port } = await server({});
  const ticket = signTicket({ roomId: "r-other", seat: seat(1), expiresAt: now() - 5 }, ticketKey);
  const withTicket = client(port, 3, ticket);
  const without = client(port, 3);
  for (const c of [withTicket, without]) {
    const { id } = await c.waitFor((l) => l.event === "connected");
    await room.waitFor((l) => l.event === "player joined" && l.id === id);
  }
  await waitFor(() => beatsAfter(0).find((b) => b.players === 2), 5_000);
  for (const c of [withTicket, without]) {
    await c.waitFor((l) => l.event === "stayed connected", 10_000);
    expect((await c.exited).code).toBe(0);
  }
  expect(room.lines.map((l) => l.event)).not.toContain("player refused");
  expect(room.lines.map((l) => l.event)).not.toContain("player admitted");
  for (const body of stub!.requests.map(bodyOf))
    expect(Object.keys(body).sort()).toEqual(["maxPlayers", "players", "server", "state"]);
}, 60_000);

test("over WebSocket (--protocol=tcp) too: a valid ticket plays; a forged one and none are disconnected", async () => {
  const ticketKey = newTicketKey();
  await heartbeatStub(ticketKey);
  const { process: room, port } = await server(
    { ROOM_REQUIRE_TICKETS: "1", ROOM_AUTH_SECONDS: String(AUTH_SECONDS) },
    "tcp",
  );
  await waitUntil(() => stub!.requests.length >= 2, 10_000);
  const mySeat = seat(1);
  const player = client(
    port,
    4,
    signTicket({ roomId: ROOM_ID, seat: mySeat, expiresAt: now() + 60 }, ticketKey),
    "tcp",
  );
  const forged = client(
    port,
    10,
    signTicket({ roomId: ROOM_ID, seat: seat(2), expiresAt: now() + 60 }, newTicketKey()),
    "tcp",
  );
  const none = client(port, 10, undefined, "tcp");
  const playerId = (await player.waitFor((l) => l.event === "connected")).id;
  expect(await room.waitFor((l) => l.event === "player admitted")).toMatchObject({
    id: playerId,
    seat: mySeat,
  });
  for (const [reason, bad] of [
    ["forged", forged],
    ["no ticket", none],
  ] as const) {
    const connected = await bad.waitFor((l) => l.event === "connected");
    const gone = await bad.waitFor((l) => l.event === "disconnected", 10_000);
    expect(gone.at - connected.at).toBeLessThan(AUTH_SECONDS * 1000 + 1_500);
    expect((await bad.exited).code).toBe(3);
    expect(
      await room.waitFor((l) => l.event === "player refused" && l.id === connected.id),
    ).toMatchObject({ reason });
  }
  await player.waitFor((l) => l.event === "stayed connected", 10_000);
  expect(room.lines.filter((l) => l.event === "player joined")).toHaveLength(1);
  expect(room.running).toBe(true);
}, 40_000);

test("a ticket that arrives before the ticket key waits for it (within the auth window), then is admitted", async () => {
  const ticketKey = newTicketKey();
  // The API is down at first (the SDK retries 2 s later): no keys yet when the ticket comes.
  let answers = 0;
  stub = await startCorsStub(() => {
    answers++;
    if (answers === 1) return { status: 503, body: { success: false, message: "down", data: [] } };
    const keys = answers === 2 ? { roomKey: "room-key-2", ticketKey, roomId: ROOM_ID } : {};
    return ok({ drain: false, heartbeatSeconds: 0.5, assigned: true, room: "Arena", ...keys });
  });
  const { process: room, port } = await server({
    ROOM_REQUIRE_TICKETS: "1",
    ROOM_AUTH_SECONDS: "5",
  });
  const mySeat = seat(7);
  const player = client(
    port,
    3,
    signTicket({ roomId: ROOM_ID, seat: mySeat, expiresAt: now() + 60 }, ticketKey),
  );
  const sent = await player.waitFor((l) => l.event === "ticket sent");
  const admitted = await room.waitFor((l) => l.event === "player admitted", 8_000);
  expect(admitted).toMatchObject({ seat: mySeat });
  // Admitted when the key came, not when the ticket did.
  const keyAnswer = stub.requests[1];
  expect(keyAnswer.at).toBeGreaterThan(sent.at);
  expect(admitted.at).toBeGreaterThanOrEqual(keyAnswer.at);
  await player.waitFor((l) => l.event === "stayed connected", 10_000);
  expect(room.lines.map((l) => l.event)).not.toContain("player refused");
}, 30_000);

test("with tickets required and the SDK off (no room settings): every peer is refused, none plays", async () => {
  const port = await freePort();
  const room = godot(["--path", SERVER, `--port=${port}`, "--empty-server-timeout=300"], {
    ROOM_REQUIRE_TICKETS: "1",
    ROOM_AUTH_SECONDS: "1",
    ROOMS_API_URL: "",
    ROOM_SECRET: "",
  });
  await room.waitFor((l) => l.event === "listening");
  const key = newTicketKey();
  const player = client(
    port,
    10,
    signTicket({ roomId: ROOM_ID, seat: seat(1), expiresAt: now() + 60 }, key),
  );
  const { id } = await player.waitFor((l) => l.event === "connected");
  await player.waitFor((l) => l.event === "disconnected", 10_000);
  expect(
    await room.waitFor((l: LogLine) => l.event === "player refused" && l.id === id),
  ).toMatchObject({ reason: "no ticket key" });
  expect(room.lines.map((l) => l.event)).not.toContain("player joined");
}, 30_000);

async function waitFor<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const waitUntil = (probe: () => boolean, timeoutMs: number) =>
  waitFor(() => (probe() ? true : undefined), timeoutMs);
