import { failure, type HttpResult } from "../handlers/http/envelope";

/**
 * Which browser origins may call local mode. CORS headers alone only hide answers from a page;
 * a simple cross-origin POST would still create a room. So a request whose Origin is not allowed
 * is refused outright, before it is read, and changes nothing.
 */
export type CorsDecision =
  | { readonly kind: "no-origin" }
  | { readonly kind: "refused"; readonly result: HttpResult }
  | { readonly kind: "preflight"; readonly result: HttpResult }
  | { readonly kind: "allowed"; readonly headers: Record<string, string> };

/** Checks a --cors-origin value; returns it in the form browsers send (no path, no slash). */
export function parseCorsOrigin(value: string): string {
  if (value === "*" || value === "null") return value;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`--cors-origin "${value}" is not an origin such as http://127.0.0.1:8060.`);
  }
  if (!/^https?:$/.test(url.protocol) || url.pathname !== "/" || url.search || url.hash)
    throw new Error(`--cors-origin "${value}" is not an origin such as http://127.0.0.1:8060.`);
  return url.origin;
}

export function corsDecision(
  origin: string | undefined,
  method: string | undefined,
  allowed: ReadonlySet<string>,
): CorsDecision {
  if (origin === undefined) return { kind: "no-origin" };
  if (!allowed.has(origin) && !allowed.has("*")) {
    return {
      kind: "refused",
      result: failure(
        403,
        `Requests from the origin ${JSON.stringify(origin)} are not allowed. ` +
          `Start local mode with --cors-origin ${origin} to allow them.`,
        { connection: "close", vary: "Origin" },
      ),
    };
  }
  const headers = {
    "access-control-allow-origin": origin,
    "access-control-expose-headers": "Retry-After",
    vary: "Origin",
  };
  if (method !== "OPTIONS") return { kind: "allowed", headers };
  return {
    kind: "preflight",
    result: {
      statusCode: 204,
      headers: {
        ...headers,
        "access-control-allow-methods": "GET, POST, OPTIONS",
        "access-control-allow-headers": "Authorization, Content-Type",
        "access-control-max-age": "600",
      },
      body: "",
    },
  };
}
