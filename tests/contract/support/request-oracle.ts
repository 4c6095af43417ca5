import {
  AT_CAPACITY_MESSAGE,
  NOT_OWNER_MESSAGE,
  NOT_ROOM_SERVER_MESSAGE,
} from "../../../handlers/rooms/errors";
import { CONTRACT_MAX_ROOMS } from "../target";

/** One request of the property test, as a client sends it. */
export interface OracleRequest {
  readonly method: string;
  readonly path: string;
  /** The raw query string, already encoded. */
  readonly query: string;
  readonly body?: string;
  readonly token?: string;
}

/** What the oracle expects: a status, and the exact message where only one is right. */
export interface Prediction {
  readonly status: number;
  readonly message?: string;
  /** Applied to the model once the target has answered as predicted. */
  readonly effect?: { created?: string; stopped?: string };
}

const ROUTES: Record<string, string> = {
  "/create_server": "POST",
  "/get_servers": "GET",
  "/stop_server": "POST",
  "/room_heartbeat": "POST",
};
const NAME = /^[A-Za-z0-9 _-]{1,32}$/;
const VERSION = /^[A-Za-z0-9._+-]{1,32}$/;
const MAX_BODY_BYTES = 8 * 1024;

/**
 * Predicts the room API's answer to any request from the documented rules (docs/openapi.yaml,
 * docs/room-core.md) and a model of the rooms that exist, written apart from the handlers:
 * route, then query, then body, then method, then the use case's own checks in order.
 */
export class RoomsModel {
  /** Rooms by lower-case name, with their owner token. */
  readonly rooms = new Map<string, { name: string; token: string }>();

  predict(request: OracleRequest): Prediction {
    const method = ROUTES[request.path];
    if (!method) return { status: 404 };
    const query = new Map<string, string>();
    for (const [key, value] of new URLSearchParams(request.query)) {
      if (query.has(key)) return { status: 400, message: `Give the '${key}' parameter only once.` };
      query.set(key, value);
    }
    const body = parseBody(request.body);
    if (typeof body === "number") return { status: body };
    if (request.method !== method)
      return { status: 405, message: `Use ${method} for ${request.path}.` };
    // Unknown, or { conflict: true } when query and body disagree.
    const param = (name: string): unknown => {
      const fromQuery = query.get(name);
      const fromBody = body[name];
      if (fromQuery !== undefined && fromBody !== undefined && fromQuery !== fromBody)
        return { conflict: true };
      return fromQuery ?? fromBody;
    };
    if (request.path === "/create_server") return this.create(param("server"), param("version"));
    if (request.path === "/stop_server") return this.stop(param("server"), request.token);
    if (request.path === "/room_heartbeat")
      return this.heartbeat(param("server"), body, request.token);
    return this.get(query);
  }

  private create(server: unknown, version: unknown): Prediction {
    if (isConflict(server) || isConflict(version)) return { status: 400 };
    if (
      version !== undefined &&
      version !== "" &&
      !(typeof version === "string" && VERSION.test(version))
    )
      return { status: 400 };
    if (server === undefined || server === "") {
      return this.rooms.size >= CONTRACT_MAX_ROOMS
        ? { status: 503, message: AT_CAPACITY_MESSAGE }
        : { status: 200, effect: { created: "" } };
    }
    const name = validName(server);
    if (name === undefined) return { status: 400 };
    if (this.rooms.has(name.toLowerCase()))
      return {
        status: 409,
        message: `The room name "${name}" is already taken. Pick another name.`,
      };
    if (this.rooms.size >= CONTRACT_MAX_ROOMS) return { status: 503, message: AT_CAPACITY_MESSAGE };
    return { status: 200, message: name, effect: { created: name } };
  }

  private stop(server: unknown, token: string | undefined): Prediction {
    if (isConflict(server)) return { status: 400 };
    const name = validName(server);
    if (name === undefined) return { status: 400 };
    const room = this.rooms.get(name.toLowerCase());
    if (!room) return { status: 404, message: `No room is named "${name}".` };
    if (token !== room.token) return { status: 403, message: NOT_OWNER_MESSAGE };
    return { status: 200, message: `Stopping ${room.name}`, effect: { stopped: room.name } };
  }

  /**
   * No request here carries a room's real secret (only its server has it), so a heartbeat that
   * passes the body checks is refused: 403 without a token, else 404 for an unknown room, else 403.
   */
  private heartbeat(
    server: unknown,
    body: Record<string, unknown>,
    token: string | undefined,
  ): Prediction {
    if (isConflict(server)) return { status: 400 };
    const name = validName(server);
    if (name === undefined) return { status: 400 };
    if (body.state !== "ready" && body.state !== "draining") return { status: 400 };
    const seats = (value: unknown) =>
      typeof value === "number" && Number.isInteger(value) && value >= 0 && value <= 4096;
    if (!seats(body.maxPlayers) || (body.maxPlayers as number) < 1) return { status: 400 };
    if (!seats(body.players) || (body.players as number) > (body.maxPlayers as number))
      return { status: 400 };
    if (token === undefined) return { status: 403, message: NOT_ROOM_SERVER_MESSAGE };
    if (!this.rooms.has(name.toLowerCase()))
      return { status: 404, message: `No room is named "${name}".` };
    return { status: 403, message: NOT_ROOM_SERVER_MESSAGE };
  }

  private get(query: Map<string, string>): Prediction {
    const server = query.get("server");
    if (server !== undefined && server !== "") {
      const name = validName(server);
      if (name === undefined) return { status: 400 };
      return this.rooms.has(name.toLowerCase())
        ? { status: 200, message: "Success" }
        : { status: 404, message: `No room is named "${name}".` };
    }
    const version = query.get("version");
    if (version !== undefined && version !== "" && !VERSION.test(version)) return { status: 400 };
    const page = query.get("page");
    const cursor = query.get("cursor");
    if (page !== undefined && cursor !== undefined) return { status: 400 };
    // Any cursor a client makes up is refused; only the service's own cursors page on.
    if (cursor !== undefined) return { status: 400 };
    if (page !== undefined && page !== "" && !(/^\d{1,6}$/.test(page) && Number(page) <= 100_000))
      return { status: 400 };
    return { status: 200, message: "Success" };
  }
}

function isConflict(value: unknown): value is { conflict: true } {
  return typeof value === "object" && value !== null && "conflict" in value;
}

function validName(raw: unknown): string | undefined {
  if (typeof raw !== "string") return undefined;
  const name = raw.trim();
  return NAME.test(name) ? name : undefined;
}

/** The body's fields, or the status its shape earns. */
function parseBody(body: string | undefined): Record<string, unknown> | number {
  if (body === undefined) return {};
  if (Buffer.byteLength(body, "utf8") > MAX_BODY_BYTES) return 413;
  if (body.trim() === "") return {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return 400;
    return parsed as Record<string, unknown>;
  } catch {
    return 400;
  }
}
