import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";

/**
 * A tag named by the content of a build context and the build arguments: the same files and
 * arguments give the same tag, any change a new one. ECR tags are immutable, so a changed image
 * (another Godot version included) can never hide behind an old tag.
 */
export function contentTag(directory: string, buildArgs: Record<string, string> = {}): string {
  if (!statSync(directory, { throwIfNoEntry: false })?.isDirectory()) {
    throw new Error(`The image build context ${directory} does not exist.`);
  }
  const hash = createHash("sha256");
  for (const name of Object.keys(buildArgs).sort()) {
    hash.update(`--build-arg ${name}=${buildArgs[name]}\0`);
  }
  for (const file of listFiles(directory)) {
    hash.update(relative(directory, file).split(sep).join("/"));
    hash.update("\0");
    hash.update(readFileSync(file));
    hash.update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

function listFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(directory, entry.name);
      if (entry.isDirectory())
        return entry.name === ".godot" || entry.name === ".import" ? [] : listFiles(path);
      return entry.isFile() ? [path] : [];
    });
}
