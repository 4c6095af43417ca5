import { type DynamoDBClient, waitUntilTableExists } from "@aws-sdk/client-dynamodb";

/**
 * Waits until the table is ACTIVE. dynalite makes a new table ACTIVE on a timer, even with
 * `createTableMs: 0`; until then every item request is ResourceNotFoundException, which a busy
 * machine can meet right after CreateTable. The SDK's own waiter, polled every few milliseconds.
 */
export async function tableReady(client: DynamoDBClient, tableName: string): Promise<void> {
  await waitUntilTableExists(
    { client, maxWaitTime: 2, minDelay: 0.005, maxDelay: 0.05 },
    { TableName: tableName },
  );
}
