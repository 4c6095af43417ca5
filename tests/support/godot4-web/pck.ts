import { createHash } from "node:crypto";
import { ENGINE_VERSION } from "./engine-files";

const PACK_FORMAT = 3;
/** Offsets in the directory are relative to the file base (Godot's PACK_REL_FILEBASE). */
const FLAG_REL_FILEBASE = 2;
const HEADER_SIZE = 4 + 4 + 12 + 4 + 8 + 8 + 16 * 4;
const ALIGN = 16;

const align = (n: number, to: number) => Math.ceil(n / to) * to;

/**
 * A Godot 4 .pck (format 3, as the 4.6 export template reads) holding `files`, keyed by their path
 * without `res://`. Plain text resources (project.godot, .gd, .tscn, .tres, .cfg) load as they are.
 */
export function buildPck(files: ReadonlyMap<string, Buffer | string>): Buffer {
  const entries = [...files].map(([path, content]) => ({
    path: path.replace(/^res:\/\//, ""),
    data: typeof content === "string" ? Buffer.from(content, "utf8") : content,
    offset: 0,
  }));
  const fileBase = align(HEADER_SIZE, ALIGN);
  let cursor = 0;
  for (const entry of entries) {
    entry.offset = cursor;
    cursor = align(cursor + entry.data.length, ALIGN);
  }
  const directoryOffset = fileBase + cursor;

  const header = Buffer.alloc(fileBase);
  header.write("GDPC", 0, "ascii");
  header.writeUInt32LE(PACK_FORMAT, 4);
  header.writeUInt32LE(ENGINE_VERSION.major, 8);
  header.writeUInt32LE(ENGINE_VERSION.minor, 12);
  header.writeUInt32LE(ENGINE_VERSION.patch, 16);
  header.writeUInt32LE(FLAG_REL_FILEBASE, 20);
  header.writeBigUInt64LE(BigInt(fileBase), 24);
  header.writeBigUInt64LE(BigInt(directoryOffset), 32);

  const body = Buffer.alloc(cursor);
  for (const entry of entries) entry.data.copy(body, entry.offset);

  const records = entries.map((entry) => {
    const name = Buffer.from(entry.path, "utf8");
    const paddedLength = align(name.length + 1, 4);
    const record = Buffer.alloc(4 + paddedLength + 8 + 8 + 16 + 4);
    let at = record.writeUInt32LE(paddedLength, 0);
    name.copy(record, at);
    at += paddedLength;
    at = record.writeBigUInt64LE(BigInt(entry.offset), at);
    at = record.writeBigUInt64LE(BigInt(entry.data.length), at);
    createHash("md5").update(entry.data).digest().copy(record, at);
    return record;
  });
  const count = Buffer.alloc(4);
  count.writeUInt32LE(entries.length, 0);
  return Buffer.concat([header, body, count, ...records]);
}
