import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { AT_CAPACITY_MESSAGE } from "../../handlers/rooms/errors";
import { startLocalMode } from "../../local/local-mode";
import { WarmPoolFiller } from "../../local/warm-pool-filler";
import { GodotProcess } from "../support/godot-process";
import { QUIET_SERVER, writeGodot3Pack } from "../support/local-pck";
import {
  godotProcesses,
  type LogLine,
  LocalModeProcess,
  type ProcessId,
  stillRunning,
} from "../support/local-process";
import { RecordingLogger } from "../support/room-deps";
import { until } from "../support/until";

const ROOT = join(__dirname, "..", "..");
const CLIENT = join(__dirname, "..", "godot", "test-client");
let local: LocalModeProcess | undefined;
let client: GodotProcess | undefined;
afterEach(async () => {
  await client?.stop();
  client = undefined;
  await local?.stop();
  local = undefined;
});

const FAST = [
  ...["--heartbeat-seconds", "1", "--heartbeat-timeout", "3", "--ready-timeout", "5"],
  ...["--stop-timeout", "2"],
];

interface Answer {
  readonly status: number;
  readonly body: { success: boolean; message: string; data: Record<string, any> };
}

async function create(name: string): Promise<Answer & { ms: number }> {
  const started = performance.now();
  const response = await fetch(`${local!.url}/create_server?server=${name}`, { method: "POST" });
  const body = (await response.json()) as Answer["body"];
  return { status: response.status, body, ms: performance.now() - started };
}

async function room(name: string): Promise<Answer> {
  const response = await fetch(`${local!.url}/get_servers?server=${encodeURIComponent(name)}`);
  return { status: response.status, body: (await response.json()) as Answer["body"] };
}

async function listed(): Promise<Array<{ name: string }>> {
  const response = await fetch(`${local!.url}/get_servers?page=0`);
  return ((await response.json()) as { data: Array<{ name: string }> }).data;
}

const isWarm = (l: LogLine) => typeof l.room === "string" && l.room.startsWith("~");

/**
 * Warm servers that are ready and not taken, from local mode's log: each said ready ("room
 * running"), and neither a create took it ("room assigned a warm server") nor it exited.
 */
function readyWarm(): string[] {
  const lines = local!.lines;
  const gone = new Set(
    lines
      .filter(
        (l) =>
          l.message === "room assigned a warm server" ||
          (l.message.startsWith("room server ") && l.message !== "room server starting"),
      )
      .map((l) => String(l.server ?? l.room)),
  );
  const ready = lines.filter((l) => l.message.startsWith("room running") && isWarm(l));
  return [...new Set(ready.map((l) => String(l.room)))].filter((name) => !gone.has(name));
}

async function warmReady(count: number, timeoutMs = 20_000): Promise<string[]> {
  return until(async () => {
    const ready = readyWarm();
    return ready.length >= count ? ready : undefined;
  }, timeoutMs);
}

/** Godot processes of local mode, once there are exactly `count` for a moment. */
async function godotCount(count: number, timeoutMs = 20_000): Promise<ProcessId[]> {
  return until(async () => {
    const found = godotProcesses(local!.descendants());
    return found.length === count ? found : undefined;
  }, timeoutMs);
}

describe("the filler", () => {
  test("never runs two fills at once: requests during a run make one more run", async () => {
    let running = 0;
    let most = 0;
    let runs = 0;
    let release: () => void = () => undefined;
    const filler = new WarmPoolFiller({
      fill: async () => {
        runs++;
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => (release = resolve));
        running--;
        return { ready: 1, wanted: 1 };
      },
      log: new RecordingLogger(),
    });
    filler.request();
    for (let i = 0; i < 5; i++) filler.request();
    expect(runs).toBe(1);
    release();
    await until(async () => (runs === 2 ? true : undefined), 1_000);
    release();
    await filler.settled();
    expect({ runs, most }).toEqual({ runs: 2, most: 1 });
    await filler.close();
    filler.request();
    expect(runs).toBe(2);
  });

  test("a failed fill is logged; after failed servers fills wait longer, until the pool is full again", async () => {
    const log = new RecordingLogger();
    const at: number[] = [];
    const ready = [0, 0, 0, 1, 0];
    const filler = new WarmPoolFiller({
      fill: async () => {
        at.push(Date.now());
        if (at.length === 1) throw new Error("table gone");
        return { ready: ready[at.length - 1], wanted: 1 };
      },
      log,
      firstBackoffMs: 300,
    });
    filler.request();
    await filler.settled();
    expect(log.lines).toEqual([
      { level: "error", message: "warm pool fill failed", fields: { error: "table gone" } },
    ]);
    /** How long the next fill waits after a failed server. */
    const delayAfterFailure = async () => {
      const failedAt = Date.now();
      const runs = at.length;
      filler.serverFailed();
      filler.request(); // held until the delay is over
      expect(at.length).toBe(runs);
      await until(async () => (at.length === runs + 1 ? true : undefined), 3_000);
      await filler.settled();
      return at[runs] - failedAt;
    };
    expect(await delayAfterFailure()).toBeGreaterThanOrEqual(290);
    expect(await delayAfterFailure()).toBeGreaterThanOrEqual(590);
    // That fill found the pool full (ready 1 of 1): the next failure waits the first delay again.
    filler.request();
    await filler.settled();
    const afterFull = await delayAfterFailure();
    expect(afterFull).toBeGreaterThanOrEqual(290);
    expect(afterFull).toBeLessThan(590);
    await filler.close();
  });
});

describe("flags", () => {
  const options = { port: 0, emptyServerTimeoutSeconds: 5, reconcileSeconds: 60 };

  test("--warm-rooms above --max-rooms, with task readiness, or a bad --warm-version is refused before anything starts", async () => {
    const log = new RecordingLogger();
    await expect(startLocalMode({ ...options, maxRooms: 3, warmRooms: 4, log })).rejects.toThrow(
      "--warm-rooms (4) must not be more than --max-rooms (3): warm servers count towards the cap. Raise --max-rooms or lower --warm-rooms.",
    );
    await expect(
      startLocalMode({
        ...options,
        maxRooms: 3,
        warmRooms: 1,
        readiness: { serverReadiness: "task" },
        log,
      }),
    ).rejects.toThrow(/^--warm-rooms needs --server-readiness heartbeat: a warm server must say/);
    await expect(
      startLocalMode({ ...options, maxRooms: 3, warmRooms: 1, warmVersion: "no spaces", log }),
    ).rejects.toThrow(/^--warm-version: A version has 1 to 32 characters/);
    // Task readiness without warm rooms is still fine, and so is a pool as large as the cap.
    expect(log.lines).toEqual([]);
  });

  test("the command line says what is wrong and exits 1", () => {
    const run = (args: string[]) =>
      spawnSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", "local/main.ts", "--port", "0", ...args],
        {
          cwd: ROOT,
          env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH}` },
          encoding: "utf8",
          timeout: 30_000,
        },
      );
    const tooMany = run(["--max-rooms", "2", "--warm-rooms", "3"]);
    expect(tooMany.status).toBe(1);
    expect(tooMany.stderr).toContain("--warm-rooms (3) must not be more than --max-rooms (2)");
    const notWhole = run(["--warm-rooms", "2.5"]);
    expect(notWhole.status).toBe(1);
    expect(notWhole.stderr).toContain("--warm-rooms must be a whole number from 0 to 1000.");
    const task = run(["--warm-rooms", "1", "--server-readiness", "task"]);
    expect(task.status).toBe(1);
    expect(task.stderr).toContain("--warm-rooms needs --server-readiness heartbeat");
  }, 60_000);
});

test("--warm-rooms 2 starts two Godot servers at launch; get_servers lists none of them", async () => {
  local = await LocalModeProcess.start(["--warm-rooms", "2", ...FAST]);
  const filled = await local.waitFor((l) => l.message === "warm pool filled");
  expect(filled).toMatchObject({ wanted: 2, started: 2, atCap: false });
  await warmReady(2);
  const servers = await godotCount(2);
  expect(await listed()).toEqual([]);
  // Nor can a placeholder be looked up: it is not a room name.
  const [placeholder] = readyWarm();
  expect((await room(placeholder)).status).toBe(400);
  // They stay two: nothing starts more while none is taken.
  await new Promise((r) => setTimeout(r, 3_000));
  expect(godotProcesses(local.descendants()).map((p) => p.pid)).toEqual(servers.map((p) => p.pid));
  expect(await listed()).toEqual([]);
}, 60_000);

test("a create takes a warm server: RUNNING with ip and port in its answer, and a Godot client joins at once", async () => {
  local = await LocalModeProcess.start(["--warm-rooms", "2", ...FAST]);
  await warmReady(2);
  const warmPorts = local.lines
    .filter((l) => l.message === "room server starting" && l.warm === true)
    .map((l) => l.port);
  const created = await create("Warm");
  expect(created.status).toBe(200);
  expect(created.body.data).toMatchObject({
    name: "Warm",
    status: "RUNNING",
    ip: "127.0.0.1",
    port: expect.any(Number),
  });
  expect(warmPorts).toContain(created.body.data.port);
  // One claim and one write; no server start. Generous for a busy CI machine.
  expect(created.ms).toBeLessThan(1_000);
  const { port } = created.body.data;
  const joinStarted = Date.now();
  client = new GodotProcess(["--path", CLIENT, `--port=${port}`, "--stay=30"]);
  const connected = await client.waitFor((l) => l.event === "connected", 10_000);
  // The client process starting is most of this; the server was listening all along.
  expect(connected.at - joinStarted).toBeLessThan(5_000);
  const joined = await until(async () => {
    const r = await room("Warm");
    return r.body.data.players === 1 ? r.body.data : undefined;
  }, 10_000);
  expect(joined).toMatchObject({ status: "RUNNING", port, players: 1 });
  expect((await listed()).map((r) => r.name)).toEqual(["Warm"]);
  // The server learns its room from its next heartbeat's answer (the reference server logs it).
  await local.waitFor((l) => l.message === "warm room server assigned" && l.room === "Warm");
}, 60_000);

test("after a create the pool refills: one assigned server and two warm ones", async () => {
  local = await LocalModeProcess.start(["--warm-rooms", "2", ...FAST]);
  await warmReady(2);
  await godotCount(2);
  const created = await create("Refill");
  expect(created.body.data.status).toBe("RUNNING");
  const refilled = await local.waitFor(
    (l) => l.message === "warm pool filled" && l.started === 1,
    20_000,
  );
  expect(refilled).toMatchObject({ wanted: 2, atCap: false });
  await godotCount(3);
  await warmReady(2);
  expect((await listed()).map((r) => r.name)).toEqual(["Refill"]);
  // Steady: still three a moment later.
  await new Promise((r) => setTimeout(r, 2_000));
  expect(godotProcesses(local.descendants())).toHaveLength(3);
}, 60_000);

test("a warm server killed with SIGKILL is replaced", async () => {
  local = await LocalModeProcess.start(["--warm-rooms", "2", ...FAST]);
  await warmReady(2);
  const [victim, survivor] = await godotCount(2);
  process.kill(victim.pid, "SIGKILL");
  const exited = await local.waitFor(
    (l) => l.message === "room server exited unexpectedly (killed by SIGKILL)",
    15_000,
  );
  expect(isWarm(exited)).toBe(true);
  await until(async () => {
    const now = godotProcesses(local!.descendants());
    return now.length === 2 && now.every((p) => p.pid !== victim.pid) ? true : undefined;
  }, 20_000);
  expect(stillRunning(survivor)).toBe(true);
  const ready = await warmReady(2);
  expect(ready).not.toContain(exited.room);
  expect(await listed()).toEqual([]);
}, 60_000);

test("warm servers outlive --empty-timeout until assigned; then the empty room idles out", async () => {
  local = await LocalModeProcess.start(["--warm-rooms", "1", "--empty-timeout", "2", ...FAST]);
  await warmReady(1);
  const [warm] = await godotCount(1);
  // Twice the empty-server timeout, with nobody connected: still the same process.
  await new Promise((r) => setTimeout(r, 5_000));
  expect(stillRunning(warm)).toBe(true);
  expect(local.lines.filter((l) => l.message === "room server idle; shutting down")).toEqual([]);
  const created = await create("Idle");
  expect(created.body.data.status).toBe("RUNNING");
  const assignedAt = Date.now();
  const gone = await until(async () => {
    const r = await room("Idle");
    return r.status === 404 ? r.body : undefined;
  }, 20_000);
  // The timer started at assignment (learnt at the next heartbeat), not when the server started.
  expect(Date.now() - assignedAt).toBeGreaterThanOrEqual(2_000);
  expect(gone).toMatchObject({ stoppedReason: "The server exited." });
  expect(stillRunning(warm)).toBe(false);
  await local.waitFor((l) => l.message === "room server idle; shutting down" && l.room === "Idle");
  // And the pool is refilled.
  await warmReady(1);
  await godotCount(1);
}, 60_000);

test("the cap holds with warm servers: --max-rooms 3 --warm-rooms 2, creates beyond it get the at-capacity answer", async () => {
  local = await LocalModeProcess.start(["--max-rooms", "3", "--warm-rooms", "2", ...FAST]);
  await warmReady(2);
  let most = 0;
  const sampler = setInterval(() => {
    if (local) most = Math.max(most, godotProcesses(local.descendants()).length);
  }, 100);
  try {
    // Two warm servers and one free slot; six creates at once race for them (and the refill).
    const burst = await Promise.all(Array.from({ length: 6 }, (_, i) => create(`Burst-${i}`)));
    const ok = burst.filter((a) => a.status === 200);
    const refused = burst.filter((a) => a.status !== 200);
    expect(ok.length).toBeGreaterThanOrEqual(2);
    expect(ok.length).toBeLessThanOrEqual(3);
    for (const answer of refused)
      expect(answer).toMatchObject({ status: 503, body: { message: AT_CAPACITY_MESSAGE } });
    // Whatever the mix, three servers: with two taken, the refill has the third slot.
    await godotCount(3);
    if (ok.length === 2) {
      await warmReady(1);
      const third = await create("Third");
      expect(third.body.data).toMatchObject({ status: "RUNNING" });
    }
    // From now on every create is refused the same way, and no server starts.
    for (let i = 0; i < 3; i++) {
      await new Promise((r) => setTimeout(r, 500));
      expect(await create(`Late-${i}`)).toMatchObject({
        status: 503,
        body: { message: AT_CAPACITY_MESSAGE },
      });
    }
    expect(godotProcesses(local.descendants())).toHaveLength(3);
    expect((await listed()).length).toBe(3);
    expect(most).toBeLessThanOrEqual(3);
    expect(local.lines.filter((l) => l.message === "request failed")).toEqual([]);
  } finally {
    clearInterval(sampler);
  }
}, 90_000);

test("--warm-version: only creates of that version take a warm server", async () => {
  local = await LocalModeProcess.start(["--warm-rooms", "1", "--warm-version", "1.2", ...FAST]);
  await warmReady(1);
  const other = await create("Unversioned");
  expect(other.body.data.status).toBe("PROVISIONING");
  const response = await fetch(`${local.url}/create_server?server=Versioned&version=1.2`, {
    method: "POST",
  });
  const versioned = (await response.json()) as Answer["body"];
  expect(versioned.data).toMatchObject({ status: "RUNNING", version: "1.2", ip: "127.0.0.1" });
}, 60_000);

test("a warm server that fails at start is replaced after a growing delay, not in a loop", async () => {
  const dir = mkdtempSync(join(tmpdir(), "godot-rooms-warm-"));
  try {
    const pack = join(dir, "crash.pck");
    writeGodot3Pack(pack, {
      ...QUIET_SERVER,
      "main.gd": "extends Node\nfunc _ready():\n\tget_tree().quit(3)\n",
    });
    local = await LocalModeProcess.start(["--pack", pack, "--warm-rooms", "1", ...FAST]);
    await local.waitFor((l) => l.message.startsWith("room server failed to start"));
    await new Promise((r) => setTimeout(r, 6_000));
    const starts = local.lines.filter((l) => l.message === "room server starting");
    // Delays of 1, 2 and 4 s: four starts in about 7 s at most (without them, one every few
    // hundred ms).
    expect(starts.length).toBeGreaterThanOrEqual(2);
    expect(starts.length).toBeLessThanOrEqual(5);
  } finally {
    await local?.stop();
    local = undefined;
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
