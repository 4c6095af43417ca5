import { readFileSync } from "node:fs";
import { LocalModeProcess } from "../support/local-process";
import { until } from "../support/until";

const PAGE = "http://127.0.0.1:8061";
let local: LocalModeProcess | undefined;
afterEach(async () => {
  await local?.stop();
  local = undefined;
});

async function runningPort(url: string, name: string): Promise<number> {
  expect((await fetch(`${url}/create_server?server=${name}`, { method: "POST" })).status).toBe(200);
  return until(async () => {
    const body = (await (await fetch(`${url}/get_servers?server=${name}`)).json()) as {
      data: { status?: string; port?: number };
    };
    return body.data.status === "RUNNING" ? body.data.port : undefined;
  }, 20_000);
}

/** Local addresses (hex, as /proc/net shows them) of sockets on `port`; TCP ones listening. */
function boundAddresses(table: "udp" | "tcp", port: number): string[] {
  const hex = `:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  return [table, `${table}6`].flatMap((t) =>
    readFileSync(`/proc/net/${t}`, "utf8")
      .split("\n")
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((f) => f[1]?.endsWith(hex) && (table === "udp" || f[3] === "0A"))
      .map((f) => f[1].slice(0, -hex.length)),
  );
}

test("room servers listen on 127.0.0.1 only, unless --public", async () => {
  local = await LocalModeProcess.start([]);
  expect(boundAddresses("udp", await runningPort(local.url, "Private"))).toEqual(["0100007F"]);
  await local.stop();
  local = await LocalModeProcess.start(["--public"]);
  const everywhere = boundAddresses("udp", await runningPort(local.url, "Public"));
  expect(everywhere.length).toBe(1);
  expect(everywhere[0]).toMatch(/^0+$/); // 0.0.0.0 or ::
}, 40_000);

test("--protocol tcp runs WebSocket rooms on 127.0.0.1 that a client can open", async () => {
  local = await LocalModeProcess.start(["--protocol", "tcp"]);
  const port = await runningPort(local.url, "Web");
  expect(boundAddresses("tcp", port)).toEqual(["0100007F"]);
  const opened = await new Promise<boolean>((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}`);
    socket.onopen = () => {
      socket.close();
      resolve(true);
    };
    socket.onerror = () => resolve(false);
  });
  expect(opened).toBe(true);
}, 30_000);

describe("browsers: only origins given with --cors-origin", () => {
  let browserLocal: LocalModeProcess;
  beforeAll(async () => {
    browserLocal = await LocalModeProcess.start(["--cors-origin", PAGE, "--max-rooms", "2"]);
  });
  afterAll(() => browserLocal.stop());

  test("a preflight from an allowed origin is answered with the CORS policy", async () => {
    const response = await fetch(`${browserLocal.url}/stop_server?server=A`, {
      method: "OPTIONS",
      headers: {
        origin: PAGE,
        "access-control-request-method": "POST",
        "access-control-request-headers": "authorization,content-type",
      },
    });
    expect(response.status).toBe(204);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      "access-control-allow-origin": PAGE,
      "access-control-allow-methods": "GET, POST, OPTIONS",
      "access-control-allow-headers": "Authorization, Content-Type",
      "access-control-expose-headers": "Retry-After",
      vary: "Origin",
    });
  });

  test("an allowed origin creates a room and may read the answer", async () => {
    const response = await fetch(`${browserLocal.url}/create_server?server=Allowed`, {
      method: "POST",
      headers: { origin: PAGE },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe(PAGE);
    expect(response.headers.get("access-control-expose-headers")).toBe("Retry-After");
  });

  test.each([
    ["another page", "http://evil.example"],
    ["another port of the same host", "http://127.0.0.1:8062"],
    ["a file page", "null"],
  ])("a request from %s is refused with 403 and changes nothing", async (_, origin) => {
    for (const method of ["POST", "OPTIONS"]) {
      const response = await fetch(`${browserLocal.url}/create_server?server=Drive-by`, {
        method,
        headers: { origin, "content-type": "text/plain" },
        body: method === "POST" ? "{}" : undefined,
      });
      expect(response.status).toBe(403);
      expect(response.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      expect(await response.json()).toEqual({
        success: false,
        message: `Requests from the origin "${origin}" are not allowed. Start local mode with --cors-origin ${origin} to allow them.`,
        data: [],
      });
    }
    expect((await fetch(`${browserLocal.url}/get_servers?server=Drive-by`)).status).toBe(404);
    expect(browserLocal.lines.some((l) => l.room === "Drive-by")).toBe(false);
  });
});
