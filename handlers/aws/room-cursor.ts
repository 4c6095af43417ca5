import { invalidRequest } from "../rooms/errors";

export const CURSOR_INVALID = "The cursor is not valid. Start again from page 0.";

/** Opaque cursors for list pages: the index position, base64url-encoded. */
export function encodeCursor(lastKey: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(lastKey), "utf8").toString("base64url");
}

/** Decodes a client's cursor for the given index keys, or throws a 400. */
export function decodeCursor(cursor: string, keyNames: readonly string[]): Record<string, string> {
  const invalid = invalidRequest(CURSOR_INVALID);
  if (cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    throw invalid;
  }
  if (typeof decoded !== "object" || decoded === null || Array.isArray(decoded)) throw invalid;
  const entries = Object.entries(decoded);
  const wellFormed =
    entries.length === keyNames.length &&
    entries.every(
      ([key, value]) => keyNames.includes(key) && typeof value === "string" && value.length <= 200,
    );
  if (!wellFormed) throw invalid;
  return decoded as Record<string, string>;
}
