import { type DynamoDBDocumentClient, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { ClientLimits } from "../ports";
import { conditionally } from "./dynamodb-room-writes";

/**
 * Per-client create counters in the rooms table: one row per client and minute
 * (`client#<key>#<epoch minute>`), counted by a conditional ADD, so parallel creates never pass
 * the limit. TTL only cleans the rows up, two minutes after their minute: the limit is checked by
 * the write, never by TTL. The reconciler's scan reads only `room#` rows.
 */
export class DynamoDbClientLimits implements ClientLimits {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  countCreate(clientKey: string, minute: number, limit: number): Promise<boolean> {
    return conditionally(
      this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: `client#${clientKey}#${minute}` },
          UpdateExpression: "ADD creates :one SET expiresAt = :expiresAt",
          ConditionExpression: "attribute_not_exists(creates) OR creates < :limit",
          ExpressionAttributeValues: {
            ":one": 1,
            ":limit": limit,
            ":expiresAt": (minute + 2) * 60,
          },
        }),
      ),
    );
  }
}
