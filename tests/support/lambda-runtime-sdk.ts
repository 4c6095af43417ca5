import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const ROOT = join(__dirname, "..", "..");
const PROJECT_MODULES = join(ROOT, "node_modules");
/** The scopes the Lambda Node.js runtime provides: AWS SDK v3 and its Smithy core. */
const RUNTIME_SCOPES = ["@aws-sdk", "@smithy"];

/**
 * The packages a Node.js Lambda runtime provides: every @aws-sdk/* and @smithy/* package this
 * project has installed, and the packages they depend on (tslib, bowser, ...), found by walking
 * their package.json dependencies. Nothing else of the project's node_modules.
 */
export function runtimePackages(): string[] {
  const found = new Set<string>();
  const queue: string[] = [];
  for (const scope of RUNTIME_SCOPES) {
    for (const name of readdirSync(join(PROJECT_MODULES, scope))) queue.push(`${scope}/${name}`);
  }
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (found.has(name)) continue;
    found.add(name);
    const manifest = JSON.parse(
      readFileSync(join(PROJECT_MODULES, name, "package.json"), "utf8"),
    ) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
    const deps = { ...manifest.dependencies, ...manifest.optionalDependencies };
    for (const dep of Object.keys(deps)) {
      // A dependency nested under the package comes along with it; only hoisted ones are added.
      if (existsSync(join(PROJECT_MODULES, name, "node_modules", dep))) continue;
      if (existsSync(join(PROJECT_MODULES, dep, "package.json"))) queue.push(dep);
    }
  }
  return [...found].sort();
}

let cached: string | undefined;

/**
 * A folder shaped like the runtime's: `<dir>/node_modules` holds symlinks to the runtime's
 * packages only. Point NODE_PATH at it and run Node with `--preserve-symlinks`, so that the SDK's
 * own requires also resolve inside it: a package the runtime lacks fails to load, as on Lambda.
 * Built once per package set (in the system temp folder, keyed by a hash of the list) and reused.
 */
export function lambdaRuntimeSdkDir(): string {
  if (cached) return cached;
  const packages = runtimePackages();
  const key = createHash("sha256")
    .update(PROJECT_MODULES)
    .update(packages.join("\n"))
    .digest("hex");
  const dir = join(tmpdir(), `godot-rooms-lambda-runtime-${key.slice(0, 16)}`);
  if (!existsSync(dir)) {
    // Built aside and renamed into place, so that parallel test workers never see half a folder.
    const building = mkdtempSync(join(tmpdir(), "godot-rooms-lambda-runtime-building-"));
    for (const name of packages) {
      const link = join(building, "node_modules", name);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(join(PROJECT_MODULES, name), link, "dir");
    }
    try {
      renameSync(building, dir);
    } catch {
      rmSync(building, { recursive: true, force: true }); // another worker built it first
    }
  }
  cached = dir;
  return dir;
}
