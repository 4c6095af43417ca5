import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ENTRYPOINT = join(__dirname, "..", "..", "godot-image", "entrypoint.sh");

/**
 * A stand-in for Godot: like Godot, it sets no SIGTERM handler (it ends as `sleep`, whose SIGTERM
 * action is the default, to terminate). It records its arguments and its PID as seen in its PID
 * namespace, then sleeps until a signal ends it, or exits with $STAND_IN_EXIT if that is set.
 */
const STAND_IN = `#!/bin/sh
printf '%s\\n' "$@" > "$RECORD_DIR/args"
echo $$ > "$RECORD_DIR/pid.tmp" && mv "$RECORD_DIR/pid.tmp" "$RECORD_DIR/pid"
if [ -n "\${STAND_IN_EXIT:-}" ]; then exit "$STAND_IN_EXIT"; fi
exec sleep 600
`;

// A new PID namespace needs root; elsewhere (a CI runner user) a user namespace maps us to root.
const NAMESPACE_FLAGS = [
  ...(process.getuid?.() === 0 ? [] : ["--user", "--map-root-user"]),
  "--pid",
  "--fork",
  "--mount-proc",
];

let dir: string;
let container: ChildProcess | undefined;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "entrypoint-signals-"));
  writeFileSync(join(dir, "godot"), STAND_IN);
  chmodSync(join(dir, "godot"), 0o755);
});
afterEach(() => {
  // Whatever happened, nothing of the namespace outlives the test: SIGKILL reaches any PID 1.
  const init = container?.pid ? namespaceInit(container.pid) : undefined;
  if (init) process.kill(init, "SIGKILL");
  if (container?.exitCode === null) container.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the entrypoint as PID 1 of a new PID namespace, as a container without an init would. */
function startContainer(env: Record<string, string> = {}) {
  container = spawn(
    "unshare",
    [...NAMESPACE_FLAGS, "sh", ENTRYPOINT, "--empty-server-timeout=90"],
    {
      env: {
        PATH: process.env.PATH ?? "",
        GODOT_BIN: join(dir, "godot"),
        GODOT_MAJOR: "4.6",
        GAME_PACK_PATH: join(dir, "no-game.pck"),
        GAME_PROJECT_PATH: "/opt/game/reference-server",
        GAME_PORT: "7777",
        RECORD_DIR: dir,
        ...env,
      },
      stdio: "ignore",
    },
  );
  const exited = new Promise<number | string | null>((resolve) =>
    container?.once("exit", (code, signal) => resolve(code ?? signal)),
  );
  return { process: container, exited };
}

/** The host PID of the namespace's PID 1: unshare's only child. */
function namespaceInit(unsharePid: number): number | undefined {
  const path = `/proc/${unsharePid}/task/${unsharePid}/children`;
  if (!existsSync(path)) return undefined;
  const pid = Number(readFileSync(path, "utf8").trim().split(/\s+/)[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

async function until<T>(read: () => T | undefined, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

const within = <T>(promise: Promise<T>, ms: number) =>
  Promise.race([promise, new Promise<"still running">((r) => setTimeout(r, ms, "still running"))]);

test("SIGTERM sent to the container's PID 1 reaches the server, which ends within 3 seconds", async () => {
  const { process: unshare, exited } = startContainer();
  const serverPid = await until(
    () =>
      existsSync(join(dir, "pid")) ? readFileSync(join(dir, "pid"), "utf8").trim() : undefined,
    5_000,
  );
  const init = await until(() => namespaceInit(unshare.pid as number), 5_000);
  process.kill(init, "SIGTERM"); // what `docker stop` / ECS StopTask does
  // 143 = 128 + SIGTERM: the server was ended by the SIGTERM, and its status is the container's.
  expect(await within(exited, 3_000)).toBe(143);
  // It worked because the server was not PID 1, so SIGTERM kept its default action.
  expect(serverPid).not.toBe("1");
  expect(readFileSync(join(dir, "args"), "utf8").trim().split("\n")).toEqual([
    "--headless",
    "--path",
    "/opt/game/reference-server",
    "--port=7777",
    "--empty-server-timeout=90",
  ]);
});

test("the server's own exit status becomes the container's", async () => {
  const { exited } = startContainer({ STAND_IN_EXIT: "3" });
  expect(await within(exited, 5_000)).toBe(3);
});

/** A stand-in with the SDK's drain: it quits with status 0 once the drain file appears. */
const DRAINING_STAND_IN = `#!/bin/sh
echo $$ > "$RECORD_DIR/pid.tmp" && mv "$RECORD_DIR/pid.tmp" "$RECORD_DIR/pid"
while [ ! -f "$ROOM_DRAIN_FILE" ]; do sleep 0.1; done
echo drained > "$RECORD_DIR/drained"
exit 0
`;

test("with ROOM_DRAIN_SECONDS, SIGTERM first creates the drain file: the game drains and exits 0", async () => {
  writeFileSync(join(dir, "godot"), DRAINING_STAND_IN);
  const { process: unshare, exited } = startContainer({
    ROOM_DRAIN_SECONDS: "5",
    ROOM_DRAIN_FILE: join(dir, "drain"),
  });
  await until(() => (existsSync(join(dir, "pid")) ? true : undefined), 5_000);
  process.kill(namespaceInit(unshare.pid!)!, "SIGTERM");
  expect(await within(exited, 4_000)).toBe(0);
  expect(readFileSync(join(dir, "drained"), "utf8")).toBe("drained\n");
});

test("with ROOM_DRAIN_SECONDS, a game that ignores the drain file still gets SIGTERM after it", async () => {
  const { process: unshare, exited } = startContainer({
    ROOM_DRAIN_SECONDS: "1",
    ROOM_DRAIN_FILE: join(dir, "drain"),
  });
  await until(() => (existsSync(join(dir, "pid")) ? true : undefined), 5_000);
  process.kill(namespaceInit(unshare.pid!)!, "SIGTERM");
  expect(await within(exited, 5_000)).toBe(143);
  expect(existsSync(join(dir, "drain"))).toBe(true);
});
