import { NOT_ROOM_SERVER_MESSAGE } from "../../handlers/rooms/errors";
import { taskEvent } from "../support/task-events";
import { taskFactsOf } from "./support/task-facts";
import { LAMBDA_TARGETS, useTarget } from "./targets";

/**
 * `POST /room_heartbeat` as docs/openapi.yaml describes it, on the use cases in-process and on
 * the uploaded archives; the test plays the room's server, with the ROOM_SECRET its task was
 * started with. (Local mode's real servers heartbeat through the Godot SDK: tests/local/.)
 */
describe.each(LAMBDA_TARGETS)("room heartbeats on %s", (_name, start) => {
  const target = useTarget(start);
  const beat = (token: string | undefined, body: unknown) =>
    target().request("POST", "/room_heartbeat", {
      body: typeof body === "string" ? body : JSON.stringify(body),
      ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }),
    });
  const ready = (server: string, players = 0, maxPlayers = 8) => ({
    server,
    state: "ready",
    players,
    maxPlayers,
  });
  const get = async (name: string) =>
    (await target().request("GET", "/get_servers", { query: `server=${encodeURIComponent(name)}` }))
      .body.data;

  /** A room whose task ECS reports RUNNING, and the secret its server was started with. */
  async function runningTask(name: string) {
    await target().request("POST", "/create_server", { query: `server=${name}` });
    const facts = await taskFactsOf(target(), name);
    await target().events!.send(taskEvent({ ...facts, lastStatus: "RUNNING", version: 3 }));
    return { facts, secret: await target().serverSecretOf!(name) };
  }

  test("RUNNING only once the task runs and the server said ready; the secret becomes a room key", async () => {
    const { secret } = await runningTask("Ready");
    expect(await get("Ready")).toMatchObject({ status: "PENDING" });
    expect((await get("Ready")).ip).toBeUndefined();
    const first = await beat(secret, ready("Ready", 0, 8));
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      success: true,
      data: {
        drain: false,
        heartbeatSeconds: 30,
        roomKey: expect.stringMatching(/^[\w-]{43}$/),
        // With the key: the server's ticket key and the id its tickets name.
        ticketKey: expect.stringMatching(/^[\w-]{43}$/),
        roomId: expect.stringMatching(/^[0-9a-f]{24}$/),
        assigned: true,
        room: "Ready",
      },
    });
    expect(await get("Ready")).toMatchObject({
      status: "RUNNING",
      ip: target().expectedIp,
      players: 0,
      maxPlayers: 8,
      protocol: "udp",
    });
    const key = first.body.data.roomKey;
    const steady = await beat(key, ready("Ready", 3, 8));
    expect(steady.body).toEqual({
      success: true,
      message: "ok",
      data: { drain: false, heartbeatSeconds: 30, assigned: true, room: "Ready" },
    });
    expect(await get("Ready")).toMatchObject({ players: 3 });
    // Once the key is used, the one-time secret is spent.
    expect((await beat(secret, ready("Ready", 1, 8))).status).toBe(403);
  });

  test("a server ready before its task is RUNNING becomes RUNNING with the task's event", async () => {
    await target().request("POST", "/create_server", { query: "server=Early" });
    const facts = await taskFactsOf(target(), "Early");
    const secret = await target().serverSecretOf!("Early");
    expect((await beat(secret, ready("Early"))).status).toBe(200);
    expect(await get("Early")).toMatchObject({ status: "PROVISIONING" });
    await target().events!.send(taskEvent({ ...facts, lastStatus: "RUNNING", version: 3 }));
    expect(await get("Early")).toMatchObject({ status: "RUNNING", ip: target().expectedIp });
  });

  test("a wrong, missing or other room's secret is 403; an unknown room 404; nothing changes", async () => {
    const mine = await runningTask("Mine");
    const other = await runningTask("Other");
    const before = await target().rows();
    for (const token of [undefined, "wrong", other.secret]) {
      const answer = await beat(token, ready("Mine"));
      expect(answer).toMatchObject({
        status: 403,
        body: { success: false, message: NOT_ROOM_SERVER_MESSAGE, data: [] },
      });
    }
    expect(await beat(mine.secret, ready("Nobody"))).toMatchObject({
      status: 404,
      body: { success: false, message: 'No room is named "Nobody".', data: [] },
    });
    expect(await target().rows()).toEqual(before);
  });

  test.each([
    ["not JSON", "{", "The request body must be a JSON object."],
    [
      "an unknown state",
      { server: "Bad", state: "sleepy", players: 0, maxPlayers: 8 },
      `'state' must be "ready" or "draining".`,
    ],
    [
      "players above maxPlayers",
      { server: "Bad", state: "ready", players: 9, maxPlayers: 8 },
      "'players' must be a whole number from 0 to maxPlayers.",
    ],
    [
      "negative players",
      { server: "Bad", state: "ready", players: -1, maxPlayers: 8 },
      "'players' must be a whole number from 0 to maxPlayers.",
    ],
    [
      "a fractional count",
      { server: "Bad", state: "ready", players: 1.5, maxPlayers: 8 },
      "'players' must be a whole number from 0 to maxPlayers.",
    ],
    [
      "a string count",
      { server: "Bad", state: "ready", players: "1", maxPlayers: 8 },
      "'players' must be a whole number from 0 to maxPlayers.",
    ],
    [
      "no maxPlayers",
      { server: "Bad", state: "ready", players: 0 },
      "'maxPlayers' must be a whole number from 1 to 4096.",
    ],
    [
      "a bad name",
      { server: "<b>", state: "ready", players: 0, maxPlayers: 8 },
      "A room name has 1 to 32 characters: letters, digits, spaces, '-' and '_'.",
    ],
  ])("a body with %s is 400 and changes nothing", async (_why, body, message) => {
    const { secret } = await runningTask("Bad");
    const before = await target().rows();
    expect(await beat(secret, body)).toMatchObject({
      status: 400,
      body: { success: false, message },
    });
    expect(await target().rows()).toEqual(before);
  });

  test("draining: the room is STOPPING and leaves the list; later heartbeats revive nothing", async () => {
    const { secret } = await runningTask("Drain");
    const key = (await beat(secret, ready("Drain", 2, 8))).body.data.roomKey;
    expect(
      (await target().request("GET", "/get_servers", { query: "page=0" })).body.data,
    ).toHaveLength(1);
    const draining = await beat(key, {
      server: "Drain",
      state: "draining",
      players: 2,
      maxPlayers: 8,
    });
    expect(draining.body).toMatchObject({ success: true, data: { drain: true } });
    expect(await get("Drain")).toMatchObject({ status: "STOPPING" });
    expect((await target().request("GET", "/get_servers", { query: "page=0" })).body.data).toEqual(
      [],
    );
    const after = await beat(key, ready("Drain", 0, 8));
    expect(after.body).toMatchObject({ success: true, data: { drain: true } });
    expect(await get("Drain")).toMatchObject({ status: "STOPPING" });
  });

  test("an owner stop tells the server to drain; a heartbeat after the room is gone is 404 and creates no row", async () => {
    const created = await target().request("POST", "/create_server", { query: "server=Owned" });
    const facts = await taskFactsOf(target(), "Owned");
    await target().events!.send(taskEvent({ ...facts, lastStatus: "RUNNING", version: 3 }));
    const secret = await target().serverSecretOf!("Owned");
    const key = (await beat(secret, ready("Owned"))).body.data.roomKey;
    await target().request("POST", "/stop_server", {
      query: "server=Owned",
      headers: { authorization: `Bearer ${created.body.data.ownerToken}` },
    });
    expect((await beat(key, ready("Owned"))).body.data.drain).toBe(true);
    await target().settleStopped("Owned");
    expect((await beat(key, ready("Owned"))).status).toBe(404);
    expect(await target().rows()).toEqual([]);
  });

  test("?joinable=true lists RUNNING rooms with a free seat, fullest first", async () => {
    for (const [name, players] of [
      ["Empty", 0],
      ["Half", 4],
      ["Full", 8],
    ] as const) {
      const { secret } = await runningTask(name);
      expect((await beat(secret, ready(name, players, 8))).status).toBe(200);
    }
    const joinable = await target().request("GET", "/get_servers", { query: "joinable=true" });
    expect(joinable.body.data.map((r: { name: string }) => r.name)).toEqual(["Half", "Empty"]);
    expect(
      (await target().request("GET", "/get_servers", { query: "joinable=maybe" })).status,
    ).toBe(400);
  });

  test("the reconciler removes a room never ready and a room whose heartbeats stopped", async () => {
    await runningTask("Never");
    const silent = await runningTask("Silent");
    await beat(silent.secret, ready("Silent"));
    const healthy = await runningTask("Healthy");
    await beat(healthy.secret, ready("Healthy"));
    // Age the facts the timeouts read (120 s to be ready; 3 × 30 s between heartbeats).
    const past = new Date(Date.now() - 600_000).toISOString();
    for (const row of await target().rows()) {
      if (row.name === "Never")
        await target().seed!({ ...row, taskRunningAt: past }, { replace: true });
      if (row.name === "Silent")
        await target().seed!({ ...row, heartbeatAt: past }, { replace: true });
    }
    const report = (await target().reconcile!()) as { removedRooms: string[] };
    expect(report.removedRooms.sort()).toEqual(["Never", "Silent"]);
    expect((await target().rows()).map((r) => r.name)).toEqual(["Healthy"]);
    expect(await target().activeServers()).toHaveLength(1);
    expect(await target().slotCount()).toBe(1);
  });
});
