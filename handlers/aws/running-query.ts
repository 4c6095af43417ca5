import { RUNNING_KEY, ROOMS_TABLE_SCHEMA } from "../../common/rooms-table-schema";

const [RUNNING_INDEX, RUNNING_BY_VERSION_INDEX] = ROOMS_TABLE_SCHEMA.indexes;

/**
 * The Query of one page of RUNNING rooms, of one version or of all, in name order, from the
 * sparse index that holds only them: get_servers' listing and quick play read the same way.
 */
export function runningQuery(tableName: string, version: string | undefined, limit: number) {
  const index = version ? RUNNING_BY_VERSION_INDEX : RUNNING_INDEX;
  const keyValue = version ?? RUNNING_KEY;
  return {
    index,
    keyValue,
    input: {
      TableName: tableName,
      IndexName: index.name,
      KeyConditionExpression: "#key = :key",
      ExpressionAttributeNames: { "#key": index.hashKey },
      ExpressionAttributeValues: { ":key": keyValue },
      Limit: limit,
    },
  };
}
