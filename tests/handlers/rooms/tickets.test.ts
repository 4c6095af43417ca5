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
