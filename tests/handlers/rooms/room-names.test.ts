import type { RoomsError } from "../../../handlers/rooms/errors";
import {
  generateRoomName,
  NAME_RULES,
  validateRoomName,
  validateVersion,
} from "../../../handlers/rooms/room-names";

const VERSION_RULES = "A version has 1 to 32 characters: letters, digits, '.', '_', '+' and '-'.";

function refusal(run: () => unknown): RoomsError {
  try {
    run();
  } catch (error) {
    return error as RoomsError;
  }
  throw new Error("expected a refusal");
}

describe("validateRoomName", () => {
  test.each([
    ["Brave-Otter-42", "Brave-Otter-42"],
    ["  My Room_1  ", "My Room_1"],
    ["a", "a"],
    ["x".repeat(32), "x".repeat(32)],
    [` ${"y".repeat(32)} `, "y".repeat(32)],
  ])("accepts %j as %j", (raw, name) => {
    expect(validateRoomName(raw)).toBe(name);
  });

  test.each<[string, unknown]>([
    ["33 characters", "x".repeat(33)],
    ["an empty name", ""],
    ["only spaces", "   "],
    ["a tilde (placeholders only)", "~abcdef0123"],
    ["a dot", "a.b"],
    ["a slash", "a/b"],
    ["a non-ASCII letter", "Café"],
    ["a newline inside", "a\nb"],
    ["a number", 42],
    ["null", null],
    ["undefined", undefined],
  ])("refuses %s: 400 with the rules", (_, raw) => {
    const error = refusal(() => validateRoomName(raw));
    expect(error).toMatchObject({ status: 400, code: "InvalidRequest", message: NAME_RULES });
  });

  test("the rules read as documented", () => {
    expect(NAME_RULES).toBe(
      "A room name has 1 to 32 characters: letters, digits, spaces, '-' and '_'.",
    );
  });
});

describe("validateVersion", () => {
  test("absent or empty means no version", () => {
    expect(validateVersion(undefined)).toBeUndefined();
    expect(validateVersion("")).toBeUndefined();
  });

  test.each(["1", "1.2.0", "v2_beta+build-7", "z".repeat(32)])("accepts %j as it is", (raw) => {
    expect(validateVersion(raw)).toBe(raw);
  });

  test.each<[string, unknown]>([
    ["33 characters", "1".repeat(33)],
    ["a space", "1.2 beta"],
    ["surrounding spaces (not trimmed)", " 1.2 "],
    ["a slash", "1/2"],
    ["a number", 1.2],
    ["null", null],
    ["a list", ["1.2"]],
  ])("refuses %s: 400 with the rules", (_, raw) => {
    const error = refusal(() => validateVersion(raw));
    expect(error).toMatchObject({ status: 400, code: "InvalidRequest", message: VERSION_RULES });
  });
});

describe("generateRoomName", () => {
  test("the first words and 1 at the low end, the last words and 99 at the high end", () => {
    expect(generateRoomName(() => 0)).toBe("Brave-Badger-1");
    expect(generateRoomName((max) => max - 1)).toBe("Zesty-Yak-99");
  });

  test("asks for one of 36 adjectives, one of 36 animals, one of 99 numbers, in that order", () => {
    const asked: number[] = [];
    const name = generateRoomName((max) => {
      asked.push(max);
      return asked.length;
    });
    expect(asked).toEqual([36, 36, 99]);
    expect(name).toBe("Calm-Beaver-4");
  });

  test("every word can be drawn: 36 distinct capitalised adjectives, 36 distinct animals", () => {
    const adjectives = new Set<string>();
    const animals = new Set<string>();
    for (let i = 0; i < 36; i++) {
      const [adjective, animal, number] = generateRoomName(() => i).split("-");
      expect(adjective).toMatch(/^[A-Z][a-z]{2,}$/);
      expect(animal).toMatch(/^[A-Z][a-z]{2,}$/);
      expect(number).toBe(String(i + 1));
      adjectives.add(adjective);
      animals.add(animal);
    }
    expect(adjectives.size).toBe(36);
    expect(animals.size).toBe(36);
  });

  test("random names are valid room names", () => {
    for (let i = 0; i < 50; i++) {
      const name = generateRoomName();
      expect(name).toMatch(/^[A-Z][a-z]+-[A-Z][a-z]+-([1-9]|[1-9][0-9])$/);
      expect(validateRoomName(name)).toBe(name);
    }
  });
});
