import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * Join tickets: what a player presents to a room's server, which checks it without calling the
 * API. `<payload>.<signature>`, both base64url without padding:
 * - payload: the JSON `{"v":1,"r":<room id>,"s":<seat id>,"e":<expiry, epoch seconds>}`;
 * - signature: HMAC-SHA256 of the payload's base64url text, keyed with the room's ticket key.
 * The room id is the server's fixed id (a warm server's too), never the room's name. The ticket
 * key is 32 random bytes per server, given to the server once (in the heartbeat answer that gives
 * its room key) and kept in its row for the join function; it is never logged.
 */
export interface TicketClaims {
  readonly roomId: string;
  readonly seat: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

export const TICKET_VERSION = 1;

/** A new ticket key, base64url (as the server receives it). */
export function newTicketKey(): string {
  return randomBytes(32).toString("base64url");
}

/** A new seat id: short, random, unique within a room. */
export function newSeatId(): string {
  return randomBytes(6).toString("base64url");
}

export function signTicket(claims: TicketClaims, ticketKey: string): string {
  const payload = Buffer.from(
    JSON.stringify({ v: TICKET_VERSION, r: claims.roomId, s: claims.seat, e: claims.expiresAt }),
    "utf8",
  ).toString("base64url");
  return `${payload}.${signatureOf(payload, ticketKey)}`;
}

/**
 * The claims of a ticket whose signature holds under the key; undefined otherwise (expiry and
 * seat reuse are the verifier's to check: it knows the time and the seats already used).
 */
export function verifyTicket(ticket: string, ticketKey: string): TicketClaims | undefined {
  const parts = ticket.split(".");
  if (parts.length !== 2) return undefined;
  const [payload, signature] = parts;
  const expected = Buffer.from(signatureOf(payload, ticketKey), "utf8");
  const given = Buffer.from(signature, "utf8");
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<
      string,
      unknown
    >;
    if (claims.v !== TICKET_VERSION) return undefined;
    const { r, s, e } = claims;
    if (typeof r !== "string" || typeof s !== "string" || typeof e !== "number") return undefined;
    return { roomId: r, seat: s, expiresAt: e };
  } catch {
    return undefined;
  }
}

function signatureOf(payload: string, ticketKey: string): string {
  return createHmac("sha256", Buffer.from(ticketKey, "base64url"))
    .update(payload, "utf8")
    .digest("base64url");
}
