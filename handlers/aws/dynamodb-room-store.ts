import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { ROOMS_TABLE_SCHEMA } from "../../common/rooms-table-schema";
import type { RoomPage, RoomStore } from "../ports";
import { invalidRequest, nameReserved, noFreeSlot } from "../rooms/errors";
import type { RoomRecord } from "../rooms/room";
import { CURSOR_INVALID, decodeCursor, encodeCursor } from "./room-cursor";
import { awsRequest, toCoreError } from "./transient-errors";
import { CAPACITY_KEY, fromItem, roomKey, runningKeys, toItem } from "./room-items";

const [RUNNING_INDEX, RUNNING_BY_VERSION_INDEX] = ROOMS_TABLE_SCHEMA.indexes;

function isConditionFailure(error: unknown): boolean {
  // By name, not class: what matters is the error's shape, whichever SDK copy made it.
  return (
    typeof error === "object" &&
    error !== null &&
    (error as { name?: unknown }).name === "ConditionalCheckFailedException"
  );
}

/** Runs a conditional write: true when written, false when its condition did not hold. */
export async function conditionally(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw toCoreError(error);
  }
}

/** The room store over DynamoDB, through an injected document client. */
export class DynamoDbRoomStore implements RoomStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async reserve(record: RoomRecord): Promise<void> {
    const put = this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: toItem(record),
        ConditionExpression: "attribute_not_exists(pk)",
      }),
    );
    if (!(await conditionally(put))) throw nameReserved();
  }

  async acquireSlot(max: number): Promise<void> {
    const taken =
      max > 0 &&
      (await conditionally(
        this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: CAPACITY_KEY,
            UpdateExpression: "ADD slots :one",
            ConditionExpression: "attribute_not_exists(slots) OR slots < :max",
            ExpressionAttributeValues: { ":one": 1, ":max": max },
          }),
        ),
      ));
    if (!taken) throw noFreeSlot();
  }

  async releaseSlot(): Promise<void> {
    await conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: CAPACITY_KEY,
          UpdateExpression: "ADD slots :minusOne",
          ConditionExpression: "slots > :zero",
          ExpressionAttributeValues: { ":minusOne": -1, ":zero": 0 },
        }),
      ),
    );
  }

  attachServer(name: string, roomId: string, serverId: string): Promise<boolean> {
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: roomKey(name),
          UpdateExpression: "SET serverId = :sid",
          ConditionExpression:
            "roomId = :rid AND (attribute_not_exists(serverId) OR serverId = :sid)",
          ExpressionAttributeValues: { ":rid": roomId, ":sid": serverId },
        }),
      ),
    );
  }

  async get(name: string): Promise<RoomRecord | undefined> {
    const { Item } = await awsRequest(
      this.db.send(
        new GetCommand({ TableName: this.tableName, Key: roomKey(name), ConsistentRead: true }),
      ),
    );
    return Item ? fromItem(Item) : undefined;
  }

  markStopping(name: string, roomId: string, updatedAt: string): Promise<boolean> {
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: roomKey(name),
          UpdateExpression:
            "SET #status = :stopping, updatedAt = :updatedAt REMOVE ip, runningKey, runningVersion",
          ConditionExpression: "roomId = :rid",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":rid": roomId,
            ":stopping": "STOPPING",
            ":updatedAt": updatedAt,
          },
        }),
      ),
    );
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

  remove(name: string, roomId: string): Promise<boolean> {
    return conditionally(
      this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: roomKey(name),
          ConditionExpression: "roomId = :rid",
          ExpressionAttributeValues: { ":rid": roomId },
        }),
      ),
    );
  }

  async listRunning(query: {
    limit: number;
    cursor?: string;
    version?: string;
  }): Promise<RoomPage> {
    const index = query.version ? RUNNING_BY_VERSION_INDEX : RUNNING_INDEX;
    const keyValue = query.version ?? runningKeys(undefined).runningKey;
    const result = await awsRequest(
      this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: index.name,
          KeyConditionExpression: "#key = :key",
          ExpressionAttributeNames: { "#key": index.hashKey },
          ExpressionAttributeValues: { ":key": keyValue },
          Limit: query.limit,
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
