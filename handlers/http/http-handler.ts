import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { Logger, RoomDeps } from "../ports";
import { isClientError } from "../rooms/errors";
import { failure, type HttpResult } from "./envelope";
import { readHttpRequest } from "./http-request";
import { ROOMS_ROUTES, type RoomsRoute } from "./rooms-routes";

/**
 * Errors become responses here, and only here. Nothing internal reaches the client. Client
 * errors are recognised by data, not class (see handlers/rooms/errors.ts): the adapters have
 * already turned AWS being busy into the core's 503 "unavailable"; only a bug is a 500.
 */
export function errorResponse(error: unknown, log: Logger): HttpResult {
  if (isClientError(error)) {
    if (error.status >= 500)
      log.warn("request refused", {
        status: error.status,
        code: error.code,
        reason: error.message,
        ...(error.cause === undefined ? {} : { cause: summarize(error.cause) }),
      });
    return failure(error.status, error.message, { ...error.headers });
  }
  log.error("request failed", {
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  return failure(500, "Something went wrong on our side. Try again in a moment.");
}

/** Serves one route (one Lambda per route in AWS). Never throws. */
export async function handleRoute(
  route: RoomsRoute,
  event: unknown,
  deps: RoomDeps,
): Promise<HttpResult> {
  try {
    const request = readHttpRequest(asEvent(event));
    if (request.method !== route.method) {
      return failure(405, `Use ${route.method} for ${route.path}.`, { allow: route.method });
    }
    return await route.run(request, deps);
  } catch (error) {
    return errorResponse(error, deps.log);
  }
}

/** Serves every route by path, as local mode does behind one HTTP server. Never throws. */
export async function handleRoomsApi(event: unknown, deps: RoomDeps): Promise<HttpResult> {
  const path = (asEvent(event) as { rawPath?: unknown }).rawPath;
  const route = ROOMS_ROUTES.find((r) => r.path === path);
  if (!route)
    return failure(
      404,
      "There is no such route. Use /create_server, /get_servers, /stop_server, /join_room or /room_heartbeat.",
    );
  return handleRoute(route, event, deps);
}

function asEvent(event: unknown): Partial<APIGatewayProxyEventV2> {
  return typeof event === "object" && event !== null ? event : {};
}

// Not `describe`: under jest that name is a global, so the serializer would not capture it.
function summarize(cause: unknown): string {
  if (typeof cause !== "object" || cause === null) return String(cause);
  const { name, message } = cause as { name?: unknown; message?: unknown };
  return `${String(name)}: ${String(message)}`;
}
