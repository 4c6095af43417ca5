import type { QuickPlayCreate, RoomCreator } from "../ports";
import type { Room } from "../rooms/room";
import { createRefused, unavailable } from "../rooms/errors";
import { awsRequest } from "./transient-errors";

type LambdaSdk = typeof import("@aws-sdk/client-lambda");

/** What create_server answers, as API Gateway would pass it on (payload format 2.0). */
interface CreateAnswer {
  readonly statusCode?: unknown;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

/**
 * Quick play's rooms on AWS: join_room invokes the stack's create_server function with the request
 * a player would send it, from the player's own address. So a quick-play room is made by the one
 * create path (warm first, the cap, the player's create limit, every undo), and join_room's role
 * needs `lambda:InvokeFunction` on that one function instead of RunTask and PassRole. The SDK's
 * Lambda client is loaded on the first quick play that needs a room: most joins never do.
 */
export function lambdaRoomCreator(loadSdk: () => LambdaSdk, functionName: string): RoomCreator {
  let client: InstanceType<LambdaSdk["LambdaClient"]> | undefined;
  return {
    async create(input) {
      const sdk = loadSdk();
      client ??= new sdk.LambdaClient({});
      const output = await awsRequest(
        client.send(
          new sdk.InvokeCommand({
            FunctionName: functionName,
            Payload: new TextEncoder().encode(JSON.stringify(createServerEvent(input))),
          }),
        ),
      );
      return roomOf(
        output.Payload ? new TextDecoder().decode(output.Payload) : "",
        output.FunctionError,
      );
    },
  };
}

/** The room create_server answered, or its refusal as the player should get it. */
function roomOf(text: string, functionError: string | undefined): Room {
  // A function error (it threw, or timed out): no answer to pass on.
  if (functionError) throw unavailable(new Error(`create_server failed: ${text}`));
  let answer: CreateAnswer;
  let body: { message?: unknown; data?: Room };
  try {
    answer = JSON.parse(text) as CreateAnswer;
    body = JSON.parse(String(answer.body)) as typeof body;
  } catch (error) {
    throw unavailable(error);
  }
  const status = Number(answer.statusCode);
  if (status === 200 && body.data) return body.data;
  const refused = (status >= 400 && status < 500) || status === 503;
  if (refused && typeof body.message === "string") {
    // 429 (the player's create limit) and 503 (the cap, AWS busy) say when to try again.
    const retryAfter = answer.headers?.["retry-after"] ?? (status === 503 ? "1" : undefined);
    throw createRefused(status, body.message, retryAfter ? { "retry-after": retryAfter } : {});
  }
  throw unavailable(new Error(`create_server answered ${status}: ${text}`));
}

/** The API Gateway (HTTP API, payload 2.0) event of `POST /create_server?version=` from `client`. */
export function createServerEvent(input: QuickPlayCreate) {
  const api = input.apiUrl ? new URL(input.apiUrl) : undefined;
  const stage = api && api.pathname.length > 1 ? api.pathname.slice(1) : "$default";
  return {
    version: "2.0",
    routeKey: "POST /create_server",
    rawPath: "/create_server",
    rawQueryString: input.version ? `version=${encodeURIComponent(input.version)}` : "",
    headers: {},
    isBase64Encoded: false,
    requestContext: {
      ...(api ? { domainName: api.hostname, stage } : {}),
      http: {
        method: "POST",
        path: "/create_server",
        ...(input.client ? { sourceIp: input.client } : {}),
      },
    },
  };
}
