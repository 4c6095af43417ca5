import { LocalModeProcess } from "../support/local-process";
import { jsonBodyOf, rawExchange, statusOf } from "../support/local-raw-http";
import { until } from "../support/until";

// Local mode as `npm start` runs it, in its own process: a request that crashed it would end it.
let local: LocalModeProcess;

beforeAll(async () => {
  local = await LocalModeProcess.start([
    "--max-rooms",
    "2",
    "--headers-timeout",
    "1",
    "--request-timeout",
    "2",
  ]);
}, 30_000);
afterAll(() => local.stop());

async function answersAndHoldsNoRooms() {
  const list = await fetch(`${local.url}/get_servers?page=0`);
  expect(list.status).toBe(200);
  expect(await list.json()).toEqual({ success: true, message: "Success", data: [] });
  expect(local.child.exitCode).toBeNull();
}

test.each(["//", "///", "//a:99999/", "//a:99999/create_server"])(
  "the target %s gets a JSON 404 and the service keeps answering",
  async (target) => {
    const { response } = await rawExchange(
      local.url,
      `GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    expect(statusOf(response)).toBe(404);
    expect(response).toMatch(/content-type: application\/json; charset=utf-8/i);
    expect(jsonBodyOf(response)).toEqual({
      success: false,
      // The route list grows with the API; what matters is a JSON 404 that names the routes.
      message: expect.stringMatching(/^There is no such route\. Use \/create_server, /),
      data: [],
    });
    await answersAndHoldsNoRooms();
  },
);

test("a target that is not a path (absolute form) gets a JSON 400", async () => {
  const { response } = await rawExchange(
    local.url,
    "GET http://a:99999/get_servers?page=0 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
  );
  expect(statusOf(response)).toBe(400);
  expect(jsonBodyOf(response)).toEqual({
    success: false,
    message: "The request target must be a path, such as /get_servers?page=0.",
    data: [],
  });
  await answersAndHoldsNoRooms();
});

test("a client that goes away mid-body creates nothing and the service keeps answering", async () => {
  for (let i = 0; i < 5; i++) {
    await rawExchange(
      local.url,
      "POST /create_server?server=Half HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab",
      { abort: true },
    );
    // The same, closed politely after a pause, as `curl -m 1` does.
    await rawExchange(
      local.url,
      "POST /create_server?server=Half HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab",
      { waitMs: 200 },
    );
  }
  await answersAndHoldsNoRooms();
  const byName = await fetch(`${local.url}/get_servers?server=Half`);
  expect(byName.status).toBe(404);
});

test("a body past 1 MiB is answered 413 without being read, and the connection closed", async () => {
  const head =
    "POST /create_server?server=Big HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" +
    `Content-Length: ${3 * 1024 * 1024}\r\n\r\n`;
  const { response, closed } = await rawExchange(
    local.url,
    Buffer.concat([Buffer.from(head), Buffer.alloc(1200 * 1024, 0x20)]),
    { waitMs: 3000 },
  );
  expect(statusOf(response)).toBe(413);
  expect(jsonBodyOf(response)).toEqual({
    success: false,
    message: "The request body is too large.",
    data: [],
  });
  expect(closed).toBe(true);
  await answersAndHoldsNoRooms();
});

test("a client that sends headers too slowly is answered 408 and cut off (--headers-timeout 1)", async () => {
  const started = Date.now();
  const { response, closed } = await rawExchange(
    local.url,
    "GET /get_servers?page=0 HTTP/1.1\r\nHost: x\r\n",
    { waitMs: 5000 },
  );
  expect(closed).toBe(true);
  expect(statusOf(response)).toBe(408);
  expect(Date.now() - started).toBeLessThan(3000);
  await answersAndHoldsNoRooms();
});

test("a client that sends its body too slowly is cut off (--request-timeout 2)", async () => {
  const started = Date.now();
  const { closed } = await rawExchange(
    local.url,
    "POST /create_server?server=Slow HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n{",
    { waitMs: 6000 },
  );
  expect(closed).toBe(true);
  expect(Date.now() - started).toBeLessThan(4000);
  await answersAndHoldsNoRooms();
});

test("log writes after stdout's reader went away (npm start | head) do not stop the service", async () => {
  const piped = await LocalModeProcess.start(["--max-rooms", "1", "--empty-timeout", "30"]);
  try {
    piped.child.stdout!.destroy(); // the reader goes away, as `head` does after its lines
    // Each of these logs a line; the first write after the pipe closed used to raise EPIPE.
    for (let i = 0; i < 3; i++) {
      const created = await fetch(`${piped.url}/create_server?server=Piped`, { method: "POST" });
      expect(created.status).toBe(200);
      const running = await until(async () => {
        const body = (await (await fetch(`${piped.url}/get_servers?server=Piped`)).json()) as {
          data: { status?: string };
        };
        return body.data.status === "RUNNING" ? body : undefined;
      }, 20_000);
      const { ownerToken } = running.data as { ownerToken?: string };
      expect(ownerToken).toBeUndefined();
      const token = ((await created.json()) as { data: { ownerToken: string } }).data.ownerToken;
      const stopped = await fetch(`${piped.url}/stop_server?server=Piped`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}` },
      });
      expect(stopped.status).toBe(200);
      await until(async () => {
        const response = await fetch(`${piped.url}/get_servers?server=Piped`);
        return response.status === 404 ? true : undefined;
      }, 20_000);
    }
    expect(piped.child.exitCode).toBeNull();
  } finally {
    await piped.stop();
  }
  expect(await piped.exited).toEqual({ code: 0, signal: null });
}, 90_000);

test("a stop without a room name says to name the room, not the name rules", async () => {
  const response = await fetch(`${local.url}/stop_server`, { method: "POST" });
  expect(response.status).toBe(400);
  expect(await response.json()).toEqual({
    success: false,
    message: "Name the room to stop: ?server=<name>.",
    data: [],
  });
});
