import { zipSync } from "fflate";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The files of an archive, by their path inside it. */
export type ArchiveContents = Map<string, Uint8Array>;

export interface ArchiveFigures {
  readonly files: number;
  readonly unpackedBytes: number;
  /** The size of a real zip of the files (deflate level 6, as Pulumi's archiver uses). */
  readonly zippedBytes: number;
}

/** Adds every file under `dir` to `contents`, at `prefix/<relative path>`. */
export function addFolder(contents: ArchiveContents, dir: string, prefix: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const inArchive = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) addFolder(contents, path, inArchive);
    else if (entry.isFile()) contents.set(inArchive, readFileSync(path));
  }
}

export function measureArchive(contents: ArchiveContents): ArchiveFigures {
  let unpackedBytes = 0;
  for (const bytes of contents.values()) unpackedBytes += bytes.byteLength;
  const zipped = zipSync(Object.fromEntries(contents), { level: 6 });
  return { files: contents.size, unpackedBytes, zippedBytes: zipped.byteLength };
}
