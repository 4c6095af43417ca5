import { spawnSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

export interface GodotBinary {
  readonly path: string;
  readonly major: 3 | 4;
  readonly version: string;
}

export const GODOT_ENV = "GODOT_BIN";
const CANDIDATES = ["godot", "godot3-server", "godot4"];

export class GodotNotFoundError extends Error {
  constructor(detail: string) {
    super(
      `${detail}\nLocal mode runs every room as a real Godot server. Install one ` +
        `(Debian/Ubuntu: sudo apt-get install godot3-server), or point ${GODOT_ENV} (or --godot) at a Godot binary.`,
    );
    this.name = "GodotNotFoundError";
  }
}

function executable(path: string): string | undefined {
  try {
    accessSync(path, constants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

function onPath(name: string, pathVariable: string): string | undefined {
  return pathVariable
    .split(delimiter)
    .map((dir) => executable(join(dir, name)))
    .find(Boolean);
}

/** Finds Godot: the option, else $GODOT_BIN, else godot, godot3-server or godot4 on PATH; reads its major version. */
export function findGodot(option?: string, env: NodeJS.ProcessEnv = process.env): GodotBinary {
  const chosen = option ?? env[GODOT_ENV];
  const path = chosen
    ? chosen.includes("/")
      ? executable(chosen)
      : onPath(chosen, env.PATH ?? "")
    : CANDIDATES.map((c) => onPath(c, env.PATH ?? "")).find(Boolean);
  if (!path)
    throw new GodotNotFoundError(
      chosen
        ? `Godot binary "${chosen}" was not found.`
        : `No Godot binary (${CANDIDATES.join(", ")}) is on PATH.`,
    );
  // Godot 3 prints its version and exits 255: read what it printed, whatever the exit code.
  const probe = spawnSync(path, ["--version"], { encoding: "utf8", timeout: 10_000 });
  const version = (probe.stdout ?? "").trim().split("\n").pop() ?? "";
  if (probe.error || !version) {
    throw new GodotNotFoundError(
      `"${path}" did not run as Godot (${probe.error?.message ?? "it printed no version"}).`,
    );
  }
  const major = Number(/^(\d+)\./.exec(version)?.[1]);
  if (major !== 3 && major !== 4)
    throw new GodotNotFoundError(`"${path}" reports version "${version}"; Godot 3 or 4 is needed.`);
  return { path, major, version };
}
