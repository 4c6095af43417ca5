import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { QUIET_SERVER, writeGodot3Pack } from "../support/local-pck";
import type { ServerStart } from "../../handlers/ports";
import { startLocalMode } from "../../local/local-mode";
import { Godot4Web, type RunResult } from "../support/godot4-web/runner";
import { stepsOf } from "../support/godot4-web/steps";
import { RecordingLogger } from "../support/room-deps";
import { until } from "../support/until";

/**
 * The addon's server SDK on the Godot 4.6 web engine against a real local mode's
 * POST /room_heartbeat. The room runs a Godot 3 pack without an SDK (the reference server has
 * one, and would spend the secret first), under `task` readiness, so the SDK plays the room's
 * server, with the room's real one-time secret, read as the fleet starts the room (as the server
 * would read ROOM_SECRET from its environment).
 */
const ROOT = join(__dirname, "..", "..");
let godot: Godot4Web;
let local: Awaited<ReturnType<typeof startLocalMode>>;
let run: RunResult;
let steps: Map<string, Record<string, any>>;
let secret: string;

let dir: string;

beforeAll(async () => {
  godot = new Godot4Web();
  await godot.start();
  dir = mkdtempSync(join(tmpdir(), "godot-rooms-sdk-local-"));
  const quiet = join(dir, "quiet.pck");
  writeGodot3Pack(quiet, QUIET_SERVER);
  local = await startLocalMode({
    port: 0,
    maxRooms: 2,
    packPath: quiet,
    readiness: { serverReadiness: "task" },
    corsOrigins: [godot.origin],
    emptyServerTimeoutSeconds: 60,
    reconcileSeconds: 60,
    log: new RecordingLogger(),
  });
  // A 1 s period (the answer's heartbeatSeconds), until local mode takes --heartbeat-seconds.
  (local.deps.settings as { heartbeatSeconds?: number }).heartbeatSeconds = 1;
  const secrets = new Map<string, string>();
  const fleet = local.deps.fleet;
  const start = fleet.start.bind(fleet);
  fleet.start = (request: ServerStart) => {
    secrets.set(request.name, request.secret);
    return start(request);
  };
  const created = (await (
    await fetch(`${local.url}/create_server?server=Hb`, { method: "POST" })
  ).json()) as { data: { ownerToken: string } };
  await until(async () => {
    const room = (await (await fetch(`${local.url}/get_servers?server=Hb`)).json()) as {
      data: { status?: string };
    };
    return room.data.status === "RUNNING" ? true : undefined;
  }, 30_000);
  secret = secrets.get("Hb") ?? "";
  expect(secret).not.toBe("");
  run = await godot.run(
    {
      mounts: [
        { from: join(ROOT, "addons", "godot_rooms"), to: "addons/godot_rooms" },
        { from: join(__dirname, "scripts"), to: "t" },
      ],
      autoloads: { Rooms: "res://addons/godot_rooms/rooms.gd" },
      settings: `[godot_rooms]\napi_url="${local.url}"`,
      mainScript: "res://t/sdk_local_scenario.gd",
    },
    {
      args: ["--", "--room=Hb", `--secret=${secret}`, `--owner=${created.data.ownerToken}`],
      timeoutMs: 60_000,
    },
  );
  steps = stepsOf(run.output);
}, 120_000);

afterAll(async () => {
  await godot?.stop();
  await local?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("a wrong secret is refused (403) and an unknown room is 404, which drains the SDK", () => {
  expect(steps.get("refused")).toMatchObject({
    "wrong secret": { success: false, status: 403, state: "ready" },
    "unknown room": { success: false, status: 404, state: "draining" },
  });
});

test("heartbeats with the real secret, then the room key, set the room's player counts", () => {
  const heartbeats = steps.get("heartbeats")!;
  // Three 200s in a row: the second and later used the room key (the secret stops working once
  // the key has been used).
  expect(heartbeats.statuses.slice(0, 3)).toEqual([200, 200, 200]);
  expect(heartbeats.room).toMatchObject({ name: "Hb", players: 2, maxPlayers: 8 });
});

test("stopping the room drains the SDK, which quits the game with 0", () => {
  expect(steps.get("stopped")).toEqual({ status: 200 });
  expect(["api", "removed"]).toContain(steps.get("drain")!.drains[0]);
  expect(steps.has("did not quit")).toBe(false);
  expect(run.errors).toEqual([]);
  expect(run.exitCode).toBe(0);
  // The SDK never prints the secret (the scenario itself is handed it only as an argument).
  expect(run.output.join("\n")).not.toContain(secret);
});
