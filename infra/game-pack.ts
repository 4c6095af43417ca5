import { closeSync, openSync, readSync } from "node:fs";

/** The engine version a Godot pack (.pck) was exported by, from its header. */
export interface PackEngineVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

/**
 * Reads a .pck header: the magic "GDPC", then little-endian u32s: pack format, engine major,
 * minor, patch. Returns undefined where the file is not a pack this can read (too short, or no
 * magic, as in a pack embedded in an executable), so the caller checks only what it can know.
 */
export function packEngineVersion(header: Buffer): PackEngineVersion | undefined {
  if (header.length < 20 || header.toString("latin1", 0, 4) !== "GDPC") return undefined;
  return {
    major: header.readUInt32LE(8),
    minor: header.readUInt32LE(12),
    patch: header.readUInt32LE(16),
  };
}

/**
 * Fails when the pack at `path` was exported by another engine major.minor than `godotVersion`:
 * Godot refuses to load such a pack, so every room would fail to start after a successful deploy.
 */
export function checkPackMatchesEngine(path: string, godotVersion: string): void {
  const fd = openSync(path, "r");
  const header = Buffer.alloc(20);
  try {
    readSync(fd, header, 0, 20, 0);
  } finally {
    closeSync(fd);
  }
  const version = packEngineVersion(header);
  if (!version) return;
  const [major, minor] = godotVersion.split(".").map(Number);
  if (version.major !== major || version.minor !== minor) {
    throw new Error(
      `The game pack ${path} was exported by Godot ${version.major}.${version.minor}.${version.patch}, but config "godotVersion" is ${godotVersion}: export it with Godot ${major}.${minor}, or set godotVersion to ${version.major}.${version.minor}.`,
    );
  }
}
