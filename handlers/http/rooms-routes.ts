import type { RoomDeps } from "../ports";
import { createRoom } from "../rooms/create-room";
import { getRoom } from "../rooms/get-room";
import { joinRoom, quickPlay } from "../rooms/join-room";
import { listRooms } from "../rooms/list-rooms";
import { roomHeartbeat } from "../rooms/room-heartbeat";
import { stopRoom } from "../rooms/stop-room";
import { accepted, type HttpResult, success } from "./envelope";
import { type HttpRequest, parameter } from "./http-request";

/** One route of the room API: the method it answers and what it does. */
export interface RoomsRoute {
  readonly method: "GET" | "POST";
  readonly path: string;
  run(request: HttpRequest, deps: RoomDeps): Promise<HttpResult>;
}

/** `POST /create_server?server=<name?>`: the name is in `message`, as the original client reads it. */
export const createServerRoute: RoomsRoute = {
  method: "POST",
  path: "/create_server",
  async run(request, deps) {
    const { room, ownerToken } = await createRoom(
      {
        name: parameter(request, "server"),
        version: parameter(request, "version"),
        ...(request.apiUrl ? { apiUrl: request.apiUrl } : {}),
        ...(request.sourceIp ? { client: request.sourceIp } : {}),
      },
      deps,
    );
    return success(room.name, { ...room, ownerToken });
  },
};

/** `GET /get_servers?server=<name>` for one room, `?page=<n>` (or `?cursor=`) for a list. */
export const getServersRoute: RoomsRoute = {
  method: "GET",
  path: "/get_servers",
  async run(request, deps) {
    const server = request.query.get("server");
    if (server !== undefined && server !== "")
      return success("Success", await getRoom(server, deps));
    const list = await listRooms(
      {
        page: request.query.get("page"),
        cursor: request.query.get("cursor"),
        version: request.query.get("version"),
        joinable: request.query.get("joinable"),
      },
      deps,
    );
    return success("Success", list.rooms, list.nextCursor ? { nextCursor: list.nextCursor } : {});
  },
};

/** `POST /stop_server?server=<name>` with `Authorization: Bearer <ownerToken>`. */
export const stopServerRoute: RoomsRoute = {
  method: "POST",
  path: "/stop_server",
  async run(request, deps) {
    const room = await stopRoom(
      { name: parameter(request, "server"), ownerToken: request.bearerToken },
      deps,
    );
    return success(`Stopping ${room.name}`, room);
  },
};

/**
 * `POST /room_heartbeat` with `Authorization: Bearer <ROOM_SECRET or room key>` and the body
 * `{server, state: "ready" | "draining", players, maxPlayers}`: a room server's heartbeat.
 */
export const roomHeartbeatRoute: RoomsRoute = {
  method: "POST",
  path: "/room_heartbeat",
  async run(request, deps) {
    const answer = await roomHeartbeat(
      {
        server: parameter(request, "server"),
        state: request.body.state,
        players: request.body.players,
        maxPlayers: request.body.maxPlayers,
        seatsUsed: request.body.seatsUsed,
        seatsReleased: request.body.seatsReleased,
        ...(request.bearerToken ? { secret: request.bearerToken } : {}),
      },
      deps,
    );
    return success(answer.drain ? "drain" : "ok", answer);
  },
};

/**
 * `POST /join_room?server=<name>`: a seat and its ticket in that room. Without a name, quick
 * play: the fullest room of `version` with a free seat, or a new room; a new room that is still
 * starting answers 202 with the room (join it by name once RUNNING), its name in `message`.
 */
export const joinRoomRoute: RoomsRoute = {
  method: "POST",
  path: "/join_room",
  async run(request, deps) {
    const server = parameter(request, "server");
    if (server !== undefined && server !== "") {
      const ticket = await joinRoom({ name: server }, deps);
      return success(ticket.name, ticket);
    }
    const answer = await quickPlay(
      {
        version: parameter(request, "version"),
        ...(request.apiUrl ? { apiUrl: request.apiUrl } : {}),
        ...(request.sourceIp ? { client: request.sourceIp } : {}),
      },
      deps,
    );
    if ("starting" in answer) return accepted(answer.starting.name, answer.starting);
    return success(answer.name, answer);
  },
};

export const ROOMS_ROUTES: readonly RoomsRoute[] = [
  createServerRoute,
  getServersRoute,
  stopServerRoute,
  roomHeartbeatRoute,
  joinRoomRoute,
];
