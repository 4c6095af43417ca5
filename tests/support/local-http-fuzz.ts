/**
 * Seeded generator of malformed raw HTTP requests for local mode's fuzz test. Every case is a
 * byte string plus how the client ends it. None can create a room: a request that reaches
 * POST /create_server whole always carries a defect the API refuses (a foreign Origin, a name
 * that breaks the rules, a body that is not a JSON object) or never completes (aborted body).
 */
export interface FuzzCase {
  readonly bytes: Buffer;
  /** abort: reset the connection after sending; halfClose: send FIN; wait: await the answer. */
  readonly ending: "abort" | "halfClose" | "wait";
}

/** mulberry32: small, fast and good enough to make cases reproducible from a seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const METHODS = [
  "GET",
  "POST",
  "OPTIONS",
  "PUT",
  "DELETE",
  "HEAD",
  "get",
  "P0ST",
  "",
  "GET GET",
  "\u00ff",
  "X".repeat(300),
];
const PATHS = [
  "/get_servers",
  "/create_server",
  "/stop_server",
  "//",
  "///",
  "//a:99999/",
  "//a:99999/create_server",
  "/",
  "*",
  "http://a:99999/get_servers",
  "\\\\",
  "/..",
  "/../create_server",
  "/get_servers/",
  "/%00",
  "/%",
  "/%zz",
  "/\u00e9t\u00e9",
  "/get_servers#x",
  "/" + "a".repeat(5000),
  "",
  "?",
  "/ /",
];
const QUERIES = [
  "",
  "?",
  "?page=",
  "?page=0",
  "?page=-1",
  "?page=abc",
  "?page=99999999999999999999",
  "?server=",
  "?server=Keeper",
  "?server=%",
  "?server=%zz",
  "?server=a&server=b",
  "?page=0&page=1",
  "?server=" + "x".repeat(40),
  "?server=<script>",
  "?server=%00",
  "?cursor=%%%",
  "?page=0&cursor=bm90IGEgY3Vyc29y",
  "?&&&=&=",
];
const VERSIONS = [
  "HTTP/1.1",
  "HTTP/1.0",
  "HTTP/2.0",
  "HTTP/9.9",
  "HTTP/1.1 extra",
  "HTTPS/1.1",
  "",
  "http/1.1",
  "HTTP/1.",
];
const HEADER_SETS: string[][] = [
  [],
  ["Content-Length: -1"],
  ["Content-Length: abc"],
  ["Content-Length: 5", "Content-Length: 7"],
  ["Transfer-Encoding: chunked", "Content-Length: 3"],
  ["Transfer-Encoding: chunked"],
  ["Transfer-Encoding: gzip, chunked"],
  ["No colon here"],
  [": empty name"],
  ["Bad\u0000Name: x"],
  ["X-Folded: a", " continued"],
  ["X-Big: " + "b".repeat(20_000)],
  ["Authorization: Bearer"],
  ["Authorization: Bearer " + "t".repeat(3000)],
  ["Authorization: Basic Zm9vOmJhcg=="],
  ["Origin: http://evil.example"],
  ["Origin: null"],
  ["Content-Type: application/json"],
  ["Content-Type: text/plain; charset=\u00ff"],
  ["Expect: 100-continue"],
  ["Connection: upgrade", "Upgrade: websocket"],
  ["Host:"],
  Array.from({ length: 120 }, (_, i) => `X-Many-${i}: ${i}`),
];
const BODIES = [
  "",
  "{",
  "[]",
  "null",
  '{"server":',
  "\u0000\u0001\u0002",
  "x".repeat(9000),
  '{"a":1}',
];
const LINE_ENDS = ["\r\n", "\n", "\r"];

/** A defect that stops a whole POST /create_server from creating anything. */
const CREATE_DEFECTS = [
  { query: "?server=" + "n".repeat(40), header: undefined, body: undefined },
  { query: "?server=bad%21name", header: undefined, body: undefined },
  { query: "?server=Fuzz", header: "Origin: http://evil.example", body: undefined },
  { query: "?server=Fuzz", header: "Content-Type: application/json", body: "[1,2]" },
  { query: "?server=Fuzz", header: undefined, body: "{not json" },
  { query: "?server=Fuzz&server=Again", header: undefined, body: undefined },
];

export function fuzzCase(random: () => number): FuzzCase {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  // Half the cases keep a well-formed method and route, so the damage elsewhere reaches the API.
  const method = random() < 0.5 ? pick(["GET", "POST"]) : pick(METHODS);
  const path = random() < 0.5 ? pick(PATHS.slice(0, 3)) : pick(PATHS);
  let query = pick(QUERIES);
  const headers = [
    `Host: ${pick(["127.0.0.1", "", "x".repeat(300), "a:99999"])}`,
    ...pick(HEADER_SETS),
  ];
  let body = pick(BODIES);
  const eol = random() < 0.85 ? "\r\n" : pick(LINE_ENDS);
  const version = random() < 0.7 ? "HTTP/1.1" : pick(VERSIONS);
  if (method.toUpperCase() === "POST" && path === "/create_server") {
    const defect = pick(CREATE_DEFECTS);
    query = defect.query;
    if (defect.header) headers.push(defect.header);
    if (defect.body !== undefined) body = defect.body;
  }
  const declared = random() < 0.3 ? body.length + 1 + Math.floor(random() * 100) : body.length;
  if (body.length > 0 && !headers.some((h) => /^(content-length|transfer-encoding)/i.test(h)))
    headers.push(`Content-Length: ${declared}`);
  const head = `${method} ${path}${query} ${version}`.replace(/ +$/, "");
  let text = `${head}${eol}${headers.join(eol)}${eol}${eol}${body}`;
  // Truncate some cases anywhere, down to a few bytes of the request line.
  const truncated = random() < 0.25;
  if (truncated) text = text.slice(0, Math.floor(random() * text.length));
  if (random() < 0.05) text = randomBytes(random, 1 + Math.floor(random() * 200));
  const incomplete = truncated || declared > body.length || !text.includes(`${eol}${eol}`);
  const ending: FuzzCase["ending"] = pick(
    incomplete
      ? (["abort", "halfClose"] as const)
      : (["abort", "halfClose", "wait", "wait"] as const),
  );
  return { bytes: Buffer.from(text, "latin1"), ending };
}

function randomBytes(random: () => number, length: number): string {
  return String.fromCharCode(...Array.from({ length }, () => Math.floor(random() * 256)));
}
