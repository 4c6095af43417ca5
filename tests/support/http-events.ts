import type { APIGatewayProxyEventV2 } from "aws-lambda";

export interface HttpEventOptions {
  readonly query?: string;
  readonly body?: string;
  readonly headers?: Record<string, string>;
  readonly isBase64Encoded?: boolean;
}

/** A real-shaped API Gateway v2 (payload format 2.0) event. */
export function httpEvent(
  method: string,
  path: string,
  options: HttpEventOptions = {},
): APIGatewayProxyEventV2 {
  return {
    version: "2.0",
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: options.query ?? "",
    headers: {
      host: "abc123.execute-api.us-east-1.amazonaws.com",
      "user-agent": "GodotEngine/3.2.3",
      ...options.headers,
    },
    ...(options.query
      ? { queryStringParameters: Object.fromEntries(new URLSearchParams(options.query)) }
      : {}),
    requestContext: {
      accountId: "111122223333",
      apiId: "abc123",
      domainName: "abc123.execute-api.us-east-1.amazonaws.com",
      domainPrefix: "abc123",
      http: {
        method,
        path,
        protocol: "HTTP/1.1",
        sourceIp: "198.51.100.1",
        userAgent: "GodotEngine/3.2.3",
      },
      requestId: "req-1",
      routeKey: `${method} ${path}`,
      stage: "$default",
      time: "20/Nov/2026:18:04:12 +0000",
      timeEpoch: 1795284252000,
    },
    ...(options.body !== undefined ? { body: options.body } : {}),
    isBase64Encoded: options.isBase64Encoded ?? false,
  };
}
