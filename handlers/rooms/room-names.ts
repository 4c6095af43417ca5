import { randomInt } from "node:crypto";
import { invalidRequest } from "./errors";

const ALLOWED_NAME = /^[A-Za-z0-9 _-]{1,32}$/;
const ALLOWED_VERSION = /^[A-Za-z0-9._+-]{1,32}$/;

export const NAME_RULES =
  "A room name has 1 to 32 characters: letters, digits, spaces, '-' and '_'.";

/** Trims a client-given room name and checks it against the rules, or throws a 400. */
export function validateRoomName(raw: unknown): string {
  if (typeof raw !== "string") throw invalidRequest(NAME_RULES);
  const name = raw.trim();
  if (!ALLOWED_NAME.test(name)) throw invalidRequest(NAME_RULES);
  return name;
}

/** Checks an optional game build version; `undefined` or "" means none. */
export function validateVersion(raw: unknown): string | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (typeof raw !== "string" || !ALLOWED_VERSION.test(raw)) {
    throw invalidRequest(
      "A version has 1 to 32 characters: letters, digits, '.', '_', '+' and '-'.",
    );
  }
  return raw;
}

const ADJECTIVES = [
  "Brave",
  "Calm",
  "Clever",
  "Cosmic",
  "Daring",
  "Eager",
  "Fancy",
  "Fierce",
  "Gentle",
  "Golden",
  "Happy",
  "Hidden",
  "Jolly",
  "Kind",
  "Lucky",
  "Mighty",
  "Misty",
  "Nimble",
  "Noble",
  "Quick",
  "Quiet",
  "Rapid",
  "Rusty",
  "Shiny",
  "Silent",
  "Silver",
  "Sly",
  "Smart",
  "Snowy",
  "Sunny",
  "Swift",
  "Tiny",
  "Wild",
  "Wise",
  "Witty",
  "Zesty",
];

const ANIMALS = [
  "Badger",
  "Bear",
  "Beaver",
  "Bison",
  "Cobra",
  "Crane",
  "Crow",
  "Deer",
  "Dingo",
  "Eagle",
  "Falcon",
  "Ferret",
  "Fox",
  "Gecko",
  "Hare",
  "Hawk",
  "Heron",
  "Ibis",
  "Koala",
  "Lemur",
  "Lion",
  "Lynx",
  "Marten",
  "Moose",
  "Newt",
  "Otter",
  "Owl",
  "Panda",
  "Puffin",
  "Raven",
  "Seal",
  "Stoat",
  "Tiger",
  "Toad",
  "Wolf",
  "Yak",
];

/** A readable random name such as "Brave-Otter-42" (36 × 36 × 99 ≈ 128,000 names). */
export function generateRoomName(pick: (max: number) => number = randomInt): string {
  const adjective = ADJECTIVES[pick(ADJECTIVES.length)];
  const animal = ANIMALS[pick(ANIMALS.length)];
  return `${adjective}-${animal}-${pick(99) + 1}`;
}
