/**
 * `npm start`: the room service on this machine. Same routes and envelope as the deployed API,
 * rooms in an embedded dynalite, each room a real Godot server process. Flags: see README.
 */
import { parseArgs } from "node:util";
import { jsonLogger } from "../handlers/aws/json-logger";
import type { Logger } from "../handlers/ports";
import { heartbeatTimeoutSeconds, READINESS_DEFAULTS } from "../common/readiness";
import { parseCorsOrigin } from "./cors";
import { startLocalMode } from "./local-mode";
import { surviveClosedOutput } from "./safe-output";

surviveClosedOutput();

// Older Node lacks APIs local mode uses (fetch, socket reset, the HTTP server's timeouts).
if (Number(process.versions.node.split(".")[0]) < 24) {
  console.error(
    `Local mode needs Node.js 24; this is ${process.version}. See README, "Run it locally".`,
  );
  process.exit(1);
}

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PORT ?? "8080" },
    godot: { type: "string" },
    pack: { type: "string" },
    "data-dir": { type: "string" },
    "max-rooms": { type: "string", default: "10" },
    "empty-timeout": { type: "string", default: "300" },
    "start-timeout": { type: "string", default: "20" },
    protocol: { type: "string", default: "udp" },
    public: { type: "boolean", default: false },
    "cors-origin": { type: "string", multiple: true, default: [] },
    "request-timeout": { type: "string", default: "30" },
    "headers-timeout": { type: "string", default: "10" },
    json: { type: "boolean", default: false },
    "server-readiness": { type: "string", default: "heartbeat" },
    "heartbeat-seconds": { type: "string", default: String(READINESS_DEFAULTS.heartbeatSeconds) },
    "ready-timeout": { type: "string", default: String(READINESS_DEFAULTS.readyTimeoutSeconds) },
    "heartbeat-timeout": { type: "string" },
    "stop-timeout": { type: "string", default: "30" },
    "warm-rooms": { type: "string", default: "0" },
    "warm-version": { type: "string" },
    // As Pulumi.dev.yaml.
    "require-tickets": { type: "string", default: "false" },
    "ticket-seconds": { type: "string", default: "60" },
    "creates-per-minute": { type: "string", default: "0" },
    "rooms-per-client": { type: "string", default: "0" },
  },
});

/** Human-readable progress lines, or JSON lines with --json. */
function consoleLogger(): Logger {
  if (values.json) return jsonLogger({ mode: "local" });
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    const details = Object.entries(fields ?? {}).map(
      ([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`,
    );
    (level === "error" ? console.error : console.log)(
      `[${new Date().toLocaleTimeString()}] ${message}${details.length ? `  ${details.join(" ")}` : ""}`,
    );
  };
  return { info: write("info"), warn: write("warn"), error: write("error") };
}

function whole(flag: string, min: number, max: number): number {
  const value = Number(values[flag as keyof typeof values]);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`--${flag} must be a whole number from ${min} to ${max}.`);
  return value;
}

/** As the stack's serverReadiness and its timeouts; the defaults follow Pulumi.dev.yaml. */
function readiness() {
  const mode = values["server-readiness"];
  if (mode !== "heartbeat" && mode !== "task")
    throw new Error("--server-readiness must be heartbeat (the server SDK says ready) or task.");
  const heartbeatSeconds = whole("heartbeat-seconds", 1, 300);
  const given =
    values["heartbeat-timeout"] === undefined ? undefined : whole("heartbeat-timeout", 2, 3600);
  return {
    serverReadiness: mode,
    heartbeatSeconds,
    readyTimeoutSeconds: whole("ready-timeout", 1, 3600),
    heartbeatTimeoutSeconds: heartbeatTimeoutSeconds(
      heartbeatSeconds,
      given,
      "--heartbeat-timeout",
    ),
  } as const;
}

function trueOrFalse(flag: string): boolean {
  const value = values[flag as keyof typeof values];
  if (value !== "true" && value !== "false") throw new Error(`--${flag} must be true or false.`);
  return value === "true";
}

function protocol(): "udp" | "tcp" {
  if (values.protocol === "udp" || values.protocol === "tcp") return values.protocol;
  throw new Error("--protocol must be udp (ENet) or tcp (WebSocket).");
}

async function main() {
  const log = consoleLogger();
  const requestTimeout = whole("request-timeout", 1, 3600);
  const headersTimeout = whole("headers-timeout", 1, 3600);
  if (headersTimeout > requestTimeout)
    throw new Error("--headers-timeout must not be longer than --request-timeout.");
  const local = await startLocalMode({
    port: whole("port", 0, 65535),
    godot: values.godot,
    packPath: values.pack,
    dataDir: values["data-dir"],
    maxRooms: whole("max-rooms", 1, 1000),
    emptyServerTimeoutSeconds: whole("empty-timeout", 1, 86_400),
    startTimeoutSeconds: whole("start-timeout", 1, 600),
    reconcileSeconds: 30,
    protocol: protocol(),
    public: values.public,
    corsOrigins: values["cors-origin"].map(parseCorsOrigin),
    requestTimeoutSeconds: requestTimeout,
    headersTimeoutSeconds: headersTimeout,
    readiness: readiness(),
    stopTimeoutSeconds: whole("stop-timeout", 1, 120),
    // At most --max-rooms, and only with heartbeat readiness: startLocalMode says so if not.
    warmRooms: whole("warm-rooms", 0, 1000),
    warmVersion: values["warm-version"],
    requireTickets: trueOrFalse("require-tickets"),
    ticketSeconds: whole("ticket-seconds", 1, 3600),
    createsPerClientPerMinute: whole("creates-per-minute", 0, 1000),
    roomsPerClient: whole("rooms-per-client", 0, 1000),
    log,
  });
  log.info(`godot-rooms local mode listening on ${local.url}`, {
    godot: `${local.godot.path} (${local.godot.version})`,
    rooms: values.public ? "on every interface (--public)" : "on 127.0.0.1",
    ...(values["warm-rooms"] !== "0" ? { warmRooms: Number(values["warm-rooms"]) } : {}),
  });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping every room server`);
    await local.stop();
    process.exit(0);
  };
  // SIGHUP: the terminal was closed.
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const)
    process.on(signal, () => void shutdown(signal));
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
