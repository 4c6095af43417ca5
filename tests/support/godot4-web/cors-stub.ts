import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface StubRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: string;
  readonly at: number;
}

export interface StubAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "Retry-After",
};

/**
 * A loopback HTTP server for what local mode cannot be made to answer on demand (Retry-After,
 * 429). It answers CORS preflights as API Gateway does, so a page on another origin can call it,
 * and records every other request. Stop it with `stop()`.
 */
export async function startCorsStub(answer: (request: StubRequest) => StubAnswer) {
  const requests: StubRequest[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    request.on("end", () => {
      if (request.method === "OPTIONS") {
        response.writeHead(204, {
          ...CORS,
          "access-control-allow-methods": "GET, POST, OPTIONS",
          "access-control-allow-headers": "Authorization, Content-Type",
        });
        return void response.end();
      }
      const recorded = {
        method: request.method ?? "",
        url: request.url ?? "",
        headers: request.headers,
        body,
        at: Date.now(),
      };
      requests.push(recorded);
      const reply = answer(recorded);
      response
        .writeHead(reply.status, {
          ...CORS,
          "content-type": "application/json",
          ...reply.headers,
        })
        .end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
