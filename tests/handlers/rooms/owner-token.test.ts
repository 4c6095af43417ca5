import { createHash } from "node:crypto";
import {
  hashOwnerToken,
  hashRoomSecret,
  newOwnerToken,
  newRoomId,
  newRoomSecret,
  ownerTokenMatches,
  roomSecretMatches,
} from "../../../handlers/rooms/owner-token";

describe("owner tokens", () => {
  test("a token is 32 random bytes, base64url", () => {
    const token = newOwnerToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(newOwnerToken()).not.toBe(token);
  });

  test("the store keeps the SHA-256 of the token's UTF-8, in hex", () => {
    const token = "jeton-de-propriétaire";
    expect(hashOwnerToken(token)).toBe(
      createHash("sha256").update(Buffer.from(token, "utf8")).digest("hex"),
    );
    expect(hashOwnerToken(token)).toMatch(/^[0-9a-f]{64}$/);
  });

  test("only the token itself matches its hash", () => {
    const token = newOwnerToken();
    const stored = hashOwnerToken(token);
    expect(ownerTokenMatches(token, stored)).toBe(true);
    expect(ownerTokenMatches(`${token}x`, stored)).toBe(false);
    expect(ownerTokenMatches(token.slice(1), stored)).toBe(false);
    expect(ownerTokenMatches(newOwnerToken(), stored)).toBe(false);
    // The hash is not a token.
    expect(ownerTokenMatches(stored, stored)).toBe(false);
  });

  test("no token, or an empty one, never matches (not even the hash of the empty string)", () => {
    expect(ownerTokenMatches(undefined, hashOwnerToken(""))).toBe(false);
    expect(ownerTokenMatches("", hashOwnerToken(""))).toBe(false);
  });

  test("a stored hash of the wrong length is a mismatch, not an error", () => {
    const token = newOwnerToken();
    const stored = hashOwnerToken(token);
    expect(ownerTokenMatches(token, stored.slice(0, 62))).toBe(false);
    expect(ownerTokenMatches(token, `${stored}00`)).toBe(false);
    expect(ownerTokenMatches(token, "")).toBe(false);
  });

  test("room ids are 12 random bytes in hex", () => {
    const id = newRoomId();
    expect(id).toMatch(/^[0-9a-f]{24}$/);
    expect(newRoomId()).not.toBe(id);
  });

  test("room secrets are made and checked exactly like owner tokens", () => {
    const secret = newRoomSecret();
    expect(Buffer.from(secret, "base64url")).toHaveLength(32);
    expect(hashRoomSecret(secret)).toBe(hashOwnerToken(secret));
    expect(roomSecretMatches(secret, hashRoomSecret(secret))).toBe(true);
    expect(roomSecretMatches(newRoomSecret(), hashRoomSecret(secret))).toBe(false);
  });
});
