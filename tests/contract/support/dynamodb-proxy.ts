import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseJson, readBody } from "../../support/http-body";

/** One DynamoDB call a function made: what IAM authorises (action, table, index). */
export interface DynamoCall {
  readonly caller: string;
  readonly action: string;
  readonly tableName?: string;
  readonly indexName?: string;
}

/** A fault to inject: the next call that matches answers with this AWS error instead. */
export interface DynamoFault {
  readonly action: string;
  readonly when?: (input: any) => boolean;
  readonly status: number;
  readonly type: string;
}

/**
 * A loopback proxy in front of a real DynamoDB API (dynalite): it records every call per
 * function (each function's endpoint is `/fn/<name>`), and can fail the next matching call with
 * the error AWS would send, to show what a failed write does to the uploaded code.
 */
export async function startDynamoProxy(target: string) {
  const calls: DynamoCall[] = [];
  const faults: DynamoFault[] = [];
  const upstream = new URL(target);
  const server: Server = createServer((incoming, response) => {
    void readBody(incoming).then((body) => {
      const caller = /^\/fn\/([^/]+)/.exec(incoming.url ?? "")?.[1] ?? "unknown";
      const action = String(incoming.headers["x-amz-target"] ?? "").replace(/^DynamoDB_\d+\./, "");
      const input = parseJson(body);
      calls.push({
        caller,
        action,
        ...(typeof input?.TableName === "string" ? { tableName: input.TableName } : {}),
        ...(typeof input?.IndexName === "string" ? { indexName: input.IndexName } : {}),
      });
      const fault = faults.findIndex((f) => f.action === action && (f.when?.(input) ?? true));
      if (fault >= 0) {
        const [{ status, type }] = faults.splice(fault, 1);
        response.writeHead(status, { "content-type": "application/x-amz-json-1.0" }).end(
          JSON.stringify({
            __type: `com.amazonaws.dynamodb.v20120810#${type}`,
            message: "injected",
          }),
        );
        return;
      }
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: incoming.method,
          path: "/",
          headers: { ...incoming.headers, host: upstream.host },
        },
        (answer) => {
          response.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(response);
        },
      );
      forward.on("error", () => response.destroy());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpointFor: (caller: string) => `${base}/fn/${caller}`,
    calls,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type DynamoProxy = Awaited<ReturnType<typeof startDynamoProxy>>;
