/** The TetraForce response envelope: clients read `success`, `message` and `data`. */
export interface HttpResult {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

const JSON_HEADERS = {
  "content-type": "application/json; charset=utf-8",
  "cache-control": "no-store",
};

export function success(
  message: string,
  data: unknown,
  extra: Record<string, unknown> = {},
): HttpResult {
  return {
    statusCode: 200,
    headers: JSON_HEADERS,
    body: JSON.stringify({ success: true, message, data, ...extra }),
  };
}

/** 202: the work was started and is not done; Retry-After says when to look again. */
export function accepted(message: string, data: unknown, retryAfterSeconds = 5): HttpResult {
  return {
    statusCode: 202,
    headers: { ...JSON_HEADERS, "retry-after": String(retryAfterSeconds) },
    body: JSON.stringify({ success: true, message, data }),
  };
}

export function failure(
  statusCode: number,
  message: string,
  headers: Record<string, string> = {},
): HttpResult {
  return {
    statusCode,
    headers: { ...JSON_HEADERS, ...headers },
    body: JSON.stringify({ success: false, message, data: [] }),
  };
}
