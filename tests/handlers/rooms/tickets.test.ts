import { createHmac } from "node:crypto";
import { roomHeartbeat } from "../../../handlers/rooms/room-heartbeat";
import { createRoom } from "../../../handlers/rooms/create-room";
import { newSeatId, newTicketKey, signTicket, verifyTicket } from "../../../handlers/rooms/tickets";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import { roomDeps } from "../../support/room-deps";
import { markRunning } from "../../support/task-events";

const claims = { roomId: "0123456789abcdef01234567", seat: "s1", expiresAt: 1_795_000_000 };

test("a ticket is base64url JSON and its HMAC-SHA256 under the room's key, as documented", () => {
  const key = newTicketKey();
  expect(Buffer.from(key, "base64url")).toHaveLength(32);
  const ticket = signTicket(claims, key);
  const [payload, signature] = ticket.split(".");
  expect(JSON.parse(Buffer.from(payload, "base64url").toString("utf8"))).toEqual({
    v: 1,
    r: claims.roomId,
    s: "s1",
    e: 1_795_000_000,
  });
  const expected = createHmac("sha256", Buffer.from(key, "base64url"))
    .update(payload)
    .digest("base64url");
  expect(signature).toBe(expected);
  expect(verifyTicket(ticket, key)).toEqual(claims);
});

test("a forged, re-keyed, truncated or malformed ticket does not verify", () => {
  const key = newTicketKey();
  const ticket = signTicket(claims, key);
  const [payload, signature] = ticket.split(".");
  const otherPayload = Buffer.from(
    JSON.stringify({ v: 1, r: claims.roomId, s: "s2", e: claims.expiresAt }),
  ).toString("base64url");
  expect(verifyTicket(ticket, newTicketKey())).toBeUndefined();
  expect(verifyTicket(`${otherPayload}.${signature}`, key)).toBeUndefined();
  expect(verifyTicket(`${payload}.${signature.slice(0, -1)}`, key)).toBeUndefined();
  expect(verifyTicket(payload, key)).toBeUndefined();
  expect(verifyTicket(`${ticket}.x`, key)).toBeUndefined();
  const notJson = Buffer.from("not json").toString("base64url");
  expect(verifyTicket(signTicket(claims, key).replace(payload, notJson), key)).toBeUndefined();
  const wrongVersion = Buffer.from(JSON.stringify({ v: 2, r: "r", s: "s", e: 1 })).toString(
    "base64url",
  );
  const signed = createHmac("sha256", Buffer.from(key, "base64url"))
    .update(wrongVersion)
    .digest("base64url");
  expect(verifyTicket(`${wrongVersion}.${signed}`, key)).toBeUndefined();
  expect(newSeatId()).not.toBe(newSeatId());
});

/** A payload signed correctly under the key: what verifyTicket then reads of it. */
function signedPayload(claims: unknown, key: string): string {
  const payload = Buffer.from(JSON.stringify(claims), "utf8").toString("base64url");
  const signature = createHmac("sha256", Buffer.from(key, "base64url"))
    .update(payload)
    .digest("base64url");
  return `${payload}.${signature}`;
}

describe("verifyTicket reads only well-formed claims of version 1", () => {
  const key = newTicketKey();

  test("extra fields are not claims", () => {
    const ticket = signedPayload({ v: 1, r: "room", s: "seat", e: 5, admin: true }, key);
    expect(verifyTicket(ticket, key)).toStrictEqual({ roomId: "room", seat: "seat", expiresAt: 5 });
  });

  test.each<[string, unknown]>([
    ["a room id that is not a string", { v: 1, r: 7, s: "seat", e: 5 }],
    ["no room id", { v: 1, s: "seat", e: 5 }],
    ["a seat that is not a string", { v: 1, r: "room", s: 1, e: 5 }],
    ["no seat", { v: 1, r: "room", e: 5 }],
    ["an expiry that is not a number", { v: 1, r: "room", s: "seat", e: "5" }],
    ["no expiry", { v: 1, r: "room", s: "seat" }],
    ["no version", { r: "room", s: "seat", e: 5 }],
    ["version 0", { v: 0, r: "room", s: "seat", e: 5 }],
    ["the version as a string", { v: "1", r: "room", s: "seat", e: 5 }],
    ["null claims", null],
    ["a list", [1, "room", "seat", 5]],
  ])("%s: undefined", (_, claims) => {
    expect(verifyTicket(signedPayload(claims, key), key)).toBeUndefined();
  });

  test("an empty signature, an empty ticket, or a signature in another encoding: undefined", () => {
    const ticket = signTicket(claims, key);
    const [payload] = ticket.split(".");
    expect(verifyTicket(`${payload}.`, key)).toBeUndefined();
    expect(verifyTicket("", key)).toBeUndefined();
    expect(verifyTicket(".", key)).toBeUndefined();
    const hex = createHmac("sha256", Buffer.from(key, "base64url")).update(payload).digest("hex");
    expect(verifyTicket(`${payload}.${hex}`, key)).toBeUndefined();
    // A longer signature that starts with the right one.
    const [, signature] = ticket.split(".");
    expect(verifyTicket(`${payload}.${signature}A`, key)).toBeUndefined();
  });

  test("the key is read as base64url: the same bytes in another spelling do not sign alike", () => {
    const bytes = Buffer.alloc(32, 0xfb);
    const asBase64url = bytes.toString("base64url");
    const ticket = signTicket(claims, asBase64url);
    expect(verifyTicket(ticket, asBase64url)).toEqual(claims);
    const hmac = createHmac("sha256", bytes).update(ticket.split(".")[0]).digest("base64url");
    expect(ticket.split(".")[1]).toBe(hmac);
  });

  test("seat ids are 6 random bytes, base64url", () => {
    const seat = newSeatId();
    expect(seat).toMatch(/^[A-Za-z0-9_-]{8}$/);
    expect(Buffer.from(seat, "base64url")).toHaveLength(6);
  });

  test("ticket keys are 32 random bytes, base64url, and differ", () => {
    const one = newTicketKey();
    expect(one).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newTicketKey()).not.toBe(one);
  });

  test("the payload is exactly the documented JSON, in order", () => {
    const [payload] = signTicket(claims, key).split(".");
    expect(Buffer.from(payload, "base64url").toString("utf8")).toBe(
      `{"v":1,"r":"${claims.roomId}","s":"s1","e":1795000000}`,
    );
  });
});

describe("the ticket key reaches the server with its room key", () => {
  let table: TestTable;
  beforeEach(async () => {
    table = await startRoomsTable();
  });
  afterEach(async () => {
    await table.close();
  });

  test("the exchange answers ticketKey and roomId; a repeated exchange keeps the same ticket key", async () => {
    const deps = roomDeps(table, { serverReadiness: "heartbeat" });
    await createRoom({ name: "Keyed" }, deps);
    const started = await markRunning(deps, "Keyed");
    const beat = { server: "Keyed", state: "ready", players: 0, maxPlayers: 4 };
    const first = await roomHeartbeat({ ...beat, secret: started.secret }, deps);
    expect(first).toMatchObject({ roomId: started.roomId, ticketKey: expect.any(String) });
    // The answer was lost: the secret still works until the key is used, and the key stays.
    const again = await roomHeartbeat({ ...beat, secret: started.secret }, deps);
    expect(again.ticketKey).toBe(first.ticketKey);
    expect(again.roomKey).not.toBe(first.roomKey);
    const steady = await roomHeartbeat({ ...beat, secret: again.roomKey }, deps);
    expect(steady.ticketKey).toBeUndefined();
    expect(steady.roomKey).toBeUndefined();
  });
});
