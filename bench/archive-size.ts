/**
 * Measure 1: each function's code archive, ours against CallbackFunction's default packaging.
 * Both are computed the same way, under mocks, in this run: ours is the archive the program
 * built; the default is the same `__index.js` plus what `pulumi.runtime.computeCodePaths` adds
 * when no `codePathOptions` are given (CallbackFunction then excludes only `aws-sdk` v2).
 */
import * as pulumi from "@pulumi/pulumi";
import { archiveFiles } from "../tests/support/lambda-archive";
import type { RecordedResource } from "../tests/support/pulumi-program";
import { addFolder, type ArchiveContents, measureArchive } from "./support/zip-files";

export interface ArchiveSizeRow {
  readonly function: string;
  readonly oursFiles: number;
  readonly oursUnpackedBytes: number;
  readonly oursZippedBytes: number;
  readonly defaultFiles: number;
  readonly defaultUnpackedBytes: number;
  readonly defaultZippedBytes: number;
  /** default unpacked bytes / ours unpacked bytes */
  readonly ratioUnpacked: number;
  readonly ratioZipped: number;
}

async function oursContents(fn: RecordedResource): Promise<ArchiveContents> {
  const contents: ArchiveContents = new Map();
  for (const [path, file] of Object.entries(await archiveFiles(fn))) {
    if (file.text === undefined) throw new Error(`${fn.name}: ${path} is not inline code`);
    contents.set(path, Buffer.from(file.text));
  }
  return contents;
}

/** What CallbackFunction adds beside `__index.js` by default: every `dependencies` package tree. */
export async function defaultModules(): Promise<ArchiveContents> {
  const contents: ArchiveContents = new Map();
  const paths = await pulumi.runtime.computeCodePaths({ extraExcludePackages: ["aws-sdk"] });
  for (const [inArchive, asset] of paths) {
    const folder = await (asset as pulumi.asset.FileArchive).path;
    addFolder(contents, folder, inArchive);
  }
  return contents;
}

export async function measureArchiveSizes(
  functions: RecordedResource[],
): Promise<ArchiveSizeRow[]> {
  const modules = await defaultModules();
  const rows: ArchiveSizeRow[] = [];
  for (const fn of functions) {
    const ours = await oursContents(fn);
    const oursFigures = measureArchive(ours);
    const defaults = measureArchive(new Map([...ours, ...modules]));
    rows.push({
      function: fn.name,
      oursFiles: oursFigures.files,
      oursUnpackedBytes: oursFigures.unpackedBytes,
      oursZippedBytes: oursFigures.zippedBytes,
      defaultFiles: defaults.files,
      defaultUnpackedBytes: defaults.unpackedBytes,
      defaultZippedBytes: defaults.zippedBytes,
      ratioUnpacked: Math.round(defaults.unpackedBytes / oursFigures.unpackedBytes),
      ratioZipped: Math.round(defaults.zippedBytes / oursFigures.zippedBytes),
    });
  }
  return rows;
}
