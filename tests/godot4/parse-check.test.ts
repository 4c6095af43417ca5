import { mkdtempSync, readFileSync, rmSync, cpSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gdScripts, parseCheck } from "../support/godot4-web/parse-check";
import { Godot4Web } from "../support/godot4-web/runner";

const ROOT = join(__dirname, "..", "..");
const ADDON = join(ROOT, "addons", "godot_rooms");
const REFERENCE_SERVER = join(ROOT, "godot-image", "game", "reference-server-4");
const LOBBY = join(ROOT, "examples", "lobby");
const QUICKSTART = join(ROOT, "examples", "quickstart");
const ADDON_MOUNT = { from: ADDON, to: "addons/godot_rooms" };
/**
 * Editor-only scripts cannot load in an export template, which has no editor classes
 * (EditorPlugin). They are excluded by name, and kept tiny: the test below holds them to that.
 */
const EDITOR_ONLY = ["plugin.gd"];

const res = (prefix: string, files: string[]) => files.map((f) => `res://${prefix}${f}`);
const addonScripts = gdScripts(ADDON).filter((f) => !EDITOR_ONLY.includes(f));

let godot: Godot4Web;
beforeAll(async () => {
  godot = new Godot4Web();
  await godot.start();
});
afterAll(() => godot.stop());

test("the addon, the Godot 4 reference server, the lobby example and the README snippet all parse on Godot 4.6", async () => {
  const checks = await Promise.all([
    parseCheck(godot, { mounts: [ADDON_MOUNT] }, res("addons/godot_rooms/", addonScripts)),
    parseCheck(
      godot,
      { mounts: [{ from: REFERENCE_SERVER, to: "" }] },
      res("", gdScripts(REFERENCE_SERVER)),
    ),
    // The example links the addon in; links are not followed, so the addon is mounted itself.
    // The README's snippet (examples/quickstart) is checked in the same project (it needs Rooms).
    parseCheck(
      godot,
      { mounts: [{ from: LOBBY, to: "" }, ADDON_MOUNT, { from: QUICKSTART, to: "quickstart" }] },
      [
        ...res("", gdScripts(LOBBY)),
        ...res("addons/godot_rooms/", addonScripts),
        ...res("quickstart/", gdScripts(QUICKSTART)),
      ],
    ),
  ]);
  expect(addonScripts).toEqual([
    "room_server_sdk.gd",
    "rooms.gd",
    "rooms_client.gd",
    "rooms_http_adapter.gd",
    "rooms_multiplayer_bridge.gd",
    "rooms_result.gd",
  ]);
  expect(gdScripts(REFERENCE_SERVER)).toContain("room_server.gd");
  expect(gdScripts(LOBBY)).toEqual(["lobby.gd"]);
  expect(gdScripts(QUICKSTART)).toEqual(["join_room.gd"]);
  for (const check of checks) {
    expect(check.result.errors).toEqual([]);
    expect(check.ok).toBe(true);
  }
});

test("the Godot 4 reference server runs: reads its options, logs JSON lines, and exits 1 when it cannot listen (a browser cannot)", async () => {
  const run = await godot.run(
    { mounts: [{ from: REFERENCE_SERVER, to: "" }] },
    { args: ["--", "--port=7788", "--protocol=tcp", "--max-players=3", "--room-name=R1"] },
  );
  const lines = run.output
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(lines).toEqual([
    {
      event: "starting",
      time: expect.any(Number),
      room: "R1",
      maxPlayers: 3,
      emptyServerTimeout: 300,
    },
    {
      event: "error",
      time: expect.any(Number),
      reason: "could not listen",
      port: 7788,
      protocol: "tcp",
      code: expect.any(Number),
    },
  ]);
  expect(run.errors).toEqual([]);
  expect(run.exitCode).toBe(1);
});

test("a deliberately broken addon script fails the check, naming the script", async () => {
  const dir = mkdtempSync(join(tmpdir(), "broken-addon-"));
  try {
    cpSync(ADDON, dir, { recursive: true });
    const client = join(dir, "rooms_client.gd");
    // A one-word typo, the kind a refactor leaves: a helper that does not exist.
    writeFileSync(
      client,
      readFileSync(client, "utf8").replace("_Result.failure(", "_Result.fail("),
    );
    const check = await parseCheck(
      godot,
      { mounts: [{ from: dir, to: "addons/godot_rooms" }] },
      res("addons/godot_rooms/", addonScripts),
    );
    expect(check.ok).toBe(false);
    expect(check.result.errors.join("\n")).toMatch(/SCRIPT ERROR[\s\S]*rooms_client\.gd/);
    expect(check.parsed).not.toContain("res://addons/godot_rooms/rooms_client.gd");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the excluded editor-only scripts are only that: tiny EditorPlugin tool scripts", () => {
  for (const name of EDITOR_ONLY) {
    const source = readFileSync(join(ADDON, name), "utf8");
    expect(source).toMatch(/^@tool\nextends EditorPlugin\n/);
    expect(source.split("\n").length).toBeLessThan(40);
  }
  expect(readFileSync(join(ADDON, "plugin.cfg"), "utf8")).toMatch(/^script="plugin\.gd"$/m);
});

test("the reference server carries the addon's runtime scripts unchanged (its image context is godot-image/ only)", () => {
  const vendored = join(REFERENCE_SERVER, "addons", "godot_rooms");
  for (const name of [
    "room_server_sdk.gd",
    "rooms_http_adapter.gd",
    "rooms_result.gd",
    "LICENSE",
  ]) {
    expect({ name, text: readFileSync(join(vendored, name), "utf8") }).toEqual({
      name,
      text: readFileSync(join(ADDON, name), "utf8"),
    });
  }
});
