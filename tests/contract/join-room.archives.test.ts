import { verifyTicket } from "../../handlers/rooms/tickets";
import type { ArchiveHost } from "../support/archive-host";
import { httpEvent } from "../support/http-events";
import { expectCallsAllowed, expectForbiddenDenied } from "../support/iam-simulation";
import {
  devProgram,
  type LambdaWorld,
  PUBLIC_IP,
  startLambdaWorld,
  worldAccess,
} from "./support/lambda-world";
import { closeWorldArchives, startWorldArchives } from "./support/world-archives";

/**
 * join_room on the uploaded archives, each in a fresh Node process, against dynalite and the
 * validating ECS/EC2 endpoint: rooms are created, run and made ready by their own archives.
 */
let world: LambdaWorld;
let hosts: Record<"create" | "heartbeat" | "events" | "join", ArchiveHost>;

beforeAll(async () => {
  world = await startLambdaWorld();
  hosts = await startWorldArchives(world, ["create", "heartbeat", "events", "join"]);
  // Quick play's new rooms: join_room invokes create_server, whose archive runs here.
  world.serve("create", hosts.create);
}, 120_000);

afterAll(async () => {
  await closeWorldArchives(hosts ?? {});
  await world?.close();
}, 30_000);

beforeEach(async () => {
  await worldAccess(world).reset();
});

async function call(role: keyof typeof hosts, event: unknown): Promise<any> {
  const result = (await hosts[role].invoke(event)).result;
  return { status: result.statusCode, body: JSON.parse(result.body) };
}

/** A RUNNING room whose server said ready with `players` of `maxPlayers`; its ticket key. */
async function readyRoom(name: string, players: number, maxPlayers: number) {
  const access = worldAccess(world);
  expect(
    (await call("create", httpEvent("POST", "/create_server", { query: `server=${name}` }))).status,
  ).toBe(200);
  await hosts.events.invoke(access.runningEventOf(name));
  const beat = await call(
    "heartbeat",
    httpEvent("POST", "/room_heartbeat", {
      headers: { authorization: `Bearer ${access.secretOf(name)}` },
      body: JSON.stringify({ server: name, state: "ready", players, maxPlayers }),
    }),
  );
  expect(beat.status).toBe(200);
  return beat.body.data as { ticketKey: string; roomId: string };
}

const joinRoom = (query = "") => call("join", httpEvent("POST", "/join_room", { query }));

test("50 parallel joins of a room with 8 free seats: exactly 8 tickets, on 8 seats, and 42 × 409", async () => {
  const keys = await readyRoom("Arena", 0, 8);
  const answers = await Promise.all(Array.from({ length: 50 }, () => joinRoom("server=Arena")));
  const granted = answers.filter((a) => a.status === 200);
  const refused = answers.filter((a) => a.status !== 200);
  expect(granted).toHaveLength(8);
  expect(refused).toHaveLength(42);
  for (const a of refused)
    expect(a.body).toEqual({
      success: false,
      message: 'The room "Arena" is full. Pick another room, or try again later.',
      data: [],
    });
  const seats = granted.map((a) => {
    expect(a.body.data).toMatchObject({ name: "Arena", ip: PUBLIC_IP, port: 7777 });
    const claims = verifyTicket(a.body.data.ticket, keys.ticketKey)!;
    expect(claims.roomId).toBe(keys.roomId);
    return claims.seat.split(".")[0];
  });
  expect(new Set(seats).size).toBe(8);
}, 120_000);

test("quick play with 3 rooms of different fill joins the fullest that has a seat", async () => {
  await readyRoom("Quiet", 1, 8);
  await readyRoom("Lively", 5, 8);
  await readyRoom("Packed", 8, 8);
  const joined = await joinRoom();
  expect(joined.status).toBe(200);
  expect(joined.body.data.name).toBe("Lively");
  // Lively's last seats, then Quiet's: never Packed.
  const names = [];
  for (let i = 0; i < 9; i++) names.push((await joinRoom()).body.data?.name);
  expect(names).toEqual([
    "Lively",
    "Lively",
    "Quiet",
    "Quiet",
    "Quiet",
    "Quiet",
    "Quiet",
    "Quiet",
    "Quiet",
  ]);
}, 120_000);

test("quick play with every room full creates one through create_server, within the cap", async () => {
  const access = worldAccess(world);
  const maxRooms = Number(world.envOf("create").ROOMS_MAX_ROOMS);
  await readyRoom("Packed", 2, 2);
  const before = (await access.activeServers()).length;
  const started = await joinRoom("version=1.0");
  expect(started.status).toBe(202);
  expect(started.body).toEqual({
    success: true,
    message: started.body.data.name,
    data: expect.objectContaining({ status: "PROVISIONING", version: "1.0", port: 7777 }),
  });
  const name: string = started.body.data.name;
  expect(name).not.toBe("Packed");
  // create_server's own archive made it: its row, and one more task, started by its function.
  expect((await access.rows()).map((r) => r.name).sort()).toEqual([name, "Packed"].sort());
  expect((await access.activeServers()).length).toBe(before + 1);
  const runTasks = access.awsCalls()[world.fn("create").name].filter((c) => c.action === "RunTask");
  expect(runTasks.length).toBeGreaterThanOrEqual(2);
  // Once RUNNING and ready, the player joins it by name.
  await hosts.events.invoke(access.runningEventOf(name));
  await call(
    "heartbeat",
    httpEvent("POST", "/room_heartbeat", {
      headers: { authorization: `Bearer ${access.secretOf(name)}` },
      body: JSON.stringify({ server: name, state: "ready", players: 0, maxPlayers: 4 }),
    }),
  );
  const seated = await joinRoom(`server=${encodeURIComponent(name)}`);
  expect(seated.status).toBe(200);
  // Up to the cap, every quick play that finds no seat starts a room; past it, create's 503.
  const rooms = (await access.rows()).length;
  for (let i = rooms; i < maxRooms; i++) expect((await joinRoom("version=2.0")).status).toBe(202);
  const refused = await joinRoom("version=2.0");
  expect(refused.status).toBe(503);
  expect(refused.body).toEqual({
    success: false,
    message: "All servers are busy right now. Try again in a few minutes.",
    data: [],
  });
  expect(await access.rows()).toHaveLength(maxRooms);
  expect(await access.slotCount()).toBe(maxRooms);
}, 120_000);

// Last: the calls join_room's uploaded code made in this file's tests.
test("IAM allows every call join_room made, and denies it everything else (no ECS, no EC2, no writes but seats, no Invoke but create_server's)", async () => {
  const calls = worldAccess(world).awsCalls();
  const fn = world.fn("join").name;
  expect(calls[fn].map((c) => c.action)).toEqual(
    expect.arrayContaining(["GetItem", "UpdateItem", "Query", "Invoke"]),
  );
  const stack = await devProgram();
  await expectCallsAllowed(stack, { [fn]: calls[fn] });
  const denied = await expectForbiddenDenied(stack, { [fn]: calls[fn] });
  expect(denied[fn].length).toBeGreaterThan(0);
}, 120_000);
