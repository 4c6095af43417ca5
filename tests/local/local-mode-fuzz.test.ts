import { connect } from "node:net";
import { type FuzzCase, fuzzCase, seededRandom } from "../support/local-http-fuzz";
import { godotProcesses, LocalModeProcess, stillRunning } from "../support/local-process";
import { until } from "../support/until";

const SEED = Number(process.env.FUZZ_SEED ?? 1717);
const CASES = 1200;

let local: LocalModeProcess;
afterAll(() => local?.stop());

/** Sends one case; resolves with the status of the answer, if one came within 250 ms. */
function send(url: string, fuzz: FuzzCase): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = connect(Number(new URL(url).port), "127.0.0.1");
    let received = "";
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      const status = /^HTTP\/1\.[01] (\d{3}) /.exec(received)?.[1];
      resolve(status ? Number(status) : undefined);
    };
    const timer = setTimeout(done, 250);
    socket.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      const length = /content-length: (\d+)/i.exec(received)?.[1];
      const bodyAt = received.indexOf("\r\n\r\n");
      if (length && bodyAt !== -1 && received.length >= bodyAt + 4 + Number(length)) done();
    });
    socket.on("close", done);
    socket.on("error", done);
    socket.on("connect", () => {
      socket.write(fuzz.bytes);
      if (fuzz.ending === "abort") socket.resetAndDestroy();
      else if (fuzz.ending === "halfClose") socket.end();
    });
  });
}

test(`${CASES} seeded malformed requests (seed ${SEED}): the service answers after each, nothing changes`, async () => {
  local = await LocalModeProcess.start([
    "--max-rooms",
    "2",
    "--headers-timeout",
    "1",
    "--request-timeout",
    "2",
  ]);
  const created = await fetch(`${local.url}/create_server?server=Keeper`, { method: "POST" });
  expect(created.status).toBe(200);
  const before = await until(async () => {
    const body = (await (await fetch(`${local.url}/get_servers?page=0`)).json()) as {
      data: { status: string }[];
    };
    return body.data[0]?.status === "RUNNING" ? body : undefined;
  }, 20_000);
  const servers = godotProcesses(local.descendants());
  expect(servers).toHaveLength(1);

  const random = seededRandom(SEED);
  const statuses = new Set<number | undefined>();
  const serverErrors: { index: number; status: number }[] = [];
  for (let index = 0; index < CASES; index++) {
    const fuzz = fuzzCase(random);
    const status = await send(local.url, fuzz);
    statuses.add(status);
    if (status !== undefined && status >= 500) serverErrors.push({ index, status });
    const check = await fetch(`${local.url}/get_servers?server=Keeper`).catch((e: Error) => e);
    if (!(check instanceof Response) || check.status !== 200)
      throw new Error(
        `case ${index} (seed ${SEED}) left the service not answering: ${check instanceof Response ? check.status : check.message}`,
      );
    await check.arrayBuffer();
  }
  expect(serverErrors).toEqual([]);
  // The cases reached every layer: the parser, the origin check, the routes and the use cases.
  for (const status of [undefined, 400, 403, 404, 405, 413, 431])
    expect([...statuses]).toContain(status);

  // Unchanged: the same rooms, the same single Godot server, and the same free capacity.
  expect(await (await fetch(`${local.url}/get_servers?page=0`)).json()).toEqual(before);
  expect(godotProcesses(local.descendants())).toEqual(servers);
  expect(servers.every(stillRunning)).toBe(true);
  const second = await fetch(`${local.url}/create_server?server=Second`, { method: "POST" });
  expect(second.status).toBe(200);
  const third = await fetch(`${local.url}/create_server?server=Third`, { method: "POST" });
  expect(third.status).toBe(503);
}, 120_000);
