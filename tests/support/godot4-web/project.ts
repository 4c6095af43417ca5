import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { globalClassCache } from "./class-cache";

export interface ProjectSpec {
  /** Folders copied into the project: `res://<to>/...` from `<from>/...` (text files only). */
  readonly mounts?: ReadonlyArray<{ readonly from: string; readonly to: string }>;
  /** Extra files by path (no `res://`). */
  readonly files?: Readonly<Record<string, string>>;
  /** The script on the main scene's root node (res:// path). */
  readonly mainScript: string;
  /** Autoloads by name, each a res:// script path. */
  readonly autoloads?: Readonly<Record<string, string>>;
  /** Extra project.godot lines, e.g. `[godot_rooms]\napi_url="..."`. */
  readonly settings?: string;
}

const TEXT = /\.(gd|tscn|tres|cfg|json|godot|md|txt)$/;

function collect(dir: string, to: string, into: Map<string, string>) {
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !TEXT.test(entry.name)) continue;
    const full = join(entry.parentPath, entry.name);
    into.set(join(to, relative(dir, full)).replaceAll("\\", "/"), readFileSync(full, "utf8"));
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
  files.set(
    "__main__.tscn",
    [
      "[gd_scene load_steps=2 format=3]",
      "",
      `[ext_resource type="Script" path="${spec.mainScript}" id="1"]`,
      "",
      '[node name="Main" type="Node"]',
      'script = ExtResource("1")',
      "",
    ].join("\n"),
  );
  files.set(".godot/global_script_class_cache.cfg", globalClassCache(files));
  return files;
}
