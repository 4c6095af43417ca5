import { unavailable } from "../rooms/errors";

/**
 * Whether an error is AWS being briefly busy or unreachable rather than a bug: throttling, a
 * service-side 5xx, or the network. Such requests get 503 and may be retried; anything else is
 * ours to fix and stays a 500. It reads only the shape the SDK v3 gives its errors (`name`,
 * `$metadata.httpStatusCode`, `$retryable`) and Node's network error codes, so it needs no import.
 * The SDK wraps what it cannot treat as an Error ("AWS SDK error wrapper for Error: connect
 * ECONNREFUSED ..."), keeping only the message: a network code in a message counts too.
 * (Why-comments of create_server's code sit above its functions, not in them: Pulumi's
 * serializer keeps a function's body as text, comments included, in every archive using it.)
 */
const THROTTLING =
  /Throttl|TooManyRequests|RequestLimitExceeded|ProvisionedThroughputExceeded|LimitExceeded/;
const NETWORK_CODES = ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EAI_AGAIN"];
const NETWORK_NAMES = ["TimeoutError", "RequestTimeout", "RequestTimeoutException"];

export function isTransientAwsError(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const e = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  const name = typeof e.name === "string" ? e.name : "";
  const status = e.$metadata?.httpStatusCode;
  return (
    THROTTLING.test(name) ||
    NETWORK_NAMES.includes(name) ||
    (typeof e.code === "string" && NETWORK_CODES.includes(e.code)) ||
    (e.$metadata !== undefined &&
      typeof e.message === "string" &&
      NETWORK_CODES.some((code) => (e.message as string).includes(code))) ||
    (typeof status === "number" && (status === 429 || status >= 500)) ||
    (e.$retryable !== undefined && e.$metadata !== undefined)
  );
}

/** The core's view of an AWS failure: busy or unreachable is its "unavailable"; a bug stays as it is. */
export function toCoreError(error: unknown): unknown {
  return isTransientAwsError(error) ? unavailable(error) : error;
}

/** Runs an AWS request, translating its transient failures for the core. */
export function awsRequest<T>(request: Promise<T>): Promise<T> {
  return request.catch((error: unknown) => {
    throw toCoreError(error);
  });
}
