import { handleRoomsApi } from "../../../handlers/http/http-handler";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { httpEvent, type HttpEventOptions } from "../../support/http-events";
import { roomDeps, type TestDeps } from "../../support/room-deps";
import { markRunning as markRunningOf } from "../../support/task-events";

let table: TestTable;
let deps: TestDeps;
beforeEach(async () => {
  table = await startRoomsTable();
  deps = roomDeps(table, { maxRooms: 3 });
});
afterEach(async () => {
  await table.close();
});

async function call(method: string, path: string, options?: HttpEventOptions) {
  const response = await handleRoomsApi(httpEvent(method, path, options), deps);
  expect(response.headers["content-type"]).toBe("application/json; charset=utf-8");
  expect(response.body).not.toMatch(
    /arn:aws|111122223333|server-\d|roomId|ownerTokenHash|serverId|\bat .+\.ts/,
  );
  return { status: response.statusCode, body: JSON.parse(response.body) };
}

async function markRunning(name: string) {
  await markRunningOf(deps, name);
}

const ROOM_FIELDS = { createdAt: expect.any(String), updatedAt: expect.any(String) };

describe("POST /create_server", () => {
  test("puts the room name in message and the room with its owner token in data", async () => {
    const { status, body } = await call("POST", "/create_server", { query: "server=Castle" });
    expect(status).toBe(200);
    expect(body).toEqual({
      success: true,
      message: "Castle",
      data: {
        name: "Castle",
        status: "PROVISIONING",
        port: 7777,
        ...ROOM_FIELDS,
        ownerToken: expect.any(String),
      },
    });
  });

  test("without a name, message holds the generated name", async () => {
    const { status, body } = await call("POST", "/create_server");
    expect(status).toBe(200);
    expect(body.message).toMatch(/^[A-Z][a-z]+-[A-Z][a-z]+-\d+$/);
    expect(body.data.name).toBe(body.message);
  });

  test("accepts a JSON body with server and version", async () => {
    const { body } = await call("POST", "/create_server", {
      body: JSON.stringify({ server: "Bodied", version: "1.4" }),
    });
    expect(body.data).toMatchObject({ name: "Bodied", version: "1.4" });
  });

  test("a taken name is 409, an invalid one 400, at capacity 503, each in the error envelope", async () => {
    await call("POST", "/create_server", { query: "server=Taken" });
    expect(await call("POST", "/create_server", { query: "server=taken" })).toEqual({
      status: 409,
      body: {
        success: false,
        message: 'The room name "taken" is already taken. Pick another name.',
        data: [],
      },
    });
    expect((await call("POST", "/create_server", { query: "server=%3Cb%3E" })).status).toBe(400);
    await call("POST", "/create_server");
    await call("POST", "/create_server");
    const full = await call("POST", "/create_server");
    expect(full.status).toBe(503);
    expect(full.body).toEqual({ success: false, message: expect.stringMatching(/busy/), data: [] });
  });

  test("a wrong method is 405 with Allow", async () => {
    const response = await handleRoomsApi(httpEvent("GET", "/create_server"), deps);
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe("POST");
  });
});

describe("GET /get_servers", () => {
  test("?server= returns the room; the client polls PROVISIONING, then connects on RUNNING with ip and port", async () => {
    await call("POST", "/create_server", { query: "server=Joinable" });
    const starting = await call("GET", "/get_servers", { query: "server=joinable" });
    expect(starting).toEqual({
      status: 200,
      body: {
        success: true,
        message: "Success",
        data: { name: "Joinable", status: "PROVISIONING", port: 7777, ...ROOM_FIELDS },
      },
    });
    await markRunning("Joinable");
    const running = await call("GET", "/get_servers", { query: "server=Joinable" });
    expect(running.body.data).toEqual({
      name: "Joinable",
      status: "RUNNING",
      ip: "203.0.113.10",
      port: 7777,
      ...ROOM_FIELDS,
    });
  });

  test("an unknown room is 404 with data []", async () => {
    expect(await call("GET", "/get_servers", { query: "server=Nobody" })).toEqual({
      status: 404,
      body: { success: false, message: 'No room is named "Nobody".', data: [] },
    });
  });

  test("?page= lists RUNNING rooms only, as an array in data", async () => {
    await call("POST", "/create_server", { query: "server=Up" });
    await call("POST", "/create_server", { query: "server=Starting" });
    await markRunning("Up");
    const { status, body } = await call("GET", "/get_servers", { query: "page=0" });
    expect(status).toBe(200);
    expect(body).toEqual({
      success: true,
      message: "Success",
      data: [{ name: "Up", status: "RUNNING", ip: "203.0.113.10", port: 7777, ...ROOM_FIELDS }],
    });
    expect((await call("GET", "/get_servers", { query: "page=-1" })).status).toBe(400);
    expect((await call("GET", "/get_servers", { query: "page=0&page=1" })).status).toBe(400);
  });
});

describe("POST /stop_server", () => {
  test("the owner's bearer token stops the room; a wrong or missing one is 403", async () => {
    const created = await call("POST", "/create_server", { query: "server=Mine" });
    await markRunning("Mine");
    expect((await call("POST", "/stop_server", { query: "server=Mine" })).status).toBe(403);
    const wrong = await call("POST", "/stop_server", {
      query: "server=Mine",
      headers: { authorization: "Bearer nope" },
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.success).toBe(false);
    expect(deps.fleet.stopped).toEqual([]);
    const stopped = await call("POST", "/stop_server", {
      query: "server=Mine",
      headers: { authorization: `Bearer ${created.body.data.ownerToken}` },
    });
    expect(stopped).toEqual({
      status: 200,
      body: {
        success: true,
        message: "Stopping Mine",
        data: { name: "Mine", status: "STOPPING", port: 7777, ...ROOM_FIELDS },
      },
    });
    expect(deps.fleet.stopped).toHaveLength(1);
  });
});
