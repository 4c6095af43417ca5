import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A new secret that proves ownership of a room. Shown to the creator once, never stored. */
export function newOwnerToken(): string {
  return randomBytes(32).toString("base64url");
}

/** What the store keeps instead of the token. */
export function hashOwnerToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** Compares a presented token with the stored hash in constant time. */
export function ownerTokenMatches(presented: string | undefined, storedHash: string): boolean {
  if (!presented) return false;
  const presentedHash = Buffer.from(hashOwnerToken(presented), "hex");
  const expected = Buffer.from(storedHash, "hex");
  return presentedHash.length === expected.length && timingSafeEqual(presentedHash, expected);
}

/** A random id for one reservation of a room name. */
export function newRoomId(): string {
  return randomBytes(12).toString("hex");
}

/**
 * Room servers' secrets (the one-time ROOM_SECRET and the room key it is exchanged for) are made,
 * stored and checked exactly like owner tokens: random, kept only as a SHA-256, compared in
 * constant time.
 */
export const newRoomSecret = newOwnerToken;
export const hashRoomSecret = hashOwnerToken;
export const roomSecretMatches = ownerTokenMatches;
