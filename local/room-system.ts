import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createTableRequest } from "../common/rooms-table-schema";
import { DynamoDbRoomStore } from "../handlers/aws/dynamodb-room-store";
import { DynamoDbRoomUpdater } from "../handlers/aws/dynamodb-room-updater";
import { DynamoDbSeats } from "../handlers/aws/dynamodb-seats";
import { createRoom } from "../handlers/rooms/create-room";
import { tableReady } from "./table-ready";
import { DynamoDbWarmPool } from "../handlers/aws/dynamodb-warm-pool";
import type { Logger, RoomDeps } from "../handlers/ports";
import { applyTaskStateChange } from "../handlers/rooms/apply-task-state-change";
import { isWarmName } from "../handlers/rooms/room";
import { closeDynaliteIterators } from "./dynalite-iterators";
import type { GodotBinary } from "./godot-binary";
import { GodotFleet } from "./godot-fleet";
import type { GameProtocol } from "./port-readiness";
import { freeLocalPort } from "./ports";
import { parentDeathPrefix } from "./server-command";
import type { ServerPidFiles } from "./server-pids";
import type { StoppedRooms } from "./stopped-rooms";
import { stoppedRoomOf, taskChangeOf } from "./task-event";

// dynalite ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require("dynalite") as (options: Record<string, unknown>) => Server;

const TABLE = "godot-rooms-local";
export const REFERENCE_SERVER = join(__dirname, "..", "godot-image", "game", "reference-server");
/** The Godot 4 reference server (same contract, the addon's server SDK), for a Godot 4 binary. */
export const REFERENCE_SERVER_4 = `${REFERENCE_SERVER}-4`;

export interface RoomSystemOptions {
  readonly godot: GodotBinary;
  readonly packPath?: string;
  readonly dataDir?: string;
  readonly pidFiles?: ServerPidFiles;
  readonly maxRooms: number;
  readonly emptyServerTimeoutSeconds: number;
  readonly startTimeoutSeconds: number;
  readonly protocol: GameProtocol;
  readonly bindAddress: string;
  readonly stoppedRooms: StoppedRooms;
  readonly readiness: LocalReadiness;
  /** The room API's URL, once it listens. */
  readonly apiUrl: () => string;
  readonly drainDir: string;
  /** How long a stopped server has between the drain signal and being killed (ECS: stopTimeout). */
  readonly stopTimeoutSeconds: number;
  /** Warm servers to keep started and unassigned (they count towards maxRooms). Default 0. */
  readonly warmRooms?: number;
  /** The game version of the warm servers: only creates of this version take them. */
  readonly warmVersion?: string;
  /** Servers admit only players with a join ticket (ROOM_REQUIRE_TICKETS). Default false. */
  readonly requireTickets?: boolean;
  /** How long a join ticket and its seat reservation last. Default 60. */
  readonly ticketSeconds?: number;
  /** Creates one client address may make per minute; 0: no limit (the default). */
  readonly createsPerClientPerMinute?: number;
  readonly roomsPerClient?: number;
  /** Told once a server's STOPPED change has been applied to the table (its slot is free). */
  readonly onServerStopped?: (stop: ServerStop) => void;
  readonly log: Logger;
}

export interface ServerStop {
  /** ECS's stop code, as local mode gives it (see server-exit.ts). */
  readonly stopCode?: string;
  /** The server was a warm one that no create had taken. */
  readonly unassignedWarm: boolean;
}

/** Readiness and liveness, as the stack's config keys set them in AWS. */
export interface LocalReadiness {
  readonly serverReadiness: "task" | "heartbeat";
  readonly heartbeatSeconds: number;
  readonly readyTimeoutSeconds: number;
  readonly heartbeatTimeoutSeconds: number;
}

/** The room core's dependencies on this machine: a dynalite table and a fleet of Godot servers. */
export async function startRoomSystem(options: RoomSystemOptions) {
  closeDynaliteIterators();
  const db = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(options.dataDir ? { path: options.dataDir } : {}),
  });
  await new Promise<void>((resolve, reject) =>
    db.once("error", reject).listen(0, "127.0.0.1", () => resolve()),
  );
  const raw = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${(db.address() as AddressInfo).port}`,
    region: "local",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  await raw.send(new CreateTableCommand(createTableRequest(TABLE))).catch((error: Error) => {
    if (error.name !== "ResourceInUseException") throw error;
  });
  await tableReady(raw, TABLE);
  let applying = Promise.resolve();
  const launchPrefix = parentDeathPrefix();
  if (launchPrefix.length === 0)
    options.log.warn("setpriv (util-linux) is missing: room servers may outlive a crash", {});
  const fleet = new GodotFleet({
    ...options,
    projectPath: options.godot.major === 4 ? REFERENCE_SERVER_4 : REFERENCE_SERVER,
    allocatePort: freeLocalPort,
    launchPrefix,
    heartbeatSeconds: options.readiness.heartbeatSeconds,
    drainSeconds: options.stopTimeoutSeconds,
    onStopRequested: (room, reason) => {
      options.stoppedRooms.remember(room, reason);
      if (isWarmName(room))
        void assignedRoomOf(room).then(
          (name) => name && options.stoppedRooms.remember(name, reason),
        );
    },
    // Applied one at a time, in the order the fleet saw them.
    onTaskStateChange: (event) => {
      const stopped = stoppedRoomOf(event);
      if (stopped) options.stoppedRooms.remember(stopped.name, stopped.stoppedReason);
      const change = taskChangeOf(event);
      applying = applying.then(async () => {
        // Read before the change removes the placeholder row that names the room.
        const warm = change.lastStatus === "STOPPED" && isWarmName(change.name);
        const room = warm ? await assignedRoomOf(change.name) : undefined;
        if (stopped && room) options.stoppedRooms.remember(room, stopped.stoppedReason);
        await applyTaskStateChange(event, deps).then(
          () => undefined,
          (e: Error) => options.log.error("state change failed", { error: e.message }),
        );
        if (change.lastStatus === "STOPPED")
          options.onServerStopped?.({ stopCode: change.stopCode, unassignedWarm: warm && !room });
      });
    },
  });
  /**
   * The room a warm server serves, if a create took it. The server keeps its placeholder name
   * (ROOM_NAME, as in ECS), so the reason it stopped is also kept under the room's name, which
   * is what players ask about.
   */
  const assignedRoomOf = async (placeholder: string): Promise<string | undefined> => {
    try {
      return (await deps.store.get(placeholder))?.aliasOf;
    } catch {
      return undefined; // only a stoppedReason and a refill's timing are at stake
    }
  };
  const documents = DynamoDBDocumentClient.from(raw, {
    marshallOptions: { removeUndefinedValues: true },
  });
  const deps: RoomDeps = {
    store: new DynamoDbRoomStore(documents, TABLE),
    updater: new DynamoDbRoomUpdater(documents, TABLE),
    pool: new DynamoDbWarmPool(documents, TABLE),
    seats: new DynamoDbSeats(documents, TABLE),
    // Quick play's new rooms: the create use case itself (on AWS, create_server invoked).
    creator: { create: async (input) => (await createRoom(input, deps)).room },
    fleet,
    settings: {
      maxRooms: options.maxRooms,
      gamePort: 0,
      stuckAfterSeconds: 120,
      provisioningTtlSeconds: 3600,
      runningTtlSeconds: 86_400,
      ...options.readiness,
      gameProtocol: options.protocol,
      warmRooms: options.warmRooms ?? 0,
      ...(options.warmVersion ? { warmVersion: options.warmVersion } : {}),
      // Warm servers start outside any request: they heartbeat to local mode's own URL.
      roomsApiUrl: options.apiUrl(),
      ...(options.ticketSeconds ? { ticketSeconds: options.ticketSeconds } : {}),
      createsPerClientPerMinute: options.createsPerClientPerMinute ?? 0,
      roomsPerClient: options.roomsPerClient ?? 0,
    },
    log: options.log,
    now: () => new Date(),
  };
  return {
    deps,
    fleet,
    /** Stops every server, applies their STOPPED changes, closes the table. */
    async close() {
      await fleet.stopAll();
      await applying;
      raw.destroy();
      await new Promise<void>((resolve) => db.close(() => resolve()));
    },
  };
}
