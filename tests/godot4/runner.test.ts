import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENGINE_DIR, ENGINE_SHA256, loadEngineFiles } from "../support/godot4-web/engine-files";
import { buildPck } from "../support/godot4-web/pck";
import { Godot4Web } from "../support/godot4-web/runner";

describe("the engine files are pinned by sha256", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "engine-"));
    for (const name of Object.keys(ENGINE_SHA256))
      symlinkSync(join(ENGINE_DIR, name), join(dir, name));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("the installed files match", () => {
    expect([...loadEngineFiles().keys()].sort()).toEqual(Object.keys(ENGINE_SHA256).sort());
  });

  test("a changed file is refused, by name", () => {
    rmSync(join(dir, "index.js"));
    writeFileSync(join(dir, "index.js"), "/* not the engine */");
    expect(() => loadEngineFiles(dir)).toThrow(
      /^Godot web engine file index\.js has sha256 [0-9a-f]{64}, expected f623/,
    );
  });

  test("a missing file says how to get it", () => {
    rmSync(join(dir, "index.wasm"));
    expect(() => loadEngineFiles(dir)).toThrow(/index\.wasm is missing .*run npm ci/);
  });
});

test("the .pck: format 3 header for 4.6, 16-byte aligned files, a directory with sizes and MD5s", () => {
  const files = new Map<string, string>([
    ["project.godot", "config_version=5\n"],
    ["a/b.gd", "extends Node\n"],
  ]);
  const pck = buildPck(files);
  expect(pck.toString("ascii", 0, 4)).toBe("GDPC");
  expect([4, 8, 12, 16, 20].map((at) => pck.readUInt32LE(at))).toEqual([3, 4, 6, 0, 2]);
  const base = Number(pck.readBigUInt64LE(24));
  let at = Number(pck.readBigUInt64LE(32));
  expect(base % 16).toBe(0);
  expect(pck.readUInt32LE(at)).toBe(2);
  at += 4;
  for (const [path, text] of files) {
    const length = pck.readUInt32LE(at);
    expect(length % 4).toBe(0);
    expect(pck.toString("utf8", at + 4, at + 4 + length).replace(/\0+$/, "")).toBe(path);
    at += 4 + length;
    const offset = Number(pck.readBigUInt64LE(at));
    const size = Number(pck.readBigUInt64LE(at + 8));
    expect(offset % 16).toBe(0);
    expect(pck.toString("utf8", base + offset, base + offset + size)).toBe(text);
    expect(pck.subarray(at + 16, at + 32)).toEqual(createHash("md5").update(text).digest());
    at += 36;
  }
  expect(at).toBe(pck.length);
});

describe("runs end as failures, never hang", () => {
  let godot: Godot4Web;
  beforeAll(async () => {
    godot = new Godot4Web();
    await godot.start();
  });
  afterAll(() => godot.stop());

  test("a wasm trap ends the run at once with -1 and an error; a project that never quits times out", async () => {
    const scripts = { from: join(__dirname, "scripts"), to: "t" };
    const started = Date.now();
    const [trap, hang] = await Promise.all([
      godot.run({ mounts: [scripts], mainScript: "res://t/traps.gd" }, { timeoutMs: 30_000 }),
      godot.run({ mounts: [scripts], mainScript: "res://t/never_quits.gd" }, { timeoutMs: 8_000 }),
    ]);
    expect(trap.exitCode).toBe(-1);
    expect(trap.output).toContain("before the trap");
    expect(trap.output).not.toContain("after the trap");
    expect(trap.errors.join("\n")).toMatch(/divide by zero/);
    expect(hang).toMatchObject({ exitCode: null, timedOut: true });
    expect(hang.output).toContain("running, and never quitting");
    expect(Date.now() - started).toBeLessThan(25_000);
  });
});
