import { CreateTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { AddressInfo } from "node:net";
import { createTableRequest } from "../../common/rooms-table-schema";
import { tableReady } from "../../local/table-ready";

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
  await tableReady(raw, tableName);
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
