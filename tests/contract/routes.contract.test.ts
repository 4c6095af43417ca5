import { AT_CAPACITY_MESSAGE, NOT_OWNER_MESSAGE } from "../../handlers/rooms/errors";
import { NAME_RULES } from "../../handlers/rooms/room-names";
import { expectCallsAllowed } from "../support/iam-simulation";
import { devProgram } from "./support/lambda-world";
import { CONTRACT_MAX_ROOMS, type ContractTarget } from "./target";
import { TARGETS, useTarget } from "./targets";

/**
 * The room API's documented behaviour (docs/openapi.yaml), the same tests on every target:
 * exact statuses and messages, and what each request changes (rows, slots, servers).
 */
describe.each(TARGETS)("the room API on %s", (name, start) => {
  const target = useTarget(start);
  const create = (query: string) => target().request("POST", "/create_server", { query });
  const get = (query: string) => target().request("GET", "/get_servers", { query });
  const stop = (query: string, token?: string) =>
    target().request("POST", "/stop_server", {
      query,
      ...(token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } }),
    });
  const refusal = (message: string) => ({ success: false, message, data: [] });

  async function expectState(t: ContractTarget, rooms: number, servers = rooms) {
    expect((await t.rows()).length).toBe(rooms);
    expect(await t.slotCount()).toBe(rooms);
    expect((await t.activeServers()).length).toBe(servers);
  }

  test("create answers the name in message and the owner token in data, in the JSON envelope", async () => {
    const created = await create("server=Castle");
    expect(created.status).toBe(200);
    expect(created.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(created.body).toMatchObject({
      success: true,
      message: "Castle",
      data: { name: "Castle", ownerToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) },
    });
    expect(["PROVISIONING", "PENDING", "RUNNING"]).toContain(created.body.data.status);
    expect(JSON.stringify(created.body)).not.toMatch(/arn:aws|roomId|ownerTokenHash|serverId/);
    await expectState(target(), 1);
  });

  test("without a name, the generated name is in message", async () => {
    const { status, body } = await create("");
    expect(status).toBe(200);
    expect(body.message).toMatch(/^[A-Z][a-z]+-[A-Z][a-z]+-\d{1,2}$/);
    expect(body.data.name).toBe(body.message);
  });

  test("a JSON body may carry server and version; a different server in query and body is 400", async () => {
    const bodied = await target().request("POST", "/create_server", {
      body: JSON.stringify({ server: "Bodied", version: "1.4" }),
    });
    expect(bodied.body.data).toMatchObject({ name: "Bodied", version: "1.4" });
    const twice = await target().request("POST", "/create_server", {
      query: "server=One",
      body: JSON.stringify({ server: "Two" }),
    });
    expect(twice).toMatchObject({
      status: 400,
      body: refusal("'server' is given twice, with different values."),
    });
    await expectState(target(), 1);
  });

  test("a taken name, in any case, is 409 and starts no server", async () => {
    await create("server=Taken");
    const again = await create("server=tAKEN");
    expect(again.status).toBe(409);
    expect(again.body).toEqual(
      refusal('The room name "tAKEN" is already taken. Pick another name.'),
    );
    await expectState(target(), 1);
  });

  test.each([["%20"], ["%3Cb%3E"], ["x".repeat(33)], ["%E5%90%8D"], ["a%2Fb"]])(
    "an invalid name (server=%s) is 400 with the naming rules and changes nothing",
    async (encoded) => {
      const answer = await create(`server=${encoded}`);
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual(refusal(NAME_RULES));
      await expectState(target(), 0);
    },
  );

  test("the cap is exact: the create past it is 503 with the cap message and leaves no row", async () => {
    for (let i = 0; i < CONTRACT_MAX_ROOMS; i++)
      expect((await create(`server=R${i}`)).status).toBe(200);
    const full = await create("server=OneTooMany");
    expect(full.status).toBe(503);
    expect(full.body).toEqual(refusal(AT_CAPACITY_MESSAGE));
    expect((await get("server=OneTooMany")).status).toBe(404);
    await expectState(target(), CONTRACT_MAX_ROOMS);
  });

  test("get of one room: its status while starting, then RUNNING with ip and port", async () => {
    await create("server=Joinable");
    const starting = await get("server=joinable");
    expect(starting.status).toBe(200);
    expect(starting.body).toMatchObject({ success: true, message: "Success" });
    expect(starting.body.data.name).toBe("Joinable");
    await target().bringUp("Joinable");
    const running = await get("server=Joinable");
    expect(running.body.data).toMatchObject({
      name: "Joinable",
      status: "RUNNING",
      ip: target().expectedIp,
      port: expect.any(Number),
    });
    expect(running.body.data.port).toBeGreaterThan(0);
  });

  test("get of an unknown room is 404 with data []", async () => {
    const answer = await get("server=Nobody");
    expect(answer).toMatchObject({ status: 404, body: refusal('No room is named "Nobody".') });
  });

  test("a page lists RUNNING rooms only; bad pages are 400", async () => {
    await create("server=Up");
    await create("server=Starting");
    await target().bringUp("Up");
    // Locally "Starting" may reach RUNNING at any moment (Godot starts in a blink), so the page
    // must hold every room RUNNING before it was read, and only rooms RUNNING after.
    const runningNow = async () => {
      const names: string[] = [];
      for (const room of ["Up", "Starting"]) {
        if ((await get(`server=${room}`)).body.data.status === "RUNNING") names.push(room);
      }
      return names;
    };
    const before = await runningNow();
    const page = await get("page=0");
    const after = await runningNow();
    expect(page.status).toBe(200);
    const listed: string[] = page.body.data.map((r: { name: string }) => r.name);
    expect(before).toContain("Up");
    for (const room of before) expect(listed).toContain(room);
    for (const room of listed) expect(after).toContain(room);
    expect(page.body.data.every((r: { status: string }) => r.status === "RUNNING")).toBe(true);
    for (const bad of ["page=-1", "page=abc", "page=0&page=1", "page=0&cursor=abc"]) {
      const answer = await get(bad);
      expect(answer.status).toBe(400);
      expect(answer.body.success).toBe(false);
    }
  });

  test("stop: only the owner's token stops a room; missing, wrong or another room's token is 403", async () => {
    const mine = await create("server=Mine");
    const theirs = await create("server=Theirs");
    await target().bringUp("Mine");
    for (const token of [undefined, "nope", theirs.body.data.ownerToken]) {
      const refused = await stop("server=Mine", token);
      expect(refused).toMatchObject({ status: 403, body: refusal(NOT_OWNER_MESSAGE) });
    }
    await expectState(target(), 2);
    const stopped = await stop("server=Mine", mine.body.data.ownerToken);
    expect(stopped.status).toBe(200);
    expect(stopped.body).toMatchObject({
      success: true,
      message: "Stopping Mine",
      data: { name: "Mine", status: "STOPPING" },
    });
    await target().settleStopped("Mine");
    expect((await get("server=Mine")).status).toBe(404);
    await expectState(target(), 1);
  });

  test.each([
    ["", "Name the room to stop: ?server=<name>."],
    ["server=", "Name the room to stop: ?server=<name>."],
    ["server=%20", NAME_RULES],
  ])(
    "stop with no usable name (%p) is 400 saying what is wrong, and changes nothing",
    async (query, message) => {
      await create("server=Keep");
      const answer = await stop(query, "whatever");
      expect(answer).toMatchObject({ status: 400, body: refusal(message) });
      await expectState(target(), 1);
    },
  );

  test("a wrong method is 405 with Allow; an unknown path is 404", async () => {
    const wrong = await target().request("GET", "/create_server");
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe("POST");
    expect((await target().request("GET", "/no_such_route")).status).toBe(404);
    await expectState(target(), 0);
  });

  // In-process code runs as the test process, not as a function's role: archives only.
  if (name === "archives") {
    test("IAM allows every AWS call the uploaded code made in these tests", async () => {
      const calls = target().awsCalls!();
      expect(Object.keys(calls)).toEqual(
        expect.arrayContaining(["godot-rooms-dev-api-stop-server", "godot-rooms-dev-tasks"]),
      );
      const evaluated = await expectCallsAllowed(await devProgram(), calls);
      for (const count of Object.values(evaluated)) expect(count).toBeGreaterThan(0);
    });
  }
});
