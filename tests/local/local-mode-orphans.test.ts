import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REFERENCE_SERVER } from "../../local/local-mode";
import {
  godotProcesses,
  LocalModeProcess,
  type ProcessId,
  stillRunning,
} from "../support/local-process";
import { until } from "../support/until";

let local: LocalModeProcess | undefined;
let dataDir: string;
const leftovers: ProcessId[] = [];

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), "rooms-data-"));
});
afterEach(async () => {
  await local?.stop();
  local = undefined;
  for (const p of leftovers.splice(0).filter(stillRunning)) process.kill(p.pid, "SIGKILL");
  rmSync(dataDir, { recursive: true, force: true });
});

async function createRunningRooms(url: string, names: string[]): Promise<void> {
  for (const name of names) {
    const created = await fetch(`${url}/create_server?server=${name}`, { method: "POST" });
    expect(created.status).toBe(200);
  }
  await until(async () => {
    const list = (await (await fetch(`${url}/get_servers?page=0`)).json()) as { data: unknown[] };
    return list.data.length === names.length ? true : undefined;
  }, 20_000);
}

/** Waits up to 2 s for every one of `processes` to be gone; returns those still running. */
async function goneWithin2s(processes: ProcessId[]): Promise<ProcessId[]> {
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline && processes.some(stillRunning))
    await new Promise((r) => setTimeout(r, 20));
  return processes.filter(stillRunning);
}

test("SIGKILL with 3 rooms running, restart on the same --data-dir: no old servers, no stale rooms", async () => {
  local = await LocalModeProcess.start(["--data-dir", dataDir, "--max-rooms", "3"]);
  const names = ["Alpha", "Bravo", "Charlie"];
  await createRunningRooms(local.url, names);
  const servers = godotProcesses(local.descendants());
  expect(servers).toHaveLength(3);
  leftovers.push(...servers);

  local.child.kill("SIGKILL");
  await local.exited;
  expect(await goneWithin2s(servers)).toEqual([]);

  local = await LocalModeProcess.start(["--data-dir", dataDir, "--max-rooms", "3"]);
  // The first answers already show the earlier run's rooms gone, their names and slots free.
  const list = await fetch(`${local.url}/get_servers?page=0`);
  expect(await list.json()).toEqual({ success: true, message: "Success", data: [] });
  for (const name of names) {
    const byName = await fetch(`${local.url}/get_servers?server=${name}`);
    expect(byName.status).toBe(404);
  }
  await createRunningRooms(local.url, names);
}, 90_000);

test("SIGKILL without --data-dir: the old Godot servers are gone within 2 s", async () => {
  local = await LocalModeProcess.start(["--max-rooms", "3"]);
  await createRunningRooms(local.url, ["One", "Two", "Three"]);
  const servers = godotProcesses(local.descendants());
  expect(servers).toHaveLength(3);
  leftovers.push(...servers);
  local.child.kill("SIGKILL");
  await local.exited;
  expect(await goneWithin2s(servers)).toEqual([]);
}, 60_000);

test("a Godot server left by an earlier run (in the pid files) is stopped before the first request", async () => {
  // A server that outlived its local mode, as without setpriv: started here, recorded as local
  // mode records its servers (pid and start time from /proc).
  const orphan = spawn("godot3-server", ["--path", REFERENCE_SERVER, "--port=0"], {
    stdio: "ignore",
    detached: true,
  });
  const stat = readFileSync(`/proc/${orphan.pid}/stat`, "utf8");
  const startTime = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  const orphanId: ProcessId = { pid: orphan.pid!, startTime, command: "godot3-server" };
  leftovers.push(orphanId);
  // And a record whose pid now belongs to another process (this test's): never to be killed.
  mkdirSync(join(dataDir, "servers"));
  writeFileSync(
    join(dataDir, "servers", "a.json"),
    JSON.stringify({ pid: orphan.pid, startTime, name: "Old" }),
  );
  writeFileSync(
    join(dataDir, "servers", "b.json"),
    JSON.stringify({ pid: process.pid, startTime: "1", name: "Recycled" }),
  );
  local = await LocalModeProcess.start(["--data-dir", dataDir]);
  expect(stillRunning(orphanId)).toBe(false);
  expect(local.lines.find((l) => l.message.startsWith("stopped room servers left"))).toMatchObject({
    rooms: ["Old"],
  });
}, 30_000);

test("SIGTERM to the npm start process stops local mode and every Godot server it started", async () => {
  local = await LocalModeProcess.start(["--max-rooms", "2"], { viaNpm: true });
  await createRunningRooms(local.url, ["First", "Second"]);
  const below = local.descendants();
  expect(godotProcesses(below)).toHaveLength(2);
  leftovers.push(...below);
  local.child.kill("SIGTERM");
  await local.exited;
  await until(async () => (below.some(stillRunning) ? undefined : true), 10_000);
  expect(below.filter(stillRunning)).toEqual([]);
}, 60_000);

test("SIGHUP (the terminal closed) stops local mode cleanly, with its Godot servers", async () => {
  local = await LocalModeProcess.start(["--max-rooms", "1"]);
  await createRunningRooms(local.url, ["Hangup"]);
  const servers = godotProcesses(local.descendants());
  expect(servers).toHaveLength(1);
  leftovers.push(...servers);
  local.child.kill("SIGHUP");
  expect(await local.exited).toEqual({ code: 0, signal: null });
  expect(servers.filter(stillRunning)).toEqual([]);
  expect(local.lines.find((l) => l.room === "Hangup" && l.stopCode)).toMatchObject({
    message: "room server stopped: local mode is shutting down",
  });
}, 30_000);
