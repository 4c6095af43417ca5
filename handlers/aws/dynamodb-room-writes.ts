import {
  DeleteCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import type { RoomWrites, SlotCounter } from "../ports";
import { nameReserved, noFreeSlot } from "../rooms/errors";
import type { RoomRecord } from "../rooms/room";
import { awsRequest, toCoreError } from "./transient-errors";
import { CAPACITY_KEY, fromItem, roomKey, toItem } from "./room-items";

/** By name, not class: what matters is the error's shape, whichever SDK copy made it. */
function isConditionFailure(error: unknown): boolean {
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

/**
 * The room writes and single-row reads over DynamoDB, through an injected document client: all
 * that create_server, stop_server, heartbeats and task events need. Listing and scanning live in
 * DynamoDbRoomStore (dynamodb-room-store.ts), so that these functions' archives do not carry them
 * (an archive holds every method of each class it uses).
 */
export class DynamoDbRoomWrites implements RoomWrites {
  constructor(
    protected readonly db: DynamoDBDocumentClient,
    protected readonly tableName: string,
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

  async acquireSlot(max: number, counter?: SlotCounter): Promise<void> {
    const taken =
      max > 0 &&
      (await conditionally(
        this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: counter ? { pk: counter.pk } : CAPACITY_KEY,
            UpdateExpression: counter ? "ADD slots :one SET expiresAt = :e" : "ADD slots :one",
            ConditionExpression: "attribute_not_exists(slots) OR slots < :max",
            ExpressionAttributeValues: {
              ":one": 1,
              ":max": max,
              ...(counter ? { ":e": counter.expiresAt } : {}),
            },
          }),
        ),
      ));
    if (!taken) throw noFreeSlot();
  }

  async releaseSlot(counter?: Pick<SlotCounter, "pk">): Promise<void> {
    await conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: counter ? { pk: counter.pk } : CAPACITY_KEY,
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
}
