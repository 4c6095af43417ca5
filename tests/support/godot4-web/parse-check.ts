import { join } from "node:path";
import { filesUnder } from "./files";
import type { ProjectSpec } from "./project";
import type { Godot4Web, RunResult } from "./runner";

export const CHECKER_DIR = join(__dirname, "..", "..", "godot4", "scripts");

/** The .gd files under `dir`, relative to it (links not followed). */
export function gdScripts(dir: string): string[] {
  return filesUnder(dir).filter((path) => path.endsWith(".gd"));
}

export interface ParseCheck {
  readonly result: RunResult;
  /** Scripts the engine loaded without an error. */
  readonly parsed: string[];
  readonly ok: boolean;
}

/**
 * Loads each of `scripts` (res:// paths) in the web engine, inside the project `spec` describes
 * (its own project.godot, autoloads and settings), without running its main scene. A script is
 * good only if it loads, can be instantiated, and the engine printed no SCRIPT ERROR at all.
 */
export async function parseCheck(
  godot: Godot4Web,
  spec: Omit<ProjectSpec, "mainScript">,
  scripts: readonly string[],
): Promise<ParseCheck> {
  const result = await godot.run({
    ...spec,
    mounts: [...(spec.mounts ?? []), { from: CHECKER_DIR, to: "__checker__" }],
    files: { ...spec.files, "parse_check.json": JSON.stringify(scripts) },
    mainScript: "res://__checker__/parse_check.gd",
  });
  const parsed = result.output.filter((l) => l.startsWith("parsed ")).map((l) => l.slice(7));
  const ok =
    result.exitCode === 0 &&
    result.errors.length === 0 &&
    scripts.every((script) => parsed.includes(script));
  return { result, parsed, ok };
}
