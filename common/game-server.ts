/**
 * The contract between the game server image (godot-image/) and the task definition (infra/).
 * Both read it from here, so they cannot disagree on the port, protocol or pack path.
 */
export const GAME_CONTAINER_NAME = "game";

/** Where the image puts the game pack that the entrypoint runs. */
export const GAME_PACK_PATH = "/opt/game/game.pck";

export const DEFAULT_GAME_PORT = 7777;

/** ENet (Godot's high-level multiplayer) is UDP; WebSocket builds for HTML5 are TCP. */
export type GameProtocol = "udp" | "tcp";
export const DEFAULT_GAME_PROTOCOL: GameProtocol = "udp";
