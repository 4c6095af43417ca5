import {
  isWarmName,
  nameKeyOf,
  type RoomRecord,
  toPublicRoom,
  warmNameOf,
} from "../../../handlers/rooms/room";

const RECORD: RoomRecord = {
  name: "Brave-Otter-42",
  status: "RUNNING",
  ip: "203.0.113.10",
  port: 7777,
  createdAt: "2026-11-20T18:00:00.000Z",
  updatedAt: "2026-11-20T18:04:12.000Z",
  roomId: "0123456789abcdef01234567",
  serverId: "arn:aws:ecs:us-east-1:111122223333:task/godot-rooms-dev/7e3f",
  ownerTokenHash: "aa".repeat(32),
  eventVersion: 4,
  expiresAt: 1_795_000_000,
  readiness: "heartbeat",
  taskRunning: true,
  taskRunningAt: "2026-11-20T18:04:12.000Z",
  ready: true,
  heartbeatAt: "2026-11-20T18:04:20.000Z",
  bootstrapHash: "bb".repeat(32),
  keyHash: "cc".repeat(32),
  ticketKey: "a-ticket-key",
};

describe("toPublicRoom", () => {
  test("a RUNNING room shows its address and nothing of its internals", () => {
    expect(toPublicRoom(RECORD)).toStrictEqual({
      name: "Brave-Otter-42",
      status: "RUNNING",
      ip: "203.0.113.10",
      port: 7777,
      createdAt: "2026-11-20T18:00:00.000Z",
      updatedAt: "2026-11-20T18:04:12.000Z",
    });
  });

  test.each(["PROVISIONING", "PENDING", "STOPPING"] as const)(
    "a %s room hides the address it may already have",
    (status) => {
      const room = toPublicRoom({ ...RECORD, status });
      expect(room).toStrictEqual({
        name: "Brave-Otter-42",
        status,
        port: 7777,
        createdAt: RECORD.createdAt,
        updatedAt: RECORD.updatedAt,
      });
    },
  );

  test("version, counts and protocol are shown when set; zero players are shown as 0", () => {
    const room = toPublicRoom({
      ...RECORD,
      version: "1.2.0",
      players: 0,
      maxPlayers: 8,
      protocol: "tcp",
    });
    expect(room).toStrictEqual({
      name: "Brave-Otter-42",
      status: "RUNNING",
      ip: "203.0.113.10",
      port: 7777,
      version: "1.2.0",
      players: 0,
      maxPlayers: 8,
      protocol: "tcp",
      createdAt: RECORD.createdAt,
      updatedAt: RECORD.updatedAt,
    });
    expect(toPublicRoom({ ...RECORD, players: 3, maxPlayers: 0 })).toMatchObject({
      players: 3,
      maxPlayers: 0,
    });
  });

  test("a RUNNING row without an address shows none", () => {
    expect(toPublicRoom({ ...RECORD, ip: undefined })).not.toHaveProperty("ip");
    expect(toPublicRoom({ ...RECORD, ip: "" })).not.toHaveProperty("ip");
  });
});

describe("names", () => {
  test("room names are keyed in lower case, as the table stores them", () => {
    expect(nameKeyOf("Brave-Otter-42")).toBe("brave-otter-42");
    expect(nameKeyOf("MY ROOM_1")).toBe("my room_1");
  });

  test("a warm server's placeholder is ~ and its room id, and only such names are placeholders", () => {
    const roomId = "0123456789abcdef01234567";
    expect(warmNameOf(roomId)).toBe(`~${roomId}`);
    expect(isWarmName(warmNameOf(roomId))).toBe(true);
    expect(isWarmName("~abcdef01")).toBe(true);
    expect(isWarmName(`~${"f".repeat(64)}`)).toBe(true);
    expect(isWarmName("~abcdef0")).toBe(false);
    expect(isWarmName(`~${"f".repeat(65)}`)).toBe(false);
    expect(isWarmName("~ABCDEF01")).toBe(false);
    expect(isWarmName("abcdef0123")).toBe(false);
    expect(isWarmName("x~abcdef0123")).toBe(false);
    expect(isWarmName("~abcdef0123 ")).toBe(false);
    expect(isWarmName("~abcdef01g3")).toBe(false);
  });
});
