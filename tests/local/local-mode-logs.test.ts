import { readFileSync } from "node:fs";
import { godotProcesses, LocalModeProcess, type LogLine } from "../support/local-process";
import { until } from "../support/until";

let local: LocalModeProcess | undefined;
afterEach(async () => {
  await local?.stop();
  local = undefined;
});

async function runningRoom(url: string, name: string) {
  const created = await fetch(`${url}/create_server?server=${name}`, { method: "POST" });
  const { ownerToken } = ((await created.json()) as { data: { ownerToken: string } }).data;
  const room = await until(async () => {
    const body = (await (await fetch(`${url}/get_servers?server=${name}`)).json()) as {
      data: { status?: string; port?: number };
    };
    return body.data.status === "RUNNING" ? body.data : undefined;
  }, 20_000);
  return { ownerToken, port: room.port! };
}

function gone(url: string, name: string) {
  return until(async () => {
    const response = await fetch(`${url}/get_servers?server=${name}`);
    return response.status === 404 ? true : undefined;
  }, 20_000);
}

function linesOf(process: LocalModeProcess, room: string): LogLine[] {
  return process.lines.filter((l) => l.room === room && /room server (?!starting)/.test(l.message));
}

test("an idle exit is a normal exit: EssentialContainerExited, logged as info", async () => {
  local = await LocalModeProcess.start(["--empty-timeout", "1"]);
  await runningRoom(local.url, "Idle");
  await gone(local.url, "Idle");
  expect(linesOf(local, "Idle")).toEqual([
    expect.objectContaining({ level: "INFO", message: "room server idle; shutting down" }),
    expect.objectContaining({
      level: "INFO",
      message: "room server exited",
      stopCode: "EssentialContainerExited",
    }),
  ]);
  expect(
    await local.waitFor((l) => l.message === "room removed: its server stopped"),
  ).toMatchObject({
    room: "Idle",
    stopCode: "EssentialContainerExited",
  });
}, 30_000);

test("owner stop, a killed server and shutdown are each logged for what they are", async () => {
  local = await LocalModeProcess.start(["--max-rooms", "3"]);
  const owned = await runningRoom(local.url, "Owned");
  const crashed = await runningRoom(local.url, "Crashed");
  await runningRoom(local.url, "Left");

  await fetch(`${local.url}/stop_server?server=Owned`, {
    method: "POST",
    headers: { authorization: `Bearer ${owned.ownerToken}` },
  });
  await gone(local.url, "Owned");
  const victim = godotProcesses(local.descendants()).find((p) =>
    readFileSync(`/proc/${p.pid}/cmdline`, "utf8").includes(`--port=${crashed.port}\0`),
  );
  process.kill(victim!.pid, "SIGKILL");
  await gone(local.url, "Crashed");
  await local.stop();
  expect(await local.exited).toEqual({ code: 0, signal: null });

  // The SDK drains first (the drain file, as the image's entrypoint writes it on SIGTERM).
  expect(linesOf(local, "Owned")).toEqual([
    expect.objectContaining({ level: "INFO", message: "room server draining", reason: "SIGTERM" }),
    expect.objectContaining({
      level: "INFO",
      message: "room server stopped: stopped by its owner",
      stopCode: "UserInitiated",
    }),
  ]);
  expect(linesOf(local, "Crashed")).toEqual([
    expect.objectContaining({
      level: "WARN",
      message: "room server exited unexpectedly (killed by SIGKILL)",
      stopCode: "EssentialContainerExited",
    }),
  ]);
  expect(linesOf(local, "Left")).toEqual([
    expect.objectContaining({
      level: "INFO",
      message: "room server stopped: local mode is shutting down",
      stopCode: "UserInitiated",
    }),
  ]);
  // Normal operation never reads as failure.
  expect(local.lines.filter((l) => /fail/i.test(l.message))).toEqual([]);
  expect(local.lines.filter((l) => l.level === "ERROR")).toEqual([]);
}, 60_000);
