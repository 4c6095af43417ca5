import fc from "fast-check";

/** A request before the model fills in names and tokens of rooms that exist. */
export interface RequestTemplate {
  readonly method: string;
  readonly path: string;
  /** Query parts; `@room` is replaced by an existing room's name (or a fresh one), encoded. */
  readonly query: readonly string[];
  readonly body?: string;
  /** "owner": the room's own token; "other": another room's; any other text as it is; or none. */
  readonly token?: string;
}

const BAD_NAMES = [
  "",
  " ",
  "   ",
  "%20",
  "%3Cb%3E",
  "a%2Fb",
  "x".repeat(33),
  "%E5%90%8D%E5%89%8D",
  "%F0%9F%92%A5",
  "..%2F..%2Fetc",
  "%00",
  "a%0Ab",
  "tab%09tab",
  "semi%3Bcolon",
  "quote%22",
  "a.b",
  "a%2Bb",
  "%25",
  "null",
  "-1",
  "1e309",
  "%C3%9Cn%C3%AFc%C3%B8d%C3%A9",
  "__proto__",
  "constructor",
  "O'Brien",
];
const BAD_PAGES = [
  "-1",
  "abc",
  "1.5",
  "0x10",
  "1e3",
  "100001",
  "9999999",
  "%20",
  "NaN",
  "+1",
  " 1",
  "0,1",
];
const BAD_BODIES = [
  "{",
  "[]",
  "null",
  "42",
  '"text"',
  "true",
  "{]",
  '{"server": }',
  "[1,2,3]",
  '{"server": 42}',
  '{"server": null}',
  '{"server": ["a"]}',
  '{"server": {"a": 1}}',
  '{"version": "bad version"}',
  '{"version": 1.5}',
  '{"server":"' + "x".repeat(9000) + '"}',
];
const BAD_VERSIONS = [
  "%20",
  "a%20b",
  "x".repeat(33),
  "%3Cv%3E",
  "1%2F2",
  "v%3A1",
  "%E2%9C%93",
  "%00",
  "1%2C2",
  "(1)",
  "%23",
  "%26",
  "%3D",
  "v%40",
  "~1",
];
const beat = (fields: Record<string, unknown>) =>
  JSON.stringify({ server: "@room", state: "ready", players: 0, maxPlayers: 8, ...fields });
const BAD_HEARTBEATS = [
  beat({}),
  beat({ server: "Nobody Here" }),
  beat({ state: "draining" }),
  beat({ state: "sleepy" }),
  beat({ state: 1 }),
  beat({ players: 9 }),
  beat({ players: -1 }),
  beat({ players: 1.5 }),
  beat({ players: "1" }),
  beat({ maxPlayers: 0 }),
  beat({ maxPlayers: 5000 }),
  beat({ maxPlayers: null }),
  beat({ server: "<b>" }),
  beat({ server: 42 }),
  "{",
  "[]",
];
const BAD_TOKENS = ["", "nope", "Bearer", "x".repeat(600), "owner-but-wrong"];

/** Hand-written bad input: every route meets every bad value (well over 300 requests). */
export function badInputCorpus(): RequestTemplate[] {
  const corpus: RequestTemplate[] = [];
  for (const name of BAD_NAMES) {
    corpus.push({ method: "POST", path: "/create_server", query: [`server=${name}`] });
    corpus.push({ method: "GET", path: "/get_servers", query: [`server=${name}`] });
    corpus.push({ method: "POST", path: "/stop_server", query: [`server=${name}`], token: "nope" });
    corpus.push({
      method: "POST",
      path: "/create_server",
      query: [],
      body: JSON.stringify({ server: decodeSafe(name) }),
    });
    const stopBody = JSON.stringify({ server: decodeSafe(name) });
    corpus.push({
      method: "POST",
      path: "/stop_server",
      query: [],
      body: stopBody,
      token: "owner",
    });
  }
  for (const version of BAD_VERSIONS) {
    const create = "/create_server";
    corpus.push({ method: "POST", path: create, query: ["server=@room", `version=${version}`] });
    corpus.push({ method: "POST", path: create, query: [], body: `{"version":"${version}"}` });
    corpus.push({ method: "GET", path: "/get_servers", query: [`version=${version}`] });
  }
  for (const page of BAD_PAGES) {
    corpus.push({ method: "GET", path: "/get_servers", query: [`page=${page}`] });
    corpus.push({ method: "GET", path: "/get_servers", query: [`page=${page}`, "cursor=abc"] });
    corpus.push({ method: "GET", path: "/get_servers", query: [`cursor=${page}`] });
  }
  for (const body of BAD_BODIES) {
    for (const path of ["/create_server", "/stop_server"]) {
      corpus.push({ method: "POST", path, query: [], body });
      corpus.push({ method: "POST", path, query: ["server=@room"], body, token: "owner" });
    }
    corpus.push({ method: "PUT", path: "/get_servers", query: [], body });
  }
  for (const token of BAD_TOKENS) {
    corpus.push({ method: "POST", path: "/stop_server", query: ["server=@room"], token });
    corpus.push({ method: "POST", path: "/stop_server", query: ["server=@room"], token: "other" });
  }
  for (const method of ["GET", "PUT", "DELETE", "PATCH"]) {
    corpus.push({ method, path: "/create_server", query: ["server=Wrong"] });
    corpus.push({ method, path: "/stop_server", query: ["server=@room"], token: "owner" });
  }
  for (const path of [
    "/",
    "/create",
    "/get_servers/",
    "/CREATE_SERVER",
    "/stop_server/x",
    "/%2e%2e",
  ]) {
    corpus.push({ method: "GET", path, query: [] });
  }
  for (const dup of ["server=a&server=b", "page=0&page=0", "version=1&version=2"]) {
    corpus.push({ method: "POST", path: "/create_server", query: [dup] });
    corpus.push({ method: "GET", path: "/get_servers", query: [dup] });
  }
  corpus.push({
    method: "POST",
    path: "/create_server",
    query: ["server=One"],
    body: '{"server":"Two"}',
  });
  corpus.push({ method: "POST", path: "/create_server", query: ["version=bad%20v"] });
  corpus.push({ method: "GET", path: "/get_servers", query: ["version=%3C%3E"] });
  for (const body of BAD_HEARTBEATS) {
    corpus.push({ method: "POST", path: "/room_heartbeat", query: [], body, token: "nope" });
    corpus.push({ method: "POST", path: "/room_heartbeat", query: [], body });
  }
  return corpus;
}

function decodeSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const encodable = fc.string({ unit: "grapheme", maxLength: 40 }).filter((s) => {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
});
const names = fc.oneof(
  { weight: 3, arbitrary: fc.constant("@room") },
  { weight: 3, arbitrary: fc.stringMatching(/^[A-Za-z0-9 _-]{1,32}$/).map(encodeURIComponent) },
  { weight: 2, arbitrary: encodable.map(encodeURIComponent) },
  { weight: 1, arbitrary: fc.constantFrom(...BAD_NAMES) },
);
const queryPart = fc.oneof(
  names.map((n) => `server=${n}`),
  fc
    .oneof(fc.integer({ min: -5, max: 5 }).map(String), fc.constantFrom(...BAD_PAGES))
    .map((p) => `page=${p}`),
  encodable.map((c) => `cursor=${encodeURIComponent(c)}`),
  fc
    .oneof(fc.stringMatching(/^[A-Za-z0-9._+-]{1,32}$/), encodable)
    .map((v) => `version=${encodeURIComponent(v)}`),
);
const seatCount = fc.oneof(
  fc.integer({ min: -2, max: 10 }),
  fc.constantFrom(0.5, 4096, 4097, "3", null),
);
const heartbeatBody = fc
  .record(
    {
      server: fc.oneof(fc.constant("@room"), fc.stringMatching(/^[A-Za-z0-9 _-]{1,32}$/)),
      state: fc.constantFrom("ready", "draining", "READY", "gone"),
      players: seatCount,
      maxPlayers: seatCount,
    },
    { requiredKeys: [] },
  )
  .map((b) => JSON.stringify(b));
const body = fc.oneof(
  fc.constantFrom(...BAD_BODIES),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)),
  fc
    .record(
      {
        server: fc.oneof(
          fc.stringMatching(/^[A-Za-z0-9 _-]{1,32}$/),
          fc.jsonValue({ maxDepth: 1 }),
        ),
        version: fc.jsonValue({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    )
    .map((b) => JSON.stringify(b)),
);

/** Seeded random requests across all routes, valid ones among them. */
export const randomRequest: fc.Arbitrary<RequestTemplate> = fc
  .record({
    route: fc.constantFrom(
      ["POST", "/create_server"],
      ["GET", "/get_servers"],
      ["GET", "/get_servers"],
      ["POST", "/stop_server"],
      ["PUT", "/create_server"],
      ["DELETE", "/stop_server"],
      ["GET", "/nowhere"],
      ["POST", "/room_heartbeat"],
      ["POST", "/room_heartbeat"],
    ),
    query: fc.array(queryPart, { maxLength: 3 }),
    body: fc.option(body, { freq: 3 }),
    beat: heartbeatBody,
    token: fc.option(fc.constantFrom("owner", "owner", "other", "nope"), { freq: 2 }),
  })
  .map(({ route: [method, path], query, body, beat, token }) => ({
    method,
    path,
    query,
    ...(path === "/room_heartbeat" ? { body: beat } : {}),
    ...(body !== null && method !== "GET" && path !== "/room_heartbeat" ? { body } : {}),
    ...(token !== null ? { token } : {}),
  }));
