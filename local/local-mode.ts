import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HEARTBEAT_TIMEOUT_PERIODS, READINESS_DEFAULTS } from "../common/readiness";
import type { Logger, RoomDeps } from "../handlers/ports";
import { fillWarmPool } from "../handlers/rooms/fill-warm-pool";
import { reconcileRooms } from "../handlers/rooms/reconcile-rooms";
import { validateVersion } from "../handlers/rooms/room-names";
import { findGodot } from "./godot-binary";
import type { GameProtocol } from "./port-readiness";
import { serveRoomsApi } from "./request-handler";
import { type LocalReadiness, startRoomSystem } from "./room-system";
import { ServerPidFiles } from "./server-pids";
import { StoppedRooms } from "./stopped-rooms";
import { WarmPoolFiller } from "./warm-pool-filler";

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
  /**
   * Default 0. Servers kept started, ready and unassigned, so that a create is RUNNING at once.
   * They count towards maxRooms, and need heartbeat readiness.
   */
  readonly warmRooms?: number;
  /** The game version the warm servers are for: only creates of this version take them. */
  readonly warmVersion?: string;
  /** Room servers admit only players with a join ticket, as `requireTickets` in a stack. */
  readonly requireTickets?: boolean;
  /** How long a join ticket and its seat reservation last (the stack's 60 s by default). */
  readonly ticketSeconds?: number;
  /** Creates one client address may make per minute; 0 (default): no limit. */
  readonly createsPerClientPerMinute?: number;
  /** Live rooms one client address may hold at once; 0 (default): no limit. */
  readonly roomsPerClient?: number;
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
  const readiness = { ...LOCAL_READINESS_DEFAULTS, ...options.readiness };
  const warm = warmPoolOptions(options, readiness);
  const godot = findGodot(options.godot);
  const requestTimeout = (options.requestTimeoutSeconds ?? 30) * 1000;
  const api = createServer({
    requestTimeout,
    headersTimeout: Math.min((options.headersTimeoutSeconds ?? 10) * 1000, requestTimeout),
    // Node checks both timeouts on this period; its default (30 s) is too coarse.
    connectionsCheckingInterval: 250,
  });
  await listen(api, options.port);
  const stoppedRooms = new StoppedRooms();
  if (options.requireTickets && readiness.serverReadiness !== "heartbeat")
    throw new Error(
      "--require-tickets true needs --server-readiness heartbeat: only the server SDK checks tickets.",
    );
  const drainDir = mkdtempSync(join(tmpdir(), "godot-rooms-drain-"));
  const pidFiles = options.dataDir ? new ServerPidFiles(options.dataDir) : undefined;
  // Created once the room system is: its state changes (a server up, a server gone) reach it.
  let filler: WarmPoolFiller | undefined;
  const system = await startRoomSystem({
    ...options,
    ...warm,
    onServerStopped: (stop) => {
      // A server that never listened, or a warm one that quit before any create took it (a
      // crash, a kill, a game that idles out while warm), would likely fail again at once: its
      // replacement waits. A room that closed, or a stop we asked for, frees a slot: refill now.
      const failed =
        stop.stopCode === "TaskFailedToStart" ||
        (stop.unassignedWarm && stop.stopCode !== "UserInitiated");
      if (failed) filler?.serverFailed();
      else filler?.request();
    },
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
  if (warm.warmRooms > 0)
    filler = new WarmPoolFiller({ fill: () => fillWarmPool(system.deps), log: options.log });
  // Requests wait until an earlier run's servers are stopped and its rooms reconciled.
  let ready!: () => void;
  serveRoomsApi(api, {
    deps: system.deps,
    corsOrigins: new Set(options.corsOrigins ?? []),
    stoppedRooms,
    ready: new Promise<void>((resolve) => (ready = resolve)),
    // After the answer is on its way: a create never waits for the pool to refill.
    afterCreate: filler ? () => setImmediate(() => filler?.request()) : undefined,
    log: options.log,
  });
  try {
    await cleanUpEarlierRun(pidFiles, system.deps, options.log);
  } catch (error) {
    await new Promise((resolve) => api.close(resolve));
    await filler?.close();
    await system.close();
    throw error;
  }
  ready();
  filler?.request();
  const timer = setInterval(
    () => {
      reconcileRooms(system.deps)
        .catch((e: Error) => options.log.error("reconcile failed", { error: e.message }))
        // The pool also recovers on this schedule from what no event told it (a lost server).
        .finally(() => filler?.request());
    },
    reconcilePeriodSeconds(readiness, options.reconcileSeconds) * 1000,
  );
  return {
    url: `http://127.0.0.1:${(api.address() as AddressInfo).port}`,
    godot,
    fleet: system.fleet,
    deps: system.deps,
    /** Resolves when no warm pool fill runs or is queued (at once without a pool). */
    warmPoolSettled: () => filler?.settled() ?? Promise.resolve(),
    async stop() {
      clearInterval(timer);
      const closed = new Promise<void>((resolve) => api.close(() => resolve()));
      api.closeAllConnections();
      await closed;
      // No fill may start a server after every server has been stopped.
      await filler?.close();
      await system.close();
      rmSync(drainDir, { recursive: true, force: true });
    },
  };
}

/**
 * The warm pool's options, checked before anything starts. Each error names the flag to change.
 */
function warmPoolOptions(
  options: LocalModeOptions,
  readiness: LocalReadiness,
): { warmRooms: number; warmVersion?: string } {
  const warmRooms = options.warmRooms ?? 0;
  if (!Number.isInteger(warmRooms) || warmRooms < 0)
    throw new Error("--warm-rooms must be a whole number, 0 or more.");
  if (warmRooms > options.maxRooms)
    throw new Error(
      `--warm-rooms (${warmRooms}) must not be more than --max-rooms (${options.maxRooms}): ` +
        "warm servers count towards the cap. Raise --max-rooms or lower --warm-rooms.",
    );
  if (warmRooms > 0 && readiness.serverReadiness !== "heartbeat")
    throw new Error(
      "--warm-rooms needs --server-readiness heartbeat: a warm server must say it is ready and " +
        "learns the room it serves through its heartbeats, which --server-readiness task does not use.",
    );
  let warmVersion: string | undefined;
  try {
    warmVersion = validateVersion(options.warmVersion);
  } catch (error) {
    throw new Error(`--warm-version: ${(error as Error).message}`);
  }
  return { warmRooms, ...(warmVersion ? { warmVersion } : {}) };
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
