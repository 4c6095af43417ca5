import { DynamoDbRoomStore } from "../../handlers/aws/dynamodb-room-store";
import { DynamoDbRoomUpdater } from "../../handlers/aws/dynamodb-room-updater";
import type { Fleet, Logger, Metrics, RoomDeps, RoomSettings } from "../../handlers/ports";
import type { TestTable } from "./dynalite-table";
import { MemoryFleet } from "./memory-fleet";

export const TEST_SETTINGS: RoomSettings = {
  maxRooms: 50,
  gamePort: 7777,
  stuckAfterSeconds: 600,
  provisioningTtlSeconds: 3600,
  runningTtlSeconds: 86400,
};

export class RecordingLogger implements Logger {
  readonly lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  info(message: string, fields?: Record<string, unknown>) {
    this.lines.push({ level: "info", message, fields });
  }
  warn(message: string, fields?: Record<string, unknown>) {
    this.lines.push({ level: "warn", message, fields });
  }
  error(message: string, fields?: Record<string, unknown>) {
    this.lines.push({ level: "error", message, fields });
  }
}

/** Every metric counted, in order: name, value, dimensions. */
export class RecordingMetrics implements Metrics {
  readonly counts: Array<[string, number | undefined, Record<string, string> | undefined]> = [];
  count(name: string, value?: number, dimensions?: Record<string, string>) {
    this.counts.push([name, value, dimensions]);
  }
}

export interface TestDeps<F extends Fleet = MemoryFleet> extends RoomDeps {
  readonly store: DynamoDbRoomStore;
  readonly updater: DynamoDbRoomUpdater;
  readonly fleet: F;
  readonly log: RecordingLogger;
  clock: Date;
}

/** Use-case deps over a real DynamoDB API, a memory fleet and a settable clock. */
export function roomDeps(
  table: TestTable,
  settings: Partial<RoomSettings> = {},
  fleet: Fleet = new MemoryFleet(),
): TestDeps {
  const deps = {
    store: new DynamoDbRoomStore(table.db, table.tableName),
    updater: new DynamoDbRoomUpdater(table.db, table.tableName),
    fleet,
    settings: { ...TEST_SETTINGS, ...settings },
    log: new RecordingLogger(),
    clock: new Date("2026-11-20T18:00:00.000Z"),
    now: () => deps.clock,
  };
  return deps as TestDeps;
}
