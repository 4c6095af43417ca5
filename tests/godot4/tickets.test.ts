import { createHmac, randomBytes, randomInt } from "node:crypto";
import { join } from "node:path";
import { newSeatId, newTicketKey, signTicket } from "../../handlers/rooms/tickets";
import { startCorsStub, type StubRequest } from "../support/godot4-web/cors-stub";
import { Godot4Web, type RunResult } from "../support/godot4-web/runner";
import { stepsOf } from "../support/godot4-web/steps";

/**
 * Join tickets in the Godot 4 addon, on the real Godot 4.6 web engine (scripts/tickets_scenario.gd):
 * RoomServerSdk.verify_ticket on tickets made by the service's signTicket, its HMAC against
 * Node's, and the SDK's SceneMultiplayer authentication end to end in one process. A browser
 * cannot listen on sockets, so clients and server are SceneMultiplayers linked by a stand-in
 * transport (scripts/auth_link_peer.gd) that carries the engine's own auth packets; the clients
 * present their tickets with RoomsMultiplayerBridge.present_ticket, as RoomsClient.connect_to_room
 * does. Heartbeats go to a loopback stub, whose first answer fails and second gives the keys.
 */
const ROOT = join(__dirname, "..", "..");
const ROOM_ID = "r-7d1e44b0";
const AUTH_SECONDS = 3;
let godot: Godot4Web;
let stub: Awaited<ReturnType<typeof startCorsStub>>;
let run: RunResult;
let steps: Map<string, Record<string, any>>;

const now = Math.floor(Date.now() / 1000);
const ticketKey = newTicketKey();
const seat = (slot: number) => `${slot}.${newSeatId()}`;
const ticket = (over: { roomId?: string; seat?: string; expiresAt?: number }, key = ticketKey) =>
  signTicket({ roomId: ROOM_ID, seat: seat(9), expiresAt: now + 120, ...over }, key);
const base64url = (json: unknown) =>
  Buffer.from(JSON.stringify(json), "utf8").toString("base64url");
const signedPayload = (payload: string) =>
  `${payload}.${createHmac("sha256", Buffer.from(ticketKey, "base64url")).update(payload).digest("base64url")}`;

const valid = ticket({});
const [payload, signature] = valid.split(".");
const ok = (s: string) => ({ ok: true, reason: "", seat: s });
const no = (reason: string) => ({ ok: false, reason, seat: "" });
const seatOf = (t: string) =>
  (JSON.parse(Buffer.from(t.split(".")[0], "base64url").toString("utf8")) as { s: string }).s;

/** verify_ticket's cases: each ticket, and what the SDK must say. */
const VERIFY: Array<{
  name: string;
  ticket: string;
  key?: string;
  room?: string;
  at?: number;
  want: object;
}> = [
  { name: "valid", ticket: valid, want: ok(seatOf(valid)) },
  {
    name: "forged signature",
    ticket: `${payload}.${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`,
    want: no("forged"),
  },
  { name: "signed with another key", ticket: ticket({}, newTicketKey()), want: no("forged") },
  { name: "checked with another key", ticket: valid, key: newTicketKey(), want: no("forged") },
  {
    name: "payload changed, signature kept",
    ticket: `${base64url({ v: 1, r: "r-x", s: "1.a", e: now + 60 })}.${signature}`,
    want: no("forged"),
  },
  { name: "other room", ticket: ticket({ roomId: "r-other" }), want: no("other room") },
  { name: "expired", ticket: ticket({ expiresAt: now - 1 }), want: no("expired") },
  { name: "expiring now", ticket: ticket({ expiresAt: now }), want: no("expired") },
  {
    name: "valid until a second from now",
    ticket: ticket({ seat: "2.b", expiresAt: now + 1 }),
    want: ok("2.b"),
  },
  { name: "empty", ticket: "", want: no("malformed") },
  { name: "no dot", ticket: payload, want: no("malformed") },
  { name: "three parts", ticket: `${valid}.x`, want: no("malformed") },
  { name: "not base64url", ticket: `${payload}*.${signature}`, want: no("malformed") },
  { name: "padded signature", ticket: `${valid}=`, want: no("malformed") },
  { name: "too long", ticket: `${"A".repeat(3000)}.${signature}`, want: no("malformed") },
  {
    name: "signed, not JSON",
    ticket: signedPayload(Buffer.from("{oops").toString("base64url")),
    want: no("malformed"),
  },
  {
    name: "signed, version 2",
    ticket: signedPayload(base64url({ v: 2, r: ROOM_ID, s: "1.a", e: now + 60 })),
    want: no("malformed"),
  },
  {
    name: "signed, no seat",
    ticket: signedPayload(base64url({ v: 1, r: ROOM_ID, e: now + 60 })),
    want: no("malformed"),
  },
  {
    name: "signed, expiry as text",
    ticket: signedPayload(base64url({ v: 1, r: ROOM_ID, s: "1.a", e: "soon" })),
    want: no("malformed"),
  },
  { name: "no ticket key", ticket: valid, key: "", want: no("no ticket key") },
  {
    name: "unicode room and seat",
    ticket: ticket({ roomId: "salle-é-🎮", seat: "siège" }),
    room: "salle-é-🎮",
    want: ok("siège"),
  },
];

/** HMAC inputs (the key never empty: Crypto.hmac_digest needs one; tickets' keys are 32 bytes). */
const HMAC = [
  { key: Buffer.alloc(20, 0x0b), message: Buffer.from("Hi There") },
  { key: Buffer.from("Jefe"), message: Buffer.from("what do ya want for nothing?") },
  {
    key: Buffer.alloc(131, 0xaa),
    message: Buffer.from("Test Using Larger Than Block-Size Key - Hash Key First"),
  },
  { key: randomBytes(64), message: randomBytes(1) },
  { key: randomBytes(65), message: randomBytes(200) },
  { key: randomBytes(32), message: Buffer.from("ключ ✓ 鍵 🎮", "utf8") },
  { key: randomBytes(32), message: randomBytes(100_000) },
  ...Array.from({ length: 20 }, () => ({
    key: randomBytes(randomInt(1, 200)),
    message: randomBytes(randomInt(1, 3000)),
  })),
];

/** The clients of the authentication, by name; "none" presents no ticket. */
const early = ticket({ seat: seat(1) });
const FLOW: Record<string, string> = {
  early,
  valid: ticket({ seat: seat(2) }),
  "other room": ticket({ roomId: "r-other", seat: seat(3) }),
  expired: ticket({ seat: seat(4), expiresAt: now - 5 }),
  forged: ticket({ seat: seat(5) }, newTicketKey()),
  malformed: "not a ticket",
  replayed: early,
};

beforeAll(async () => {
  godot = new Godot4Web();
  await godot.start();
  let answers = 0;
  stub = await startCorsStub(() => {
    answers++;
    if (answers === 1) return { status: 503, body: { message: "Service Unavailable" } };
    const keys = answers === 2 ? { roomKey: "room-key-2", ticketKey, roomId: ROOM_ID } : {};
    const data = { drain: false, heartbeatSeconds: 0.5, assigned: true, room: "Arena", ...keys };
    return { status: 200, body: { success: true, message: "ok", data } };
  });
  run = await godot.run(
    {
      mounts: [
        { from: join(ROOT, "addons", "godot_rooms"), to: "addons/godot_rooms" },
        { from: join(__dirname, "scripts"), to: "t" },
      ],
      files: {
        "t/cases.json": JSON.stringify({
          verify: VERIFY.map((c) => ({
            ticket: c.ticket,
            key: c.key ?? ticketKey,
            room: c.room ?? ROOM_ID,
            now: c.at ?? now,
          })),
          hmac: HMAC.map((c) => ({
            key: c.key.toString("base64"),
            message: c.message.toString("base64"),
          })),
          flow: FLOW,
        }),
      },
      mainScript: "res://t/tickets_scenario.gd",
    },
    { args: ["--", `--stub=${stub.url}`], timeoutMs: 60_000 },
  );
  steps = stepsOf(run.output);
}, 90_000);

afterAll(async () => {
  await godot?.stop();
  await stub?.stop();
});

const bodyOf = (r: StubRequest) => JSON.parse(r.body) as Record<string, unknown>;

test("the run is clean", () => {
  expect(run.errors).toEqual([]);
  expect(run.output.filter((l) => /ERROR/.test(l))).toEqual([]);
  expect(run.exitCode).toBe(0);
});

test("verify_ticket on the service's tickets: valid ones give their seat, each bad one its reason", () => {
  const results = steps.get("verify")!.results as Array<Record<string, unknown>>;
  expect(results).toHaveLength(VERIFY.length);
  const got = results.map(({ expires: _expires, ...r }, i) => ({ name: VERIFY[i].name, ...r }));
  expect(got).toEqual(VERIFY.map((c) => ({ name: c.name, ...c.want })));
  expect(results[0].expires).toBe(now + 120);
});

test("hmac_sha256 (Crypto.hmac_digest) and base64url_encode equal Node's", () => {
  const results = steps.get("hmac")!.results as Array<Record<string, unknown>>;
  expect(results).toEqual(
    HMAC.map((c) => {
      const digest = createHmac("sha256", c.key).update(c.message).digest();
      return { hex: digest.toString("hex"), b64url: digest.toString("base64url") };
    }),
  );
  expect(results[0].hex).toBe("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
});

test("present_ticket: sets SceneMultiplayer's auth_callback once, undoes only its own, refuses other APIs", () => {
  expect(steps.get("bridge")).toEqual({
    presented: true,
    callback_set: true,
    again: true,
    connections_after_again: 1,
    undone: true,
    callback_after_undo: 0,
    game_callback_kept: true,
    other_api: false,
  });
});

test("ROOM_REQUIRE_TICKETS sets the auth callback and ROOM_AUTH_SECONDS the timeout", () => {
  expect(steps.get("settings")).toEqual({
    require_tickets: true,
    auth_seconds: AUTH_SECONDS,
    auth_timeout: AUTH_SECONDS,
    auth_callback: true,
  });
});

test("a valid ticket connects (both sides); another room's, an expired, a forged, a malformed and a replayed one, and none, are each refused and disconnected", () => {
  const clients = steps.get("clients")!;
  const admittedClient = {
    connected: true,
    disconnected: false,
    server_peer: true,
    disconnected_by_server: false,
  };
  const refusedClient = {
    connected: false,
    disconnected: true,
    server_peer: false,
    disconnected_by_server: true,
  };
  expect(clients.early).toMatchObject(admittedClient);
  expect(clients.valid).toMatchObject(admittedClient);
  for (const name of ["other room", "expired", "forged", "malformed", "replayed"])
    expect({ name, ...clients[name] }).toMatchObject({ name, ...refusedClient });
  // Without a ticket the client admits the server at once (it has no auth callback): the server
  // never admits it, and cuts it off when the auth timeout runs out.
  expect(clients.none).toMatchObject({
    connected: true,
    disconnected: true,
    server_peer: false,
    disconnected_by_server: true,
  });

  const { admitted, refused } = steps.get("signals")!;
  const id = (name: string) => clients[name].id as number;
  expect(admitted.map((a: any) => ({ id: a.id, seat: a.seat }))).toEqual([
    { id: id("early"), seat: seatOf(early) },
    { id: id("valid"), seat: seatOf(FLOW.valid) },
  ]);
  expect(refused.map((r: any) => ({ id: r.id, reason: r.reason }))).toEqual(
    expect.arrayContaining(
      ["other room", "expired", "forged", "malformed", "replayed"].map((reason) => ({
        id: id(reason),
        reason: reason === "malformed" ? "malformed" : reason,
      })),
    ),
  );
  expect(refused.find((r: any) => r.id === id("none"))).toMatchObject({ reason: "no ticket" });
  expect(refused).toHaveLength(6);
  // Bad tickets at once; no ticket when the auth timeout runs out.
  for (const r of refused.filter((r: any) => r.id !== id("none"))) expect(r.ms).toBeLessThan(1_000);
  const none = refused.find((r: any) => r.id === id("none"));
  expect(none.ms).toBeGreaterThanOrEqual(AUTH_SECONDS * 1000 - 50);
  expect(none.ms).toBeLessThan(AUTH_SECONDS * 1000 + 1_000);
  // The early ticket came before the key (the first heartbeat failed; the retry is 1 s later).
  expect(admitted[0].ms).toBeGreaterThanOrEqual(700);
});

test("only admitted peers are players; the seats are reported used, then released when the player leaves", () => {
  const clients = steps.get("clients")!;
  expect(steps.get("players")).toEqual({
    count: 2,
    peers: expect.arrayContaining([clients.early.id, clients.valid.id]),
    seats: { early: seatOf(early), valid: seatOf(FLOW.valid), forged: "" },
    authenticating: [],
  });
  expect(steps.get("players")!.peers).toHaveLength(2);
  expect(steps.get("after leaving")).toEqual({
    count: 1,
    peers: [clients.early.id],
    seat_valid: "",
    seat_early: seatOf(early),
  });

  const bodies = stub.requests.map(bodyOf);
  for (const body of bodies)
    expect(Object.keys(body).sort()).toEqual([
      "maxPlayers",
      "players",
      "seatsReleased",
      "seatsUsed",
      "server",
      "state",
    ]);
  // The failed first heartbeat's report (empty) is sent again; each seat is reported once used,
  // once released, and counted in `players` from the heartbeat that reports it.
  expect(bodies.flatMap((b) => b.seatsUsed as string[])).toEqual([
    seatOf(early),
    seatOf(FLOW.valid),
  ]);
  expect(bodies.flatMap((b) => b.seatsReleased as string[])).toEqual([seatOf(FLOW.valid)]);
  const usedAt = (s: string) => bodies.find((b) => (b.seatsUsed as string[]).includes(s))!;
  expect(usedAt(seatOf(early)).players).toBeGreaterThanOrEqual(1);
  expect(usedAt(seatOf(FLOW.valid)).players).toBe(2);
  const releasedAt = bodies.find((b) => (b.seatsReleased as string[]).length > 0)!;
  expect(releasedAt).toEqual({
    server: "Arena",
    state: "ready",
    players: 1,
    maxPlayers: 8,
    seatsUsed: [],
    seatsReleased: [seatOf(FLOW.valid)],
  });
  expect(Math.max(...bodies.map((b) => b.players as number))).toBe(2);
  expect(stub.requests.map((r) => r.headers.authorization).slice(0, 3)).toEqual([
    "Bearer bootstrap-secret",
    "Bearer bootstrap-secret",
    "Bearer room-key-2",
  ]);
  expect(run.output.join("\n")).not.toContain(ticketKey);
});

describe("the Godot 4 reference server with ROOM_REQUIRE_TICKETS=1", () => {
  const REFERENCE_SERVER = join(ROOT, "godot-image", "game", "reference-server-4");

  test("logs each peer as it connects, then admits the valid ticket (a player) and refuses a forged one and none, each with its reason; heartbeats report the seat", async () => {
    const mySeat = seat(6);
    const valid4 = ticket({ seat: mySeat });
    let answers = 0;
    const heartbeats = await startCorsStub(() => {
      const keys = answers++ === 0 ? { roomKey: "room-key-2", ticketKey, roomId: ROOM_ID } : {};
      const data = { drain: false, heartbeatSeconds: 0.5, assigned: true, room: "Arena", ...keys };
      return { status: 200, body: { success: true, message: "ok", data } };
    });
    try {
      const server = await godot.run(
        {
          mounts: [
            { from: REFERENCE_SERVER, to: "" },
            // The vendored addon lacks the client side (the bridge) that the probe's clients use.
            { from: join(ROOT, "addons", "godot_rooms"), to: "addons/godot_rooms" },
            { from: join(__dirname, "scripts"), to: "t" },
          ],
          mainScript: "res://t/reference_server_tickets_probe.gd",
        },
        {
          args: [
            "--",
            `--stub=${heartbeats.url}`,
            `--valid=${valid4}`,
            `--forged=${ticket({ seat: seat(7) }, newTicketKey())}`,
          ],
          timeoutMs: 30_000,
        },
      );
      expect(server.errors).toEqual([]);
      expect(server.output.filter((l) => /ERROR/.test(l))).toEqual([]);
      expect(server.exitCode).toBe(0);
      const lines = server.output
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l) as Record<string, any>)
        .filter((l) => !String(l.event).startsWith("rooms sdk"))
        .map(({ time: _time, ...l }) => l);
      const events = lines.map(({ ticks: _ticks, ...l }) => l);
      expect(events.slice(0, 2).map((l) => l.event)).toEqual(["starting", "listening"]);
      expect(events.slice(2, 5)).toEqual(
        expect.arrayContaining([
          { event: "peer connected", id: 30 },
          { event: "peer connected", id: 31 },
          { event: "peer connected", id: 32 },
        ]),
      );
      expect(events.slice(5)).toEqual([
        { event: "player admitted", id: 30, seat: mySeat },
        // Its client had completed too: it connects at once.
        { event: "player joined", id: 30, players: 1 },
        { event: "player refused", id: 31, reason: "forged", players: 1 },
        { event: "player refused", id: 32, reason: "no ticket", players: 1 },
      ]);
      // None of the three in about 2 s: no ticket.
      const at = (event: string, id: number) =>
        lines.find((l) => l.event === event && l.id === id)!.ticks as number;
      const noTicket = at("player refused", 32) - at("peer connected", 32);
      expect(noTicket).toBeGreaterThanOrEqual(2_000 - 50);
      expect(noTicket).toBeLessThan(3_000);
      const bodies = heartbeats.requests.map(bodyOf);
      expect(bodies.flatMap((b) => b.seatsUsed as string[])).toEqual([mySeat]);
      expect(bodies.find((b) => (b.seatsUsed as string[]).length > 0)).toMatchObject({
        players: 1,
      });
    } finally {
      await heartbeats.stop();
    }
  }, 60_000);
});
