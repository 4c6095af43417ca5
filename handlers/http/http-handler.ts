import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { isTransientAwsError } from "../aws/transient-errors";
import type { Logger, RoomDeps } from "../ports";
import { RoomsError } from "../rooms/errors";
import { failure, type HttpResult } from "./envelope";
import { readHttpRequest } from "./http-request";
import { ROOMS_ROUTES, type RoomsRoute } from "./rooms-routes";

/**
 * Errors become responses here, and only here. Nothing internal reaches the client. AWS being
 * busy or unreachable is a 503 the client may retry; only a bug is a 500, logged as an error.
 */
export function errorResponse(error: unknown, log: Logger): HttpResult {
  if (error instanceof RoomsError) {
    if (error.status >= 500)
      log.warn("request refused", { status: error.status, reason: error.message });
    return failure(error.status, error.message);
  }
  if (isTransientAwsError(error)) {
    log.warn("request refused: AWS busy or unreachable", {
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    });
    return failure(503, "The room service is busy. Try again in a moment.", {
      "retry-after": "1",
    });
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
      "There is no such route. Use /create_server, /get_servers or /stop_server.",
    );
  return handleRoute(route, event, deps);
}

function asEvent(event: unknown): Partial<APIGatewayProxyEventV2> {
  return typeof event === "object" && event !== null ? event : {};
}
