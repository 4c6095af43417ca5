import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { toItem } from "../../handlers/aws/room-items";
import type { RoomRecord, RoomStatus } from "../../handlers/rooms/room";
import type { TestTable } from "./dynalite-table";

/** Room number `i` as stored, named "Room 00042" so that name order is number order. */
export function seededRoom(i: number, status: RoomStatus, version?: string): RoomRecord {
  return {
    name: `Room ${String(i).padStart(5, "0")}`,
    status,
    ...(status === "RUNNING" ? { ip: `198.51.100.${i % 250}` } : {}),
    port: 7777,
    ...(version ? { version } : {}),
    createdAt: "2026-11-20T18:00:00.000Z",
    updatedAt: "2026-11-20T18:00:00.000Z",
    roomId: `id-${i}`,
    // A task ARN as ECS forms it (cluster, then 32 hex digits): a validating ECS endpoint refuses less.
    serverId: `arn:aws:ecs:us-east-1:111122223333:task/godot-rooms-dev/${i.toString(16).padStart(32, "0")}`,
    ownerTokenHash: "0".repeat(64),
    expiresAt: 1_900_000_000,
  };
}

/** Writes rooms straight into the table, 25 at a time (BatchWriteItem's limit). */
export async function seedRooms(table: TestTable, records: RoomRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += 25) {
    const batch = records.slice(i, i + 25).map((r) => ({ PutRequest: { Item: toItem(r) } }));
    await table.db.send(new BatchWriteCommand({ RequestItems: { [table.tableName]: batch } }));
  }
}
