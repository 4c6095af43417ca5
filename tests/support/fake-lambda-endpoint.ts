import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type ArchiveHost, InvocationError } from "./archive-host";
import { readBody } from "./http-body";

/** One Invoke a function made, attributed by the endpoint path it called (`/fn/<caller>`). */
export interface LambdaCall {
  readonly caller: string;
  readonly action: "Invoke";
  readonly input: { FunctionName: string; InvocationType?: string };
  readonly status: number;
}

/** What an invoked function did: its result, or the error it failed with. */
export type InvokeOutcome = { result: unknown } | { error: { name?: string; message?: string } };

// Lambda's rules for FunctionName in Invoke (API reference): a name, a partial ARN
// (account:function:name) or a full ARN, with an optional version or alias; 1-170 characters.
const FUNCTION_NAME =
  /^(arn:aws[a-zA-Z-]*:lambda:[a-z]{2}(-gov)?-[a-z]+-\d{1}:\d{12}:function:)?([a-zA-Z0-9-_.]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;
const MAX_SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;
const INVOKE_PATH = /^\/fn\/([^/]+)\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/**
 * The functions an Invoke may reach, by function name: each runs its archive host (the uploaded
 * code), and a function that failed answers as Lambda reports a function error.
 */
export function archiveInvoker(hosts: ReadonlyMap<string, ArchiveHost>) {
  return (name: string) => {
    const host = hosts.get(name);
    if (!host) return undefined;
    return async (event: unknown): Promise<InvokeOutcome> => {
      try {
        return { result: (await host.invoke(event)).result };
      } catch (error) {
        if (error instanceof InvocationError) return { error: error.error };
        throw error;
      }
    };
  };
}

/**
 * Lambda's Invoke (REST-JSON, `POST /2015-03-31/functions/<FunctionName>/invocations`) on
 * 127.0.0.1, for the archives: a synchronous invoke runs the named function's own archive host,
 * so a function invoking another runs the other's uploaded code. It checks what Lambda checks
 * first (the name's pattern and length, the payload's size and JSON, RequestResponse only) and
 * answers as Lambda does: 200 with the result, 200 with `X-Amz-Function-Error: Unhandled` when
 * the function failed, 404 ResourceNotFoundException for a function it does not know.
 */
export async function startFakeLambda(
  functions: (functionName: string) => ((event: unknown) => Promise<InvokeOutcome>) | undefined,
  onCall?: (call: LambdaCall) => void,
) {
  const calls: LambdaCall[] = [];
  const server: Server = createServer((request, response) => {
    void readBody(request).then(async (body) => {
      const path = INVOKE_PATH.exec(request.url?.split("?")[0] ?? "");
      const caller = path?.[1] ?? "unknown";
      const name = decodeURIComponent(path?.[2] ?? "");
      const type = String(request.headers["x-amz-invocation-type"] ?? "RequestResponse");
      const answer = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        const call: LambdaCall = {
          caller,
          action: "Invoke",
          input: { FunctionName: name, InvocationType: type },
          status,
        };
        calls.push(call);
        onCall?.(call);
        response
          .writeHead(status, { "content-type": "application/json", ...headers })
          .end(JSON.stringify(json));
      };
      const refuse = (status: number, type: string, message: string) =>
        answer(status, { Type: "User", message }, { "x-amzn-errortype": type });
      if (request.method !== "POST" || !path) return refuse(404, "UnknownOperationException", "");
      if (name.length > 170 || !FUNCTION_NAME.test(name))
        return refuse(400, "ValidationException", `1 validation error: functionName '${name}'`);
      if (type !== "RequestResponse")
        return refuse(400, "InvalidParameterValueException", `unsupported here: ${type}`);
      if (Buffer.byteLength(body) > MAX_SYNC_PAYLOAD_BYTES)
        return refuse(413, "RequestTooLargeException", "Request must be smaller than 6291456");
      let event: unknown;
      try {
        event = body.length === 0 ? {} : JSON.parse(body);
      } catch {
        return refuse(400, "InvalidRequestContentException", "Could not parse request body");
      }
      const run = functions(FUNCTION_NAME.exec(name)![3]);
      if (!run) return refuse(404, "ResourceNotFoundException", `Function not found: ${name}`);
      const outcome = await run(event);
      if ("error" in outcome)
        return answer(
          200,
          { errorType: outcome.error.name, errorMessage: outcome.error.message },
          { "x-amz-function-error": "Unhandled", "x-amz-executed-version": "$LATEST" },
        );
      answer(200, outcome.result ?? null, { "x-amz-executed-version": "$LATEST" });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    calls,
    /** AWS_ENDPOINT_URL_LAMBDA for one function: its calls are recorded under `caller`. */
    endpointFor: (caller: string) => `${base}/fn/${caller}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
