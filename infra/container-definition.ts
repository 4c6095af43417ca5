import { GAME_CONTAINER_NAME, GAME_PACK_PATH, type GameProtocol } from "../common/game-server";

export interface GameContainerSettings {
  readonly image: string;
  readonly gamePort: number;
  readonly gameProtocol: GameProtocol;
  readonly emptyServerTimeoutSeconds: number;
  /** Heartbeat rooms drain on SIGTERM (the entrypoint's drain file, read by the SDK). */
  readonly serverReadiness?: "task" | "heartbeat";
  readonly logGroupName: string;
  readonly region: string;
}

/**
 * The one container of a room task. The image's entrypoint runs the pack baked into it; the
 * command passes the empty-server timeout and port. ROOM_NAME is set per task by RunTask.
 */
export function buildGameContainerDefinitions(settings: GameContainerSettings) {
  return [
    {
      name: GAME_CONTAINER_NAME,
      image: settings.image,
      essential: true,
      command: [
        `--empty-server-timeout=${settings.emptyServerTimeoutSeconds}`,
        `--port=${settings.gamePort}`,
      ],
      environment: [
        { name: "GAME_PORT", value: String(settings.gamePort) },
        { name: "GAME_PROTOCOL", value: settings.gameProtocol },
        { name: "GAME_PACK_PATH", value: GAME_PACK_PATH },
        // Within stopTimeout (30): the game's time to drain before the entrypoint sends SIGTERM.
        {
          name: "ROOM_DRAIN_SECONDS",
          value: settings.serverReadiness === "heartbeat" ? "20" : "0",
        },
        { name: "ROOM_DRAIN_FILE", value: "/tmp/godot-rooms-drain" },
      ],
      portMappings: [
        {
          containerPort: settings.gamePort,
          hostPort: settings.gamePort,
          protocol: settings.gameProtocol,
        },
      ],
      // Godot gets SIGTERM first and this long to leave cleanly before SIGKILL.
      stopTimeout: 30,
      // A tiny init runs as PID 1 and passes SIGTERM on to the entrypoint's Godot: as PID 1
      // itself, Godot (no SIGTERM handler) would ignore it and wait out stopTimeout to SIGKILL.
      linuxParameters: { initProcessEnabled: true },
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": settings.logGroupName,
          "awslogs-region": settings.region,
          "awslogs-stream-prefix": "room",
        },
      },
    },
  ];
}
