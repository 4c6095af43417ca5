import { createHmac, randomBytes, randomInt } from "node:crypto";
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { isDeepStrictEqual } from "node:util";
import { join } from "node:path";
import {
  newSeatId,
  newTicketKey,
  signTicket,
  verifyTicket,
  type TicketClaims,
} from "../../handlers/rooms/tickets";
import { GodotProcess } from "../support/godot-process";

/**
 * The Godot 3 join-ticket code (godot-image/game/reference-server/room_ticket.gd) on real
 * godot3-server 3.2, judged by Node: its HMAC-SHA256 (built on HashingContext: Godot 3.2 has no
 * HMAC) against crypto.createHmac on RFC 4231's vectors and on random keys and messages, and its
 * verify() against tickets made by the service's own signTicket (handlers/rooms/tickets.ts).
 * A small SceneTree script reads the cases from a JSON file and prints one JSON line per result.
 */
const TICKET_SCRIPT = join(
  __dirname,
  "..",
  "..",
  "godot-image",
  "game",
  "reference-server",
  "room_ticket.gd",
);

const PROBE = `extends SceneTree
# Reads res://cases.json; prints {"hmac": i, "hex": ..., "b64url": ...} per HMAC case and
# {"ticket": i, ...verify's result} per ticket case, then {"event": "done"}.
const RoomTicket = preload("res://room_ticket.gd")


func _init() -> void:
	var file := File.new()
	file.open("res://cases.json", File.READ)
	var cases: Dictionary = JSON.parse(file.get_as_text()).result
	file.close()
	var i := 0
	for hmac in cases.hmac:
		var key := _bytes(hmac.key)
		var message := _bytes(hmac.message) if hmac.has("message") else hmac.text.to_utf8()
		var digest: PoolByteArray = RoomTicket.hmac_sha256(key, message)
		print(JSON.print({"hmac": i, "hex": digest.hex_encode(), "b64url": RoomTicket.base64url_encode(digest)}))
		i += 1
	i = 0
	for ticket in cases.tickets:
		var checked: Dictionary = RoomTicket.verify(ticket.ticket, ticket.key, ticket.room, int(ticket.now))
		checked["ticket"] = i
		print(JSON.print(checked))
		i += 1
	i = 0
	for text in cases.decode:
		print(JSON.print({"decode": i, "hex": RoomTicket.base64url_decode(text).hex_encode()}))
		i += 1
	print(JSON.print({"event": "done"}))
	quit(0)


# Standard base64 (the test's encoding of raw bytes); "" is no bytes.
func _bytes(text: String) -> PoolByteArray:
	return PoolByteArray() if text == "" else Marshalls.base64_to_raw(text)
`;

interface HmacCase {
  readonly name: string;
  readonly key: Buffer;
  readonly message?: Buffer;
  readonly text?: string;
}

interface TicketCase {
  readonly name: string;
  readonly ticket: string;
  readonly key: string;
  readonly room: string;
  readonly now: number;
  readonly expect: { ok: boolean; reason: string; seat?: string };
}

const hex = (text: string) => Buffer.from(text.replace(/\s/g, ""), "hex");
const repeat = (byte: number, count: number) => Buffer.alloc(count, byte);
const ascii = (text: string) => Buffer.from(text, "ascii");

/** RFC 4231 §4: HMAC-SHA256 test cases 1 to 7 (keys of 20, 4, 20, 25, 20, 131 and 131 bytes). */
const RFC_4231: HmacCase[] = [
  { name: "RFC 4231 case 1", key: repeat(0x0b, 20), message: ascii("Hi There") },
  {
    name: "RFC 4231 case 2 (4-byte key)",
    key: ascii("Jefe"),
    message: ascii("what do ya want for nothing?"),
  },
  { name: "RFC 4231 case 3", key: repeat(0xaa, 20), message: repeat(0xdd, 50) },
  {
    name: "RFC 4231 case 4 (25-byte key)",
    key: hex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
    message: repeat(0xcd, 50),
  },
  { name: "RFC 4231 case 5", key: repeat(0x0c, 20), message: ascii("Test With Truncation") },
  {
    name: "RFC 4231 case 6 (131-byte key, hashed first)",
    key: repeat(0xaa, 131),
    message: ascii("Test Using Larger Than Block-Size Key - Hash Key First"),
  },
  {
    name: "RFC 4231 case 7 (131-byte key and a long message)",
    key: repeat(0xaa, 131),
    message: ascii(
      "This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.",
    ),
  },
];

/** RFC 4231's published HMAC-SHA256 outputs for the cases above (case 5 truncated to 128 bits). */
const RFC_4231_EXPECTED = [
  "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
  "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
  "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
  "a3b6167473100ee06e0c796c2955552b",
  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
  "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
];

const KEY_SIZES = [0, 1, 20, 31, 32, 33, 63, 64, 65, 100, 131, 200];
const MESSAGE_SIZES = [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000];

function hmacCases(): HmacCase[] {
  const cases: HmacCase[] = [...RFC_4231];
  cases.push({ name: "empty message", key: randomBytes(32), message: Buffer.alloc(0) });
  cases.push({ name: "empty key and message", key: Buffer.alloc(0), message: Buffer.alloc(0) });
  cases.push({
    name: "64-byte key (one block, not hashed)",
    key: randomBytes(64),
    message: ascii("x"),
  });
  cases.push({ name: "65-byte key (hashed)", key: randomBytes(65), message: ascii("x") });
  cases.push({ name: "long message (1 MiB)", key: randomBytes(32), message: randomBytes(1 << 20) });
  cases.push({
    name: "zero bytes in the message",
    key: randomBytes(32),
    message: Buffer.alloc(300),
  });
  for (const text of ["héllo wörld", "ключ ✓ 鍵 🎮 \u{1F600}", 'tab\tnew\nline "quoted" \\']) {
    cases.push({ name: `unicode text ${JSON.stringify(text)}`, key: randomBytes(32), text });
  }
  for (const keySize of KEY_SIZES) {
    for (const messageSize of MESSAGE_SIZES) {
      cases.push({
        name: `random key of ${keySize} bytes, message of ${messageSize}`,
        key: randomBytes(keySize),
        message: randomBytes(messageSize),
      });
    }
  }
  for (let i = 0; i < 40; i++) {
    cases.push({
      name: `random #${i}`,
      key: randomBytes(randomInt(0, 300)),
      message: randomBytes(randomInt(0, 5000)),
    });
  }
  return cases;
}

const base64url = (json: unknown) =>
  Buffer.from(JSON.stringify(json), "utf8").toString("base64url");
const sign = (payload: string, key: string) =>
  createHmac("sha256", Buffer.from(key, "base64url")).update(payload).digest("base64url");
/** A ticket over any payload text, signed as the service signs (for claims it would not write). */
const signedPayload = (payload: string, key: string) => `${payload}.${sign(payload, key)}`;

function ticketCases(now: number): TicketCase[] {
  const key = newTicketKey();
  const room = "r-0123456789abcdef";
  const seat = newSeatId();
  const claims = (over: Partial<TicketClaims> = {}): TicketClaims => ({
    roomId: room,
    seat,
    expiresAt: now + 60,
    ...over,
  });
  const valid = signTicket(claims(), key);
  const [payload, signature] = valid.split(".");
  const ok = (s = seat) => ({ ok: true, reason: "", seat: s });
  const refused = (reason: string) => ({ ok: false, reason, seat: "" });
  const base = { key, room, now };
  // The signature with its first letter changed: still base64url, no longer the HMAC.
  const flipped = `${signature[0] === "A" ? "B" : "A"}${signature.slice(1)}`;
  const cases: TicketCase[] = [
    { name: "valid", ticket: valid, ...base, expect: ok() },
    {
      name: "valid, expiring in 1 s",
      ticket: signTicket(claims({ expiresAt: now + 1 }), key),
      ...base,
      expect: ok(),
    },
    {
      name: "forged signature",
      ticket: `${payload}.${flipped}`,
      ...base,
      expect: refused("forged"),
    },
    {
      name: "signed with another key",
      ticket: signTicket(claims(), newTicketKey()),
      ...base,
      expect: refused("forged"),
    },
    {
      name: "checked with another key",
      ticket: valid,
      ...base,
      key: newTicketKey(),
      expect: refused("forged"),
    },
    {
      name: "payload changed (another room), signature kept",
      ticket: `${base64url({ v: 1, r: "r-other", s: seat, e: now + 60 })}.${signature}`,
      ...base,
      expect: refused("forged"),
    },
    {
      name: "signature padded with '='",
      ticket: `${valid}=`,
      ...base,
      expect: refused("malformed"),
    },
    {
      name: "signature a letter short",
      ticket: valid.slice(0, -1),
      ...base,
      expect: refused("forged"),
    },
    {
      name: "for another room",
      ticket: signTicket(claims({ roomId: "r-other" }), key),
      ...base,
      expect: refused("other room"),
    },
    {
      name: "for the room's name rather than its id",
      ticket: signTicket(claims({ roomId: "Arena" }), key),
      ...base,
      expect: refused("other room"),
    },
    {
      name: "expired a second ago",
      ticket: signTicket(claims({ expiresAt: now - 1 }), key),
      ...base,
      expect: refused("expired"),
    },
    {
      name: "expiring now",
      ticket: signTicket(claims({ expiresAt: now }), key),
      ...base,
      expect: refused("expired"),
    },
    {
      name: "long expired",
      ticket: signTicket(claims({ expiresAt: 1_600_000_000 }), key),
      ...base,
      expect: refused("expired"),
    },
    { name: "empty", ticket: "", ...base, expect: refused("malformed") },
    { name: "no dot", ticket: payload, ...base, expect: refused("malformed") },
    { name: "three parts", ticket: `${valid}.${signature}`, ...base, expect: refused("malformed") },
    { name: "empty signature", ticket: `${payload}.`, ...base, expect: refused("malformed") },
    { name: "empty payload", ticket: `.${signature}`, ...base, expect: refused("malformed") },
    {
      name: "not base64url",
      ticket: `${payload}!.${signature}`,
      ...base,
      expect: refused("malformed"),
    },
    {
      name: "standard base64 letters",
      ticket: `${payload}+/.${signature}`,
      ...base,
      expect: refused("malformed"),
    },
    {
      name: "too long",
      ticket: `${"A".repeat(4000)}.${signature}`,
      ...base,
      expect: refused("malformed"),
    },
    // Signed, but not claims the service writes.
    {
      name: "signed, not JSON",
      ticket: signedPayload(Buffer.from("not json").toString("base64url"), key),
      ...base,
      expect: refused("malformed"),
    },
    {
      name: "signed, a JSON array",
      ticket: signedPayload(base64url([1, room, seat, now + 60]), key),
      ...base,
      expect: refused("malformed"),
    },
    {
      name: "signed, version 2",
      ticket: signedPayload(base64url({ v: 2, r: room, s: seat, e: now + 60 }), key),
      ...base,
      expect: refused("malformed"),
    },
    {
      name: "signed, version as text",
      ticket: signedPayload(base64url({ v: "1", r: room, s: seat, e: now + 60 }), key),
      ...base,
      expect: refused("malformed"),
    },
    {
      name: "signed, no seat",
      ticket: signedPayload(base64url({ v: 1, r: room, e: now + 60 }), key),
      ...base,
      expect: refused("malformed"),
    },
    {
      name: "signed, empty seat",
      ticket: signedPayload(base64url({ v: 1, r: room, s: "", e: now + 60 }), key),
      ...base,
      expect: refused("malformed"),
    },
    {
      name: "signed, room as a number",
      ticket: signedPayload(base64url({ v: 1, r: 7, s: seat, e: now + 60 }), key),
      ...base,
      expect: refused("malformed"),
    },
    {
      name: "signed, expiry as text",
      ticket: signedPayload(base64url({ v: 1, r: room, s: seat, e: String(now + 60) }), key),
      ...base,
      expect: refused("malformed"),
    },
    { name: "no ticket key", ticket: valid, ...base, key: "", expect: refused("no ticket key") },
    {
      name: "a ticket key that is not base64url",
      ticket: valid,
      ...base,
      key: "not a key!",
      expect: refused("no ticket key"),
    },
    {
      name: "unicode room id and seat",
      ticket: signTicket(claims({ roomId: "salle-é-🎮", seat: "siège-1" }), key),
      ...base,
      room: "salle-é-🎮",
      expect: ok("siège-1"),
    },
  ];
  // Random servers' keys and tickets: each valid; any one letter changed makes it forged.
  const letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  for (let i = 0; i < 40; i++) {
    const randomKey = newTicketKey();
    const randomRoom = `r-${randomBytes(randomInt(1, 20)).toString("hex")}`;
    const randomSeat = newSeatId();
    const ticket = signTicket(
      { roomId: randomRoom, seat: randomSeat, expiresAt: now + randomInt(1, 100_000) },
      randomKey,
    );
    const random = { key: randomKey, room: randomRoom, now };
    cases.push({ name: `random #${i}`, ticket, ...random, expect: ok(randomSeat) });
    let at = randomInt(0, ticket.length);
    if (ticket[at] === ".") at++;
    const others = letters.replace(ticket[at], "");
    const changed =
      ticket.slice(0, at) + others[randomInt(0, others.length)] + ticket.slice(at + 1);
    cases.push({
      name: `random #${i}, letter ${at} changed`,
      ticket: changed,
      ...random,
      expect: refused("forged"),
    });
  }
  return cases;
}

let dir: string;
let hmacs: HmacCase[];
let tickets: TicketCase[];
let decodes: string[];
let lines: Array<Record<string, unknown>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "room-ticket-hmac-"));
  copyFileSync(TICKET_SCRIPT, join(dir, "room_ticket.gd"));
  writeFileSync(join(dir, "probe.gd"), PROBE);
  writeFileSync(
    join(dir, "project.godot"),
    'config_version=4\n\n[application]\nconfig/name="room ticket probe"\n',
  );
  hmacs = hmacCases();
  tickets = ticketCases(Math.floor(Date.now() / 1000));
  decodes = [
    "",
    "AA",
    "AAA",
    "AAAA",
    "_-8",
    "-_-_",
    "YWJj",
    "YWJjZA",
    "YWJjZA==",
    "A",
    "a+b",
    "ab/c",
    "a b",
  ];
  writeFileSync(
    join(dir, "cases.json"),
    JSON.stringify({
      hmac: hmacs.map((c) => ({
        key: c.key.toString("base64"),
        ...(c.message ? { message: c.message.toString("base64") } : { text: c.text }),
      })),
      tickets: tickets.map(({ ticket, key, room, now }) => ({ ticket, key, room, now })),
      decode: decodes,
    }),
  );
  const godot = new GodotProcess(["--path", dir, "-s", "probe.gd"]);
  try {
    await godot.waitFor((l) => l.event === "done", 60_000);
    expect((await godot.exited).code).toBe(0);
  } finally {
    await godot.stop();
  }
  lines = godot.lines.map(({ at: _at, ...line }) => line);
}, 90_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("HMAC-SHA256 on HashingContext equals Node's crypto.createHmac on every case (RFC 4231, empty, long, unicode, random)", () => {
  const results = lines.filter((l) => typeof l.hmac === "number");
  expect(results).toHaveLength(hmacs.length);
  const mismatches = hmacs.flatMap((c, i) => {
    const message = c.message ?? Buffer.from(c.text!, "utf8");
    const digest = createHmac("sha256", c.key).update(message).digest();
    const got = results.find((r) => r.hmac === i)!;
    const want = { hex: digest.toString("hex"), b64url: digest.toString("base64url") };
    return got.hex === want.hex && got.b64url === want.b64url ? [] : [{ name: c.name, got, want }];
  });
  expect(mismatches).toEqual([]);
  expect(hmacs.length).toBeGreaterThan(180);
});

test("RFC 4231's published outputs, as Godot computed them", () => {
  RFC_4231_EXPECTED.forEach((want, i) => {
    expect({
      case: i + 1,
      hex: String(lines.find((l) => l.hmac === i)!.hex).slice(0, want.length),
    }).toEqual({
      case: i + 1,
      hex: want,
    });
  });
});

test("verify() on tickets made by the service's signTicket: valid ones give their seat, each bad one its reason", () => {
  const results = lines.filter((l) => typeof l.ticket === "number");
  expect(results).toHaveLength(tickets.length);
  const wrong = tickets.flatMap((c, i) => {
    const { ticket: _index, expires: _expires, ...got } = results.find((r) => r.ticket === i)!;
    return isDeepStrictEqual(got, { ...c.expect, seat: c.expect.seat ?? "" })
      ? []
      : [{ name: c.name, got, want: c.expect }];
  });
  expect(wrong).toEqual([]);
  // Valid ones carry their expiry too.
  expect(results[0]).toMatchObject({ ok: true, expires: tickets[0].now + 60 });
});

test("verify() and the service's verifyTicket agree on which tickets hold (but for an empty seat)", () => {
  const refusedOutright = ["malformed", "forged", "no ticket key"];
  for (const c of tickets) {
    const claims = c.key === "" ? undefined : verifyTicket(c.ticket, c.key);
    // Godot also refuses an empty seat id, which the service accepts but never writes (its seats
    // come from newSeatId): a seat usable once must name something.
    const strictHere = c.name === "signed, empty seat";
    expect({ name: c.name, holds: claims !== undefined }).toEqual({
      name: c.name,
      holds: strictHere || !refusedOutright.includes(c.expect.reason),
    });
  }
});

test("base64url decoding: with or without padding; anything else decodes to nothing", () => {
  const results = lines.filter((l) => typeof l.decode === "number");
  const want = decodes.map((text) =>
    /^[A-Za-z0-9_-]+=*$/.test(text) && text.replace(/=+$/, "").length % 4 !== 1
      ? Buffer.from(text, "base64url").toString("hex")
      : "",
  );
  expect(results.map((r) => r.hex)).toEqual(want);
});
