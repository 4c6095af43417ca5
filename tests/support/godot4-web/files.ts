import { readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Files under `dir` (paths relative to it, with /), not following links: a linked folder (the
 * lobby example links the addon in) is left to be mounted on its own.
 */
export function filesUnder(dir: string, prefix = ""): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(dir, prefix), { withFileTypes: true })) {
    const path = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) found.push(...filesUnder(dir, path));
    else if (entry.isFile()) found.push(path);
  }
  return found.sort();
}
