import type { IncomingMessage } from "node:http";
import type { APIGatewayProxyEventV2 } from "aws-lambda";

/** More than the handlers accept (8 KiB), so they answer 413 themselves, as in AWS. */
const MAX_READ_BYTES = 64 * 1024;
/** Past this the body is not read at all: the connection is answered 413 and closed. */
export const MAX_DRAIN_BYTES = 1024 * 1024;

/** Why a request could not become an event; the request handler answers with `status`. */
export interface RequestProblem extends Error {
  readonly requestProblem: true;
  readonly status: number;
}

/** Recognised by a field, like the room core's errors, not by class. */
function problem(status: number, message: string): RequestProblem {
  return Object.assign(new Error(message), { requestProblem: true as const, status });
}

export function isRequestProblem(value: unknown): value is RequestProblem {
  return typeof value === "object" && value !== null && "requestProblem" in value;
}

/**
 * Turns a Node HTTP request into the API Gateway v2 (payload 2.0) event the handlers take.
 * Rejects with a RequestProblem for a target that is not a path, a body too large to read, or a
 * client that went away mid-body. The target is split by hand: `new URL()` throws on `//`.
 */
export async function toHttpApiEvent(request: IncomingMessage): Promise<APIGatewayProxyEventV2> {
  const target = request.url ?? "/";
  if (!target.startsWith("/"))
    throw problem(400, "The request target must be a path, such as /get_servers?page=0.");
  const queryAt = target.indexOf("?");
  const path = queryAt === -1 ? target : target.slice(0, queryAt);
  const query = queryAt === -1 ? "" : target.slice(queryAt + 1);
  const { body, size } = await readBody(request);
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.headers)) {
    if (value !== undefined)
      headers[key.toLowerCase()] = Array.isArray(value) ? value.join(",") : value;
  }
  const method = request.method ?? "GET";
  const now = Date.now();
  return {
    version: "2.0",
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: query,
    headers,
    requestContext: {
      accountId: "local",
      apiId: "local",
      domainName: "127.0.0.1",
      domainPrefix: "local",
      http: {
        method,
        path,
        protocol: "HTTP/1.1",
        sourceIp: request.socket.remoteAddress ?? "",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: `local-${now}`,
      routeKey: `${method} ${path}`,
      stage: "$default",
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
    // Oversized bodies are passed on over the limit, so the handler answers 413 as in AWS.
    ...(size > 0
      ? { body: size > MAX_READ_BYTES ? "x".repeat(MAX_READ_BYTES) : body.toString("utf8") }
      : {}),
    isBase64Encoded: false,
  };
}

/**
 * Reads the body with events rather than `for await`: leaving a `for await` early destroys the
 * socket, and then no 413 could be sent. A client that goes away mid-body rejects, not throws.
 */
function readBody(request: IncomingMessage): Promise<{ body: Buffer; size: number }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (outcome: () => void) => {
      if (done) return;
      done = true;
      request.off("data", onData);
      outcome();
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_READ_BYTES) chunks.push(chunk);
      if (size > MAX_DRAIN_BYTES) {
        request.pause();
        finish(() => reject(problem(413, "The request body is too large.")));
      }
    };
    request.on("data", onData);
    request.once("end", () => finish(() => resolve({ body: Buffer.concat(chunks), size })));
    request.once("error", () => finish(() => reject(problem(400, "The request was aborted."))));
    request.once("close", () => {
      if (!request.complete) finish(() => reject(problem(400, "The request was aborted.")));
    });
  });
}
