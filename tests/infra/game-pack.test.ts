import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkPackMatchesEngine, packEngineVersion } from "../../infra/game-pack";

/** A pack header as Godot writes it: "GDPC", then u32 LE pack format, major, minor, patch. */
function packHeader(format: number, major: number, minor: number, patch: number): Buffer {
  const header = Buffer.alloc(64);
  header.write("GDPC", 0, "latin1");
  [format, major, minor, patch].forEach((value, i) => header.writeUInt32LE(value, 4 + i * 4));
  return header;
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "godot-rooms-pack-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("the engine version is read from a pack's header; anything without the magic is unknown", () => {
  expect(packEngineVersion(packHeader(2, 4, 6, 1))).toEqual({ major: 4, minor: 6, patch: 1 });
  expect(packEngineVersion(packHeader(1, 3, 6, 0))).toEqual({ major: 3, minor: 6, patch: 0 });
  expect(packEngineVersion(Buffer.from("\x7fELF and the rest of an executable"))).toBeUndefined();
  expect(packEngineVersion(Buffer.from("GDPC"))).toBeUndefined();
});

test("a pack of the same major.minor passes, whatever its patch", () => {
  const pack = join(dir, "same.pck");
  writeFileSync(pack, packHeader(2, 4, 6, 2));
  expect(() => checkPackMatchesEngine(pack, "4.6")).not.toThrow();
  expect(() => checkPackMatchesEngine(pack, "4.6.1")).not.toThrow();
});

test("a pack exported by another engine stops the program, naming both versions", () => {
  const pack = join(dir, "godot3.pck");
  writeFileSync(pack, packHeader(1, 3, 6, 0));
  expect(() => checkPackMatchesEngine(pack, "4.6")).toThrow(
    `The game pack ${pack} was exported by Godot 3.6.0, but config "godotVersion" is 4.6: export it with Godot 4.6, or set godotVersion to 3.6.`,
  );
  const newer = join(dir, "godot45.pck");
  writeFileSync(newer, packHeader(2, 4, 5, 0));
  expect(() => checkPackMatchesEngine(newer, "4.6")).toThrow("exported by Godot 4.5.0");
});
