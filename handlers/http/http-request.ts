import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { invalidRequest, payloadTooLarge } from "../rooms/errors";

/** What the routes need of an API Gateway v2 (payload 2.0) request, checked. */
export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  /** Query parameters; each may appear once. */
  readonly query: ReadonlyMap<string, string>;
  /** The JSON body's fields, or {} when there is no body. */
  readonly body: Readonly<Record<string, unknown>>;
  readonly bearerToken?: string;
  /**
   * The API's base URL as this request reached it (`https://<domainName>[/<stage>]`), from the
   * request context: the room servers' ROOMS_API_URL. (Reading it from the API resource in the
   * program would make each function depend on the API that depends on it.)
   */
  readonly apiUrl?: string;
  /** The client's address as API Gateway saw it (`requestContext.http.sourceIp`). */
  readonly sourceIp?: string;
}

export const MAX_BODY_BYTES = 8 * 1024;

/** Reads an event defensively: every field may be missing or of the wrong type. */
export function readHttpRequest(event: Partial<APIGatewayProxyEventV2>): HttpRequest {
  const http = (
    event.requestContext as Partial<APIGatewayProxyEventV2["requestContext"]> | undefined
  )?.http;
  const method = typeof http?.method === "string" ? http.method.toUpperCase() : "";
  const path =
    typeof event.rawPath === "string"
      ? event.rawPath
      : typeof http?.path === "string"
        ? http.path
        : "";
  const bearerToken = bearerTokenOf(event.headers);
  const apiUrl = apiUrlOf(event.requestContext);
  const sourceIp =
    typeof http?.sourceIp === "string" && http.sourceIp.length <= 64 ? http.sourceIp : undefined;
  return {
    method,
    path,
    query: readQuery(event),
    body: readBody(event),
    ...(bearerToken ? { bearerToken } : {}),
    ...(apiUrl ? { apiUrl } : {}),
    ...(sourceIp ? { sourceIp } : {}),
  };
}

function apiUrlOf(context: unknown): string | undefined {
  const { domainName, stage } = (context ?? {}) as { domainName?: unknown; stage?: unknown };
  if (typeof domainName !== "string" || !/^[A-Za-z0-9.-]{1,253}$/.test(domainName))
    return undefined;
  const stagePath =
    typeof stage === "string" && stage !== "$default" && /^[A-Za-z0-9_-]{1,128}$/.test(stage)
      ? `/${stage}`
      : "";
  return `https://${domainName}${stagePath}`;
}

function readQuery(event: Partial<APIGatewayProxyEventV2>): Map<string, string> {
  const query = new Map<string, string>();
  if (typeof event.rawQueryString === "string") {
    for (const [key, value] of new URLSearchParams(event.rawQueryString)) {
      if (query.has(key)) throw invalidRequest(`Give the '${key}' parameter only once.`);
      query.set(key, value);
    }
    return query;
  }
  const params = event.queryStringParameters;
  if (params && typeof params === "object") {
    for (const [key, value] of Object.entries(params))
      if (typeof value === "string") query.set(key, value);
  }
  return query;
}

function readBody(event: Partial<APIGatewayProxyEventV2>): Record<string, unknown> {
  if (event.body === undefined || event.body === null) return {};
  if (typeof event.body !== "string") throw invalidRequest("The request body must be JSON.");
  if (event.body.length > MAX_BODY_BYTES * 2) throw payloadTooLarge(MAX_BODY_BYTES);
  const text =
    event.isBase64Encoded === true
      ? Buffer.from(event.body, "base64").toString("utf8")
      : event.body;
  if (Buffer.byteLength(text, "utf8") > MAX_BODY_BYTES) throw payloadTooLarge(MAX_BODY_BYTES);
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidRequest("The request body must be a JSON object.");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw invalidRequest("The request body must be a JSON object.");
  }
  return parsed as Record<string, unknown>;
}

function bearerTokenOf(headers: unknown): string | undefined {
  if (!headers || typeof headers !== "object") return undefined;
  const value = (headers as Record<string, unknown>).authorization;
  if (typeof value !== "string") return undefined;
  const match = /^Bearer\s+(\S{1,512})\s*$/i.exec(value);
  return match?.[1];
}

/** A parameter given in the query or the JSON body (not both, unless they agree). */
export function parameter(request: HttpRequest, name: string): unknown {
  const fromQuery = request.query.get(name);
  const fromBody = request.body[name];
  if (fromQuery !== undefined && fromBody !== undefined && fromQuery !== fromBody) {
    throw invalidRequest(`'${name}' is given twice, with different values.`);
  }
  return fromQuery ?? fromBody;
}
