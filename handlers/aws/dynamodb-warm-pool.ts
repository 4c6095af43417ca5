import {
  type DynamoDBDocumentClient,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} from "@aws-sdk/lib-dynamodb";
import { ROOMS_TABLE_SCHEMA } from "../../common/rooms-table-schema";
import type { WarmPool } from "../ports";
import type { RoomRecord } from "../rooms/room";
import { conditionally } from "./dynamodb-room-writes";
import { fromItem, roomKey, toItem, warmKey } from "./room-items";
import { awsRequest } from "./transient-errors";

const [RUNNING_INDEX] = ROOMS_TABLE_SCHEMA.indexes;

/**
 * The warm pool over the rooms table. A ready warm server's row carries `runningKey =
 * warm#<version>` in the `running` index; claiming it removes that key and sets `aliasOf`, in one
 * conditional write, so two creates can never take the same server.
 */
export class DynamoDbWarmPool implements WarmPool {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async listReady(version: string | undefined, limit: number): Promise<RoomRecord[]> {
    const result = await awsRequest(
      this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: RUNNING_INDEX.name,
          KeyConditionExpression: "runningKey = :key",
          ExpressionAttributeValues: { ":key": warmKey(version) },
          Limit: limit,
        }),
      ),
    );
    return (result.Items ?? []).map(fromItem);
  }

  /** Only if still this server, still in its pool (ready and RUNNING), and not claimed. */
  claim(warm: RoomRecord, name: string, updatedAt: string): Promise<boolean> {
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: roomKey(warm.name),
          UpdateExpression: "SET aliasOf = :name, updatedAt = :at REMOVE runningKey",
          ConditionExpression:
            "roomId = :rid AND runningKey = :key AND #status = :running AND attribute_not_exists(aliasOf)",
          ExpressionAttributeNames: { "#status": "status" },
          ExpressionAttributeValues: {
            ":name": name,
            ":at": updatedAt,
            ":rid": warm.roomId,
            ":key": warmKey(warm.version),
            ":running": "RUNNING",
          },
        }),
      ),
    );
  }

  adopt(room: RoomRecord, reservedRoomId: string): Promise<boolean> {
    return conditionally(
      this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(room),
          ConditionExpression: "roomId = :reserved",
          ExpressionAttributeValues: { ":reserved": reservedRoomId },
        }),
      ),
    );
  }
}
