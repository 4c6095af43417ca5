import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HEARTBEAT_TIMEOUT_PERIODS, READINESS_DEFAULTS } from "../common/readiness";
import type { Logger, RoomDeps } from "../handlers/ports";
import { reconcileRooms } from "../handlers/rooms/reconcile-rooms";
import { findGodot } from "./godot-binary";
import type { GameProtocol } from "./port-readiness";
import { serveRoomsApi } from "./request-handler";
import { type LocalReadiness, startRoomSystem } from "./room-system";
import { ServerPidFiles } from "./server-pids";
import { StoppedRooms } from "./stopped-rooms";

export { REFERENCE_SERVER } from "./room-system";

export interface LocalModeOptions {
  readonly port: number;
  readonly godot?: string;
  readonly packPath?: string;
  /** Keep rooms (and room server pid files) in this folder instead of memory. */
  readonly dataDir?: string;
  readonly maxRooms: number;
  readonly emptyServerTimeoutSeconds: number;
  /** Default: 20 seconds. */
  readonly startTimeoutSeconds?: number;
  readonly reconcileSeconds: number;
  /** Default: udp (ENet); tcp runs WebSocket rooms. */
  readonly protocol?: GameProtocol;
  /** Default: false, so room servers listen on 127.0.0.1 only. */
  readonly public?: boolean;
  /** Browser origins allowed to call the API. Default: none. */
  readonly corsOrigins?: readonly string[];
  /** Defaults: 30 seconds for a whole request, 10 for its headers. */
  readonly requestTimeoutSeconds?: number;
  readonly headersTimeoutSeconds?: number;
  /**
   * When a room is RUNNING, as the stack's serverReadiness: heartbeat (the server's SDK said
   * ready; the dev stack's setting, and the default) or task (its port is bound).
   */
  readonly readiness?: Partial<LocalReadiness>;
  /** Default 30 (ECS's default stopTimeout): from the drain signal to the kill. */
  readonly stopTimeoutSeconds?: number;
  readonly log: Logger;
}

/** As Pulumi.dev.yaml: heartbeat readiness, with the stack's default timing. */
export const LOCAL_READINESS_DEFAULTS: LocalReadiness = {
  serverReadiness: "heartbeat",
  ...READINESS_DEFAULTS,
  heartbeatTimeoutSeconds: HEARTBEAT_TIMEOUT_PERIODS * READINESS_DEFAULTS.heartbeatSeconds,
};

export class PortInUseError extends Error {
  constructor(port: number) {
    super(
      `Port ${port} is already in use on 127.0.0.1. Choose another with --port <n> (or PORT=<n>).`,
    );
    this.name = "PortInUseError";
  }
}

/** The whole room system on one machine: the same HTTP layer and use cases, dynalite, real Godot servers. */
export async function startLocalMode(options: LocalModeOptions) {
  const godot = findGodot(options.godot);
  const requestTimeout = (options.requestTimeoutSeconds ?? 30) * 1000;
  const api = createServer({
    requestTimeout,
    headersTimeout: Math.min((options.headersTimeoutSeconds ?? 10) * 1000, requestTimeout),
    // Node checks both timeouts on this period; its default (30 s) is too coarse.
    connectionsCheckingInterval: 250,
  });
  await listen(api, options.port);
  const readiness = { ...LOCAL_READINESS_DEFAULTS, ...options.readiness };
  const stoppedRooms = new StoppedRooms();
  const drainDir = mkdtempSync(join(tmpdir(), "godot-rooms-drain-"));
  const pidFiles = options.dataDir ? new ServerPidFiles(options.dataDir) : undefined;
  const system = await startRoomSystem({
    ...options,
    godot,
    pidFiles,
    startTimeoutSeconds: options.startTimeoutSeconds ?? 20,
    protocol: options.protocol ?? "udp",
    bindAddress: options.public ? "*" : "127.0.0.1",
    stoppedRooms,
    readiness,
    apiUrl: () => `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
    drainDir,
    stopTimeoutSeconds: options.stopTimeoutSeconds ?? 30,
  }).catch(async (error: unknown) => {
    await new Promise((resolve) => api.close(resolve));
    rmSync(drainDir, { recursive: true, force: true });
    throw error;
  });
  // Requests wait until an earlier run's servers are stopped and its rooms reconciled.
  let ready!: () => void;
  serveRoomsApi(api, {
    deps: system.deps,
    corsOrigins: new Set(options.corsOrigins ?? []),
    stoppedRooms,
    ready: new Promise<void>((resolve) => (ready = resolve)),
    log: options.log,
  });
  try {
    await cleanUpEarlierRun(pidFiles, system.deps, options.log);
  } catch (error) {
    await new Promise((resolve) => api.close(resolve));
    await system.close();
    throw error;
  }
  ready();
  const timer = setInterval(
    () => {
      reconcileRooms(system.deps).catch((e: Error) =>
        options.log.error("reconcile failed", { error: e.message }),
      );
    },
    reconcilePeriodSeconds(readiness, options.reconcileSeconds) * 1000,
  );
  return {
    url: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
    godot,
    fleet: system.fleet,
    deps: system.deps,
    async stop() {
      clearInterval(timer);
      const closed = new Promise<void>((resolve) => api.close(() => resolve()));
      api.closeAllConnections();
      await closed;
      await system.close();
      rmSync(drainDir, { recursive: true, force: true });
    },
  };
}

/**
 * The reconciler is what notices a server that never said ready or stopped heartbeating, so it
 * runs at least twice per timeout: the worst-case detection time is the timeout plus a period.
 */
function reconcilePeriodSeconds(readiness: LocalReadiness, reconcileSeconds: number): number {
  if (readiness.serverReadiness !== "heartbeat") return reconcileSeconds;
  return Math.max(
    0.5,
    Math.min(
      reconcileSeconds,
      readiness.heartbeatTimeoutSeconds / 2,
      readiness.readyTimeoutSeconds / 2,
    ),
  );
}

/** Servers of a crashed run are stopped and its rooms removed before the first request. */
async function cleanUpEarlierRun(
  pidFiles: ServerPidFiles | undefined,
  deps: RoomDeps,
  log: Logger,
): Promise<void> {
  const stopped = (await pidFiles?.stopLeftovers()) ?? [];
  if (stopped.length > 0)
    log.warn("stopped room servers left running by an earlier run", { rooms: stopped });
  // No server of this run exists yet, so every room in the table is stale.
  if ((await deps.store.scanAll()).length > 0) await reconcileRooms(deps);
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new PortInUseError(port) : error),
    );
    server.listen(port, "127.0.0.1", () => resolve());
  });
}
