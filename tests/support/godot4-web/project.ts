import { readFileSync } from "node:fs";
import { join } from "node:path";
import { globalClassCache } from "./class-cache";
import { filesUnder } from "./files";

export interface ProjectSpec {
  /** Folders copied into the project: `res://<to>/...` from `<from>/...` (text files only). */
  readonly mounts?: ReadonlyArray<{ readonly from: string; readonly to: string }>;
  /** Extra files by path (no `res://`). */
  readonly files?: Readonly<Record<string, string>>;
  /**
   * The script on the main scene's root node (res:// path). It replaces the mounted project's
   * `run/main_scene`, or a project.godot is written when none is mounted. Without it, the
   * mounted project runs as it is.
   */
  readonly mainScript?: string;
  /** Autoloads by name, each a res:// script path. */
  readonly autoloads?: Readonly<Record<string, string>>;
  /** Extra project.godot lines, e.g. `[godot_rooms]\napi_url="..."`. */
  readonly settings?: string;
}

const TEXT = /\.(gd|tscn|tres|cfg|json|godot|md|txt)$/;

function collect(dir: string, to: string, into: Map<string, string>) {
  for (const path of filesUnder(dir).filter((p) => TEXT.test(p))) {
    into.set(to === "" ? path : `${to}/${path}`, readFileSync(join(dir, path), "utf8"));
  }
}

/**
 * The files of a runnable project: the mounts, a project.godot with `run/main_scene` (this release
 * template ignores `--script` and scene paths on the command line), a scene whose root runs
 * `mainScript`, and the global class cache for `class_name` scripts.
 */
export function projectFiles(spec: ProjectSpec): Map<string, string> {
  const files = new Map<string, string>();
  for (const mount of spec.mounts ?? []) collect(mount.from, mount.to, files);
  for (const [path, text] of Object.entries(spec.files ?? {})) files.set(path, text);
  if (spec.mainScript) writeMain(files, spec.mainScript, spec);
  else if (!files.has("project.godot")) throw new Error("No project.godot and no mainScript.");
  files.set(".godot/global_script_class_cache.cfg", globalClassCache(files));
  return files;
}

function writeMain(files: Map<string, string>, mainScript: string, spec: ProjectSpec) {
  files.set("__main__.tscn", mainScene(mainScript));
  const own = files.get("project.godot");
  if (own !== undefined) {
    // Keep the project's own settings and autoloads; only the scene that runs changes.
    files.set(
      "project.godot",
      own.replace(/^run\/main_scene=.*$/m, 'run/main_scene="res://__main__.tscn"'),
    );
    return;
  }
  const autoloads = Object.entries(spec.autoloads ?? {})
    .map(([name, path]) => `${name}="*${path}"`)
    .join("\n");
  files.set(
    "project.godot",
    [
      "config_version=5",
      "",
      "[application]",
      'config/name="godot4-web test"',
      'run/main_scene="res://__main__.tscn"',
      "",
      "[autoload]",
      autoloads,
      "",
      spec.settings ?? "",
      "",
    ].join("\n"),
  );
}

function mainScene(script: string): string {
  return [
    "[gd_scene load_steps=2 format=3]",
    "",
    `[ext_resource type="Script" path="${script}" id="1"]`,
    "",
    '[node name="Main" type="Node"]',
    'script = ExtResource("1")',
    "",
  ].join("\n");
}
