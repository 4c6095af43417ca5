import {
  type DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { ROOMS_TABLE_SCHEMA } from "../../common/rooms-table-schema";
import type { RoomPage, RoomStore } from "../ports";
import { invalidRequest } from "../rooms/errors";
import type { RoomRecord } from "../rooms/room";
import { conditionally, DynamoDbRoomWrites } from "./dynamodb-room-writes";
import { CURSOR_INVALID, decodeCursor, encodeCursor } from "./room-cursor";
import { runningQuery } from "./running-query";
import { awsRequest } from "./transient-errors";
import { CAPACITY_KEY, fromItem, roomKey } from "./room-items";

export { conditionally } from "./dynamodb-room-writes";

/**
 * The whole room store over DynamoDB: the writes, plus listing RUNNING rooms (get_servers) and
 * reading the whole table and its counter (the reconciler, the warm pool's filler).
 */
export class DynamoDbRoomStore extends DynamoDbRoomWrites implements RoomStore {
  // Written out: Pulumi's serializer turns an implicit derived constructor into
  // `super.call(this)`, which drops the arguments (docs/room-core.md).
  constructor(db: DynamoDBDocumentClient, tableName: string) {
    super(db, tableName);
  }

  extendExpiry(name: string, roomId: string, expiresAt: number): Promise<boolean> {
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: roomKey(name),
          UpdateExpression: "SET expiresAt = :expiresAt",
          ConditionExpression: "roomId = :rid",
          ExpressionAttributeValues: { ":rid": roomId, ":expiresAt": expiresAt },
        }),
      ),
    );
  }

  async listRunning(query: {
    limit: number;
    cursor?: string;
    version?: string;
  }): Promise<RoomPage> {
    const { index, keyValue, input } = runningQuery(this.tableName, query.version, query.limit);
    const result = await awsRequest(
      this.db.send(
        new QueryCommand({
          ...input,
          ...(query.cursor
            ? { ExclusiveStartKey: this.startKey(query.cursor, index.hashKey, keyValue) }
            : {}),
        }),
      ),
    );
    return {
      rooms: (result.Items ?? []).map(fromItem),
      ...(result.LastEvaluatedKey ? { nextCursor: encodeCursor(result.LastEvaluatedKey) } : {}),
      itemsRead: result.ScannedCount ?? 0,
    };
  }

  private startKey(cursor: string, indexKey: string, keyValue: string): Record<string, string> {
    const key = decodeCursor(cursor, [ROOMS_TABLE_SCHEMA.hashKey, indexKey]);
    // A cursor from another listing (another version) would page from the wrong place: refuse it.
    if (key[indexKey] !== keyValue || !key.pk.startsWith("room#"))
      throw invalidRequest(CURSOR_INVALID);
    return key;
  }

  async scanAll(): Promise<RoomRecord[]> {
    const records: RoomRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await awsRequest(
        this.db.send(
          new ScanCommand({
            TableName: this.tableName,
            FilterExpression: "begins_with(pk, :room)",
            ExpressionAttributeValues: { ":room": "room#" },
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      records.push(...(page.Items ?? []).map(fromItem));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return records;
  }

  async slotCount(): Promise<number> {
    const { Item } = await awsRequest(
      this.db.send(
        new GetCommand({ TableName: this.tableName, Key: CAPACITY_KEY, ConsistentRead: true }),
      ),
    );
    return typeof Item?.slots === "number" ? Item.slots : 0;
  }

  repairSlotCount(expected: number, actual: number): Promise<boolean> {
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: CAPACITY_KEY,
          UpdateExpression: "SET slots = :actual",
          ConditionExpression:
            expected === 0
              ? "attribute_not_exists(slots) OR slots = :expected"
              : "slots = :expected",
          ExpressionAttributeValues: { ":actual": actual, ":expected": expected },
        }),
      ),
    );
  }
}
