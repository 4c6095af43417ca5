import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createTableRequest } from "../common/rooms-table-schema";
import { DynamoDbRoomStore } from "../handlers/aws/dynamodb-room-store";
import { handleRoomsApi } from "../handlers/http/http-handler";
import type { Logger, RoomDeps } from "../handlers/ports";
import { applyTaskStateChange } from "../handlers/rooms/apply-task-state-change";
import { reconcileRooms } from "../handlers/rooms/reconcile-rooms";
import { findGodot } from "./godot-binary";
import { GodotFleet } from "./godot-fleet";
import { toHttpApiEvent } from "./http-event";
import { freeLocalPort } from "./ports";

// dynalite ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require("dynalite") as (options: Record<string, unknown>) => Server;

export interface LocalModeOptions {
  readonly port: number;
  readonly godot?: string;
  readonly packPath?: string;
  /** Keep rooms in this folder instead of memory. */
  readonly dataDir?: string;
  readonly maxRooms: number;
  readonly emptyServerTimeoutSeconds: number;
  /** Default: 20 seconds. */
  readonly startTimeoutSeconds?: number;
  readonly reconcileSeconds: number;
  readonly log: Logger;
}

export class PortInUseError extends Error {
  constructor(port: number) {
    super(
      `Port ${port} is already in use on 127.0.0.1. Choose another with --port <n> (or PORT=<n>).`,
    );
    this.name = "PortInUseError";
  }
}

const TABLE = "godot-rooms-local";
export const REFERENCE_SERVER = join(__dirname, "..", "godot-image", "game", "reference-server");

/** The whole room system on one machine: the same HTTP layer and use cases, dynalite, real Godot servers. */
export async function startLocalMode(options: LocalModeOptions) {
  const godot = findGodot(options.godot);
  const api = createServer();
  await listen(api, options.port);
  const db = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDir ? { path: options.dataDir } : {}),
  });
  await listen(db, 0);
  const raw = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(db.address() as AddressInfo).port}`,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  await raw.send(new CreateTableCommand(createTableRequest(TABLE))).catch((error: Error) => {
    if (error.name !== "ResourceInUseException") throw error;
  });
  let applying = Promise.resolve();
  const fleet = new GodotFleet({
    godot,
    projectPath: REFERENCE_SERVER,
    packPath: options.packPath,
    emptyServerTimeoutSeconds: options.emptyServerTimeoutSeconds,
    startTimeoutSeconds: options.startTimeoutSeconds ?? 20,
    allocatePort: freeLocalPort,
    // Applied one at a time, in the order the fleet saw them.
    onTaskStateChange: (event) => {
      applying = applying.then(() =>
        applyTaskStateChange(event, deps).then(
          () => undefined,
          (e: Error) => options.log.error("state change failed", { error: e.message }),
        ),
      );
    },
    log: options.log,
  });
  const deps: RoomDeps = {
    store: new DynamoDbRoomStore(
      DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
      TABLE,
    ),
    fleet,
    settings: {
      maxRooms: options.maxRooms,
      gamePort: 0,
      stuckAfterSeconds: 120,
      provisioningTtlSeconds: 3600,
      runningTtlSeconds: 86_400,
    },
    log: options.log,
    now: () => new Date(),
  };
  api.on("request", (request, response) => {
    void toHttpApiEvent(request)
      .then((event) => handleRoomsApi(event, deps))
      .then((result) => response.writeHead(result.statusCode, result.headers).end(result.body));
  });
  const timer = setInterval(() => {
    reconcileRooms(deps).catch((e: Error) =>
      options.log.error("reconcile failed", { error: e.message }),
    );
  }, options.reconcileSeconds * 1000);
  const url = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  return {
    url,
    godot,
    fleet,
    deps,
    async stop() {
      clearInterval(timer);
      await new Promise<void>((resolve) => api.close(() => resolve()));
      api.closeAllConnections();
      await fleet.stopAll();
      await applying;
      raw.destroy();
      await new Promise<void>((resolve) => db.close(() => resolve()));
    },
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new PortInUseError(port) : error),
    );
    server.listen(port, "127.0.0.1", () => resolve());
  });
}
