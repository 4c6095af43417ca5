import { startLocalMode } from "../../local/local-mode";
import { vendoredE2eClient } from "../support/e2e-client";
import { GodotProcess } from "../support/godot-process";
import { RecordingLogger } from "../support/room-deps";
import { until } from "../support/until";

let local: Awaited<ReturnType<typeof startLocalMode>> | undefined;
let client: ReturnType<typeof vendoredE2eClient>;
const clients: GodotProcess[] = [];
const log = new RecordingLogger();

beforeAll(() => {
  client = vendoredE2eClient();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.stop()));
  await local?.stop();
  local = undefined;
});
afterAll(() => client.remove());

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test("a real Godot client creates a room, waits for RUNNING, joins over ENet, leaves; the room idles out", async () => {
  local = await startLocalMode({
    port: 0,
    maxRooms: 5,
    emptyServerTimeoutSeconds: 2,
    reconcileSeconds: 60,
    log,
  });
  const game = new GodotProcess(["--path", client.dir, `--api=${local.url}`, "--room=E2E Room"]);
  clients.push(game);

  const created = await game.waitFor((l) => l.event === "created", 30_000);
  expect(created).toMatchObject({
    success: true,
    message: "E2E Room",
    status: 200,
    data: { name: "E2E Room", ownerToken: expect.any(String) },
  });
  const running = await game.waitFor((l) => l.event === "running", 30_000);
  expect(running).toMatchObject({
    success: true,
    message: "Success",
    data: { name: "E2E Room", status: "RUNNING", ip: "127.0.0.1" },
  });
  const listed = await game.waitFor((l) => l.event === "listed", 10_000);
  expect(listed.data).toEqual([running.data]);
  await game.waitFor((l) => l.event === "joined", 30_000);
  const pids = local.fleet.pids;
  expect(pids).toHaveLength(1);
  await until(
    async () => log.lines.find((l) => l.message === "player joined" && l.fields?.players === 1),
    20_000,
  );
  await game.waitFor((l) => l.event === "left", 10_000);
  expect((await game.exited).code).toBe(0);

  // The original contract, over real HTTP, while the room lives.
  const byName = await fetch(`${local.url}/get_servers?server=e2e%20room`);
  expect(byName.status).toBe(200);
  expect(await byName.json()).toEqual({ success: true, message: "Success", data: running.data });

  // After the empty timeout the server quits, its process is gone and the room with it.
  const gone = await until(async () => {
    const response = await fetch(`${local!.url}/get_servers?server=E2E%20Room`);
    return response.status === 404 ? response.json() : undefined;
  }, 40_000);
  // For a short while the 404 says why the room went away.
  expect(gone).toEqual({
    success: false,
    message: 'No room is named "E2E Room".',
    data: [],
    stoppedReason: "The server exited.",
  });
  expect(pids.filter(alive)).toEqual([]);
  expect(log.lines.some((l) => l.message === "room server idle; shutting down")).toBe(true);
  // An idle exit is normal operation, logged as such with the ECS stop code of an exited task.
  expect(log.lines.find((l) => l.message === "room server exited")?.fields).toMatchObject({
    room: "E2E Room",
    stopCode: "EssentialContainerExited",
  });
  expect(log.lines.some((l) => /failed/.test(l.message))).toBe(false);
}, 120_000);

test("stopping local mode with rooms running leaves no Godot process behind", async () => {
  local = await startLocalMode({
    port: 0,
    maxRooms: 5,
    emptyServerTimeoutSeconds: 300,
    reconcileSeconds: 60,
    log,
  });
  for (const name of ["One", "Two"]) {
    const response = await fetch(`${local.url}/create_server?server=${name}`, { method: "POST" });
    expect(response.status).toBe(200);
  }
  await until(async () => {
    const list = (await (await fetch(`${local!.url}/get_servers?page=0`)).json()) as {
      data: unknown[];
    };
    return list.data.length === 2 ? true : undefined;
  }, 20_000);
  const pids = local.fleet.pids;
  expect(pids).toHaveLength(2);
  expect(pids.every(alive)).toBe(true);
  await local.stop();
  local = undefined;
  expect(pids.filter(alive)).toEqual([]);
}, 60_000);
