import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { failure, type HttpResult } from "../handlers/http/envelope";
import { handleRoomsApi } from "../handlers/http/http-handler";
import type { Logger, RoomDeps } from "../handlers/ports";
import { corsDecision } from "./cors";
import { isRequestProblem, toHttpApiEvent } from "./http-event";
import type { StoppedRooms } from "./stopped-rooms";

export interface RequestHandlerOptions {
  readonly deps: RoomDeps;
  readonly corsOrigins: ReadonlySet<string>;
  readonly stoppedRooms: StoppedRooms;
  /** Requests wait for this: stale rooms of a previous run are reconciled first. */
  readonly ready: Promise<void>;
  /** Told when a create_server answer is ready, before it is sent: it must only schedule work. */
  readonly afterCreate?: () => void;
  readonly log: Logger;
}

/**
 * Serves the room API on a Node HTTP server. Nothing a client sends can throw out of here:
 * every error becomes a JSON envelope or, when the client is gone, a closed connection.
 */
export function serveRoomsApi(server: Server, options: RequestHandlerOptions): void {
  const busy = new WeakSet<Socket>();
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    busy.add(request.socket);
    response.once("close", () => busy.delete(request.socket));
    answer(request, options)
      .catch((error: unknown) => unexpected(error, options.log))
      .then((result) => send(response, result))
      .catch(() => request.socket.destroy());
  });
  // Malformed requests and slow clients: Node's parser and timers raise these.
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    if (socket.writable && !busy.has(socket)) {
      const status = clientErrorStatus(error.code);
      const body = JSON.stringify({
        success: false,
        message: clientErrorMessage(status),
        data: [],
      });
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
          "content-type: application/json; charset=utf-8\r\nconnection: close\r\n" +
          `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    }
    socket.destroySoon();
  });
}

async function answer(request: IncomingMessage, options: RequestHandlerOptions) {
  try {
    await options.ready;
    const cors = corsDecision(request.headers.origin, request.method, options.corsOrigins);
    if (cors.kind === "refused" || cors.kind === "preflight") return cors.result;
    const event = await toHttpApiEvent(request);
    const result = withStoppedReason(await handleRoomsApi(event, options.deps), event, options);
    if (event.rawPath === "/create_server") options.afterCreate?.();
    return cors.kind === "allowed"
      ? { ...result, headers: { ...result.headers, ...cors.headers } }
      : result;
  } catch (error) {
    if (isRequestProblem(error))
      return failure(error.status, error.message, { connection: "close" });
    return unexpected(error, options.log);
  }
}

function unexpected(error: unknown, log: Logger): HttpResult {
  try {
    log.error("request failed", { error: error instanceof Error ? error.stack : String(error) });
  } catch {
    // A logger that fails must not turn one bad request into a crash.
  }
  return failure(500, "Something went wrong on our side. Try again in a moment.");
}

/** A 404 for a room that stopped a moment ago says why it stopped. */
function withStoppedReason(
  result: HttpResult,
  event: APIGatewayProxyEventV2,
  options: RequestHandlerOptions,
): HttpResult {
  if (result.statusCode !== 404 || event.rawPath !== "/get_servers") return result;
  let name: string | null;
  try {
    name = new URLSearchParams(event.rawQueryString).get("server");
  } catch {
    return result;
  }
  const stoppedReason = name ? options.stoppedRooms.reasonFor(name) : undefined;
  if (!stoppedReason) return result;
  const body = JSON.parse(result.body) as Record<string, unknown>;
  return { ...result, body: JSON.stringify({ ...body, stoppedReason }) };
}

function send(response: ServerResponse, result: HttpResult): void {
  if (response.headersSent || response.destroyed) return;
  // With `connection: close` (a body left unread) Node closes the socket once this is written.
  const length =
    result.statusCode === 204 ? {} : { "content-length": Buffer.byteLength(result.body) };
  response.writeHead(result.statusCode, { ...result.headers, ...length }).end(result.body);
}

function clientErrorStatus(code: string | undefined): number {
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") return 408;
  if (code === "HPE_HEADER_OVERFLOW") return 431;
  return 400;
}

function clientErrorMessage(status: number): string {
  if (status === 408) return "The request took too long to arrive.";
  if (status === 431) return "The request headers are too large.";
  return "The request is not valid HTTP.";
}
