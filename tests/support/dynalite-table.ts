import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { AddressInfo } from "node:net";
import { createTableRequest } from "../../common/rooms-table-schema";

// dynalite ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const dynalite = require("dynalite") as (
  options: Record<string, number>,
) => import("node:http").Server;

export interface TestTable {
  readonly endpoint: string;
  readonly tableName: string;
  readonly raw: DynamoDBClient;
  readonly db: DynamoDBDocumentClient;
  close(): Promise<void>;
}

/** A real DynamoDB API (dynalite, in memory, on 127.0.0.1) with the stack's rooms table schema. */
export async function startRoomsTable(tableName = "rooms-test"): Promise<TestTable> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const raw = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
  await raw.send(new CreateTableCommand(createTableRequest(tableName)));
  // dynalite makes the table ACTIVE on a timer, even with createTableMs 0: until then every item
  // request is ResourceNotFoundException, so a busy machine could see one. Wait, as AWS users do.
  for (let tries = 0; ; tries++) {
    const { Table } = await raw.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === "ACTIVE") break;
    if (tries >= 200) throw new Error(`table ${tableName} is still ${Table?.TableStatus}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return {
    endpoint,
    tableName,
    raw,
    db: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
    async close() {
      raw.destroy();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };
}
