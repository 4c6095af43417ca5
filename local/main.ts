/**
 * `npm start`: the room service on this machine. Same routes and envelope as the deployed API,
 * rooms in an embedded dynalite, each room a real Godot server process.
 *
 *   npm start -- [--port 8080] [--godot /path/to/godot] [--pack game.pck] [--data-dir .local-data]
 *                [--max-rooms 10] [--empty-timeout 300]
 */
import { parseArgs } from "node:util";
import { jsonLogger } from "../handlers/aws/json-logger";
import type { Logger } from "../handlers/ports";
import { startLocalMode } from "./local-mode";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.PORT ?? "8080" },
    godot: { type: "string" },
    pack: { type: "string" },
    "data-dir": { type: "string" },
    "max-rooms": { type: "string", default: "10" },
    "empty-timeout": { type: "string", default: "300" },
    json: { type: "boolean", default: false },
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

async function main() {
  const log = consoleLogger();
  const local = await startLocalMode({
    port: Number(values.port),
    godot: values.godot,
    packPath: values.pack,
    dataDir: values["data-dir"],
    maxRooms: Number(values["max-rooms"]),
    emptyServerTimeoutSeconds: Number(values["empty-timeout"]),
    reconcileSeconds: 30,
    log,
  });
  log.info(`godot-rooms local mode listening on ${local.url}`, {
    godot: `${local.godot.path} (${local.godot.version})`,
  });
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: stopping every room server`);
    await local.stop();
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
