import type { GameProtocol } from "./port-readiness";

/** Why local mode itself stopped a server, when it did. */
export type StopIntent =
  | { readonly kind: "requested"; readonly reason: string }
  | { readonly kind: "shutdown" }
  | { readonly kind: "start-timeout"; readonly seconds: number };

export interface ServerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly intent?: StopIntent;
  /** Whether the server had bound its port. */
  readonly wasRunning: boolean;
  readonly port: number;
  readonly protocol: GameProtocol;
  /** The server's last output line, if any. */
  readonly lastOutput?: string;
}

/** How one server's exit is logged and reported, with ECS stop codes that mean what ECS means. */
export interface ExitReport {
  readonly level: "info" | "warn";
  readonly message: string;
  readonly stopCode: "UserInitiated" | "EssentialContainerExited" | "TaskFailedToStart";
  /** Shown to clients for a short time after the room is gone. */
  readonly stoppedReason: string;
  /** Whether the server's output tail helps the reader. */
  readonly withOutput: boolean;
}

export function describeExit(exit: ServerExit): ExitReport {
  const how =
    exit.code === null ? `killed by ${exit.signal ?? "a signal"}` : `exit code ${exit.code}`;
  const intent = exit.intent;
  if (intent?.kind === "shutdown")
    return report(
      "info",
      "room server stopped: local mode is shutting down",
      "UserInitiated",
      "Local mode shut down.",
      false,
    );
  if (intent?.kind === "requested")
    return report(
      "info",
      `room server stopped: ${intent.reason}`,
      "UserInitiated",
      `Stopped: ${intent.reason}.`,
      false,
    );
  if (intent?.kind === "start-timeout") {
    const where = `${exit.protocol.toUpperCase()} port ${exit.port} on 127.0.0.1`;
    return report(
      "warn",
      `room server did not start: nothing listened on ${where} within ${intent.seconds} s. ` +
        `Check that the game reads --port=${exit.port}${exit.protocol === "tcp" ? " and --protocol=tcp" : ""} ` +
        "and starts listening, and that its pack loads (see output)",
      "TaskFailedToStart",
      `The server did not listen on ${where} within ${intent.seconds} s.`,
      true,
    );
  }
  if (exit.code === 0 && exit.wasRunning)
    return report(
      "info",
      "room server exited",
      "EssentialContainerExited",
      "The server exited.",
      false,
    );
  const last = exit.lastOutput ? ` Last output: ${exit.lastOutput}` : "";
  if (exit.wasRunning)
    return report(
      "warn",
      `room server exited unexpectedly (${how})`,
      "EssentialContainerExited",
      `The server exited unexpectedly (${how}).${last}`,
      true,
    );
  return report(
    "warn",
    `room server failed to start (${how})`,
    "TaskFailedToStart",
    `The server exited before it listened (${how}).${last}`,
    true,
  );
}

function report(
  level: ExitReport["level"],
  message: string,
  stopCode: ExitReport["stopCode"],
  stoppedReason: string,
  withOutput: boolean,
): ExitReport {
  return { level, message, stopCode, stoppedReason, withOutput };
}
