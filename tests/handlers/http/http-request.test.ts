import type { APIGatewayProxyEventV2 } from "aws-lambda";
import {
  MAX_BODY_BYTES,
  parameter,
  readHttpRequest,
  type HttpRequest,
} from "../../../handlers/http/http-request";
import { httpEvent, type HttpEventOptions } from "../../support/http-events";

/** readHttpRequest over API Gateway v2 events: every field may be missing or of the wrong type. */

const DOMAIN = "abc123.execute-api.us-east-1.amazonaws.com";

function read(event: unknown): HttpRequest {
  return readHttpRequest(event as Partial<APIGatewayProxyEventV2>);
}

function post(options: HttpEventOptions = {}) {
  return httpEvent("POST", "/create_server", options);
}

/** The client error readHttpRequest throws for this event, as the fields a client sees. */
function refusal(event: unknown) {
  try {
    read(event);
  } catch (error) {
    const { code, status, message } = error as { code: string; status: number; message: string };
    return { code, status, message };
  }
  throw new Error("the request was accepted");
}

const TOO_LARGE = {
  code: "PayloadTooLarge",
  status: 413,
  message: "The request body is larger than 8192 bytes.",
};
const NOT_AN_OBJECT = {
  code: "InvalidRequest",
  status: 400,
  message: "The request body must be a JSON object.",
};

/** A JSON object body of exactly `bytes` UTF-8 bytes. */
function jsonOfBytes(bytes: number, filler = "a"): string {
  const frame = JSON.stringify({ pad: "" }).length;
  const fillerBytes = Buffer.byteLength(filler, "utf8");
  const count = Math.floor((bytes - frame) / fillerBytes);
  const text = JSON.stringify({
    pad: filler.repeat(count) + "a".repeat(bytes - frame - count * fillerBytes),
  });
  expect(Buffer.byteLength(text, "utf8")).toBe(bytes);
  return text;
}

describe("the request line", () => {
  test("a real API Gateway event reads whole: method, path, query, body, token, API URL, source", () => {
    const request = read(
      post({
        query: "server=Castle&version=1.4",
        body: JSON.stringify({ players: 2 }),
        headers: { authorization: "Bearer tok-123" },
      }),
    );
    expect(request).toEqual({
      method: "POST",
      path: "/create_server",
      query: new Map([
        ["server", "Castle"],
        ["version", "1.4"],
      ]),
      body: { players: 2 },
      bearerToken: "tok-123",
      apiUrl: `https://${DOMAIN}`,
      sourceIp: "198.51.100.1",
    });
  });

  test("the method is upper-cased; a missing or non-string method is empty", () => {
    const event = httpEvent("post", "/create_server");
    expect(read(event).method).toBe("POST");
    expect(read({ requestContext: { http: { method: 5 } } }).method).toBe("");
    expect(read({ requestContext: {} }).method).toBe("");
    expect(read({}).method).toBe("");
  });

  test("the path is rawPath, else requestContext.http.path, else empty", () => {
    expect(
      read({ rawPath: "/get_servers", requestContext: { http: { path: "/other" } } }).path,
    ).toBe("/get_servers");
    expect(read({ rawPath: 7, requestContext: { http: { path: "/other" } } }).path).toBe("/other");
    expect(read({ requestContext: { http: { path: "/other" } } }).path).toBe("/other");
    expect(read({ requestContext: { http: { path: 7 } } }).path).toBe("");
    expect(read({}).path).toBe("");
  });

  test("an empty event reads as an empty request (nothing throws)", () => {
    expect(read({})).toEqual({ method: "", path: "", query: new Map(), body: {} });
    expect(read({ requestContext: null, headers: null, queryStringParameters: null })).toEqual({
      method: "",
      path: "",
      query: new Map(),
      body: {},
    });
  });
});

describe("the bearer token", () => {
  function token(authorization: unknown) {
    const event = post();
    return read({ ...event, headers: { ...event.headers, authorization } }).bearerToken;
  }

  test("`Bearer <token>` gives the token, in any case, with any spacing around it", () => {
    expect(token("Bearer abc.DEF-123_~+/=")).toBe("abc.DEF-123_~+/=");
    expect(token("bearer abc")).toBe("abc");
    expect(token("BEARER abc")).toBe("abc");
    expect(token("Bearer    abc")).toBe("abc");
    expect(token("Bearer\tabc")).toBe("abc");
    expect(token("Bearer abc   ")).toBe("abc");
  });

  test("the whole header must be the scheme and one token (anchored both ends)", () => {
    expect(token("Token Bearer abc")).toBeUndefined();
    expect(token(" Bearer abc")).toBeUndefined();
    expect(token("XBearer abc")).toBeUndefined();
    expect(token("Bearer abc def")).toBeUndefined();
    expect(token("Bearer abc def ")).toBeUndefined();
    expect(token("Bearerabc")).toBeUndefined();
    expect(token("Bearer ")).toBeUndefined();
    expect(token("Basic dXNlcjpwYXNz")).toBeUndefined();
    expect(token("abc")).toBeUndefined();
  });

  test("a token has at most 512 characters", () => {
    expect(token(`Bearer ${"t".repeat(512)}`)).toBe("t".repeat(512));
    expect(token(`Bearer ${"t".repeat(513)}`)).toBeUndefined();
  });

  test("a missing, non-string or oddly placed header gives no token", () => {
    expect(token(undefined)).toBeUndefined();
    expect(token(42)).toBeUndefined();
    expect(token(["Bearer abc"])).toBeUndefined();
    expect(token({ toString: () => "Bearer abc" })).toBeUndefined();
    // API Gateway v2 lower-cases header names; only `authorization` is read.
    expect(read(post({ headers: { Authorization: "Bearer abc" } })).bearerToken).toBeUndefined();
    expect(read({ ...post(), headers: null }).bearerToken).toBeUndefined();
    expect(read({ ...post(), headers: "authorization: Bearer abc" }).bearerToken).toBeUndefined();
    expect("bearerToken" in read(post())).toBe(false);
    expect("bearerToken" in read(post({ headers: { authorization: "Bearer " } }))).toBe(false);
  });
});

describe("the API URL (the servers' ROOMS_API_URL)", () => {
  function apiUrl(context: Record<string, unknown>) {
    const event = post();
    return read({ ...event, requestContext: { ...event.requestContext, ...context } }).apiUrl;
  }

  test("https://<domainName>, with /<stage> unless the stage is $default", () => {
    expect(apiUrl({})).toBe(`https://${DOMAIN}`);
    expect(apiUrl({ stage: "prod" })).toBe(`https://${DOMAIN}/prod`);
    expect(apiUrl({ stage: "dev_2-b" })).toBe(`https://${DOMAIN}/dev_2-b`);
    expect(apiUrl({ domainName: "rooms.example.com", stage: "$default" })).toBe(
      "https://rooms.example.com",
    );
  });

  test("a missing or non-string stage, or one with other characters, adds no path", () => {
    expect(apiUrl({ stage: undefined })).toBe(`https://${DOMAIN}`);
    expect(apiUrl({ stage: 7 })).toBe(`https://${DOMAIN}`);
    expect(apiUrl({ stage: "" })).toBe(`https://${DOMAIN}`);
    expect(apiUrl({ stage: "a/b" })).toBe(`https://${DOMAIN}`);
    expect(apiUrl({ stage: "/prod" })).toBe(`https://${DOMAIN}`);
    expect(apiUrl({ stage: "prod/" })).toBe(`https://${DOMAIN}`);
    expect(apiUrl({ stage: "prod?x=1" })).toBe(`https://${DOMAIN}`);
    expect(apiUrl({ stage: "s".repeat(128) })).toBe(`https://${DOMAIN}/${"s".repeat(128)}`);
    expect(apiUrl({ stage: "s".repeat(129) })).toBe(`https://${DOMAIN}`);
  });

  test("a missing, non-string or malformed domain name gives no API URL", () => {
    expect(apiUrl({ domainName: undefined })).toBeUndefined();
    expect(apiUrl({ domainName: 7 })).toBeUndefined();
    expect(apiUrl({ domainName: "" })).toBeUndefined();
    expect(apiUrl({ domainName: "evil.com/x" })).toBeUndefined();
    expect(apiUrl({ domainName: "/evil.com" })).toBeUndefined();
    expect(apiUrl({ domainName: "evil.com@other" })).toBeUndefined();
    expect(apiUrl({ domainName: "a b" })).toBeUndefined();
    expect(apiUrl({ domainName: "x".repeat(253) })).toBe(`https://${"x".repeat(253)}`);
    expect(apiUrl({ domainName: "x".repeat(254) })).toBeUndefined();
    expect(read({ ...post(), requestContext: undefined }).apiUrl).toBeUndefined();
    expect("apiUrl" in read({ ...post(), requestContext: { http: {} } })).toBe(false);
  });
});

describe("the source address", () => {
  function sourceIp(value: unknown) {
    const event = post();
    return read({
      ...event,
      requestContext: {
        ...event.requestContext,
        http: { ...event.requestContext.http, sourceIp: value },
      },
    }).sourceIp;
  }

  test("is requestContext.http.sourceIp, up to 64 characters", () => {
    expect(sourceIp("2001:db8::1")).toBe("2001:db8::1");
    expect(sourceIp("a".repeat(64))).toBe("a".repeat(64));
    expect(sourceIp("a".repeat(65))).toBeUndefined();
    expect(sourceIp(17)).toBeUndefined();
    expect(sourceIp(undefined)).toBeUndefined();
    expect("sourceIp" in read({})).toBe(false);
  });
});

describe("the query", () => {
  test("is read from rawQueryString; each parameter once", () => {
    expect(read(post({ query: "server=A%20B&page=" })).query).toEqual(
      new Map([
        ["server", "A B"],
        ["page", ""],
      ]),
    );
    expect(refusal(post({ query: "page=0&page=1" }))).toEqual({
      code: "InvalidRequest",
      status: 400,
      message: "Give the 'page' parameter only once.",
    });
    expect(refusal(post({ query: "server=A&server=A" }))).toEqual({
      code: "InvalidRequest",
      status: 400,
      message: "Give the 'server' parameter only once.",
    });
  });

  test("an empty rawQueryString is an empty query, whatever queryStringParameters says", () => {
    expect(
      read({ ...post(), rawQueryString: "", queryStringParameters: { a: "1" } }).query,
    ).toEqual(new Map());
  });

  test("without rawQueryString, queryStringParameters' string values are used", () => {
    const event = { ...post(), rawQueryString: undefined };
    expect(
      read({ ...event, queryStringParameters: { server: "Castle", page: 2, x: null } }).query,
    ).toEqual(new Map([["server", "Castle"]]));
    expect(read({ ...event, queryStringParameters: "server=Castle" }).query).toEqual(new Map());
    expect(read({ ...event, queryStringParameters: null }).query).toEqual(new Map());
    expect(read({ ...event, queryStringParameters: undefined }).query).toEqual(new Map());
  });
});

describe("the body", () => {
  test("absent, null, empty or blank is {}", () => {
    expect(read(post()).body).toEqual({});
    expect(read({ ...post(), body: null }).body).toEqual({});
    expect(read(post({ body: "" })).body).toEqual({});
    expect(read(post({ body: "  \n\t " })).body).toEqual({});
    expect(read(post({ body: "", isBase64Encoded: true })).body).toEqual({});
  });

  test("a JSON object is its fields", () => {
    expect(read(post({ body: ' {"server":"Castle","players":2} ' })).body).toEqual({
      server: "Castle",
      players: 2,
    });
  });

  test("a base64-encoded body (isBase64Encoded: true, exactly) is decoded as UTF-8", () => {
    const text = JSON.stringify({ server: "Château" });
    const encoded = Buffer.from(text, "utf8").toString("base64");
    expect(read(post({ body: encoded, isBase64Encoded: true })).body).toEqual({
      server: "Château",
    });
    expect(refusal({ ...post({ body: encoded }), isBase64Encoded: "true" })).toEqual(NOT_AN_OBJECT);
  });

  test("a body that is not a string is refused", () => {
    expect(refusal({ ...post(), body: { server: "Castle" } })).toEqual({
      code: "InvalidRequest",
      status: 400,
      message: "The request body must be JSON.",
    });
    expect(refusal({ ...post(), body: 5 })).toEqual({
      code: "InvalidRequest",
      status: 400,
      message: "The request body must be JSON.",
    });
  });

  test.each([
    ["malformed JSON", "{server:"],
    ["an array", '["Castle"]'],
    ["null", "null"],
    ["a number", "5"],
    ["a string", '"Castle"'],
    ["true", "true"],
  ])("%s is refused: the body must be a JSON object", (_, body) => {
    expect(refusal(post({ body }))).toEqual(NOT_AN_OBJECT);
  });

  test(`exactly ${MAX_BODY_BYTES} bytes is read; one byte more is 413`, () => {
    expect(MAX_BODY_BYTES).toBe(8192);
    const atLimit = jsonOfBytes(8192);
    expect(read(post({ body: atLimit })).body).toEqual(JSON.parse(atLimit));
    expect(refusal(post({ body: jsonOfBytes(8193) }))).toEqual(TOO_LARGE);
  });

  test("the limit counts UTF-8 bytes, not characters", () => {
    const atLimit = jsonOfBytes(8192, "é");
    expect(atLimit.length).toBeLessThan(8192);
    expect(read(post({ body: atLimit })).body).toEqual(JSON.parse(atLimit));
    const over = jsonOfBytes(8193, "é");
    expect(over.length).toBeLessThan(8192);
    expect(refusal(post({ body: over }))).toEqual(TOO_LARGE);
  });

  test("a base64 body is limited by its decoded size: 8192 decoded bytes are read, 8193 are 413", () => {
    const atLimit = jsonOfBytes(8192);
    const encoded = Buffer.from(atLimit).toString("base64");
    expect(encoded.length).toBeGreaterThan(8192);
    expect(read(post({ body: encoded, isBase64Encoded: true })).body).toEqual(JSON.parse(atLimit));
    const over = Buffer.from(jsonOfBytes(8193)).toString("base64");
    expect(refusal(post({ body: over, isBase64Encoded: true }))).toEqual(TOO_LARGE);
  });

  test("an encoded body longer than twice the limit is 413 before it is decoded", () => {
    const small = Buffer.from('{"server":"Castle"}').toString("base64");
    // Base64 decoding skips whitespace: these decode to 19 bytes whatever their length.
    const atCap = small + " ".repeat(2 * 8192 - small.length);
    expect(atCap.length).toBe(16384);
    expect(read(post({ body: atCap, isBase64Encoded: true })).body).toEqual({ server: "Castle" });
    expect(refusal(post({ body: atCap + " ", isBase64Encoded: true }))).toEqual(TOO_LARGE);
  });
});

describe("parameter: the query or the body, not both unless they agree", () => {
  function request(query: string, body?: Record<string, unknown>) {
    return read(post({ query, ...(body ? { body: JSON.stringify(body) } : {}) }));
  }

  test("from the query, from the body, or undefined", () => {
    expect(parameter(request("server=Castle"), "server")).toBe("Castle");
    expect(parameter(request("", { server: "Keep" }), "server")).toBe("Keep");
    expect(parameter(request("", { server: 5 }), "server")).toBe(5);
    expect(parameter(request(""), "server")).toBeUndefined();
    expect(parameter(request("version=1.4", { server: "Keep" }), "version")).toBe("1.4");
  });

  test("the same value in both is fine", () => {
    expect(parameter(request("server=Castle", { server: "Castle" }), "server")).toBe("Castle");
  });

  test("different values are refused with a message naming the parameter", () => {
    const refused = (query: string, body: Record<string, unknown>, name: string) => {
      try {
        parameter(request(query, body), name);
      } catch (error) {
        const { code, status, message } = error as Record<string, unknown>;
        return { code, status, message };
      }
      return undefined;
    };
    expect(refused("server=Castle", { server: "Keep" }, "server")).toEqual({
      code: "InvalidRequest",
      status: 400,
      message: "'server' is given twice, with different values.",
    });
    expect(refused("version=1", { version: 1 }, "version")).toEqual({
      code: "InvalidRequest",
      status: 400,
      message: "'version' is given twice, with different values.",
    });
    expect(refused("server=", { server: "Keep" }, "server")).toEqual({
      code: "InvalidRequest",
      status: 400,
      message: "'server' is given twice, with different values.",
    });
  });
});
