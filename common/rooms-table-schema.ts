/**
 * The rooms table, as data. The Pulumi table (infra/) and every test table are built from this,
 * so the key schema and indexes cannot drift apart.
 *
 * Rows:
 * - one row per room, `pk = "room#<name in lower case>"`;
 * - one counter row, `pk = "meta#capacity"`, holding how many rooms hold a capacity slot.
 *
 * Indexes are sparse: a room carries `runningKey` (and `runningVersion`) only while RUNNING,
 * so a list page never reads rooms that are starting or stopping.
 */
export interface KeyAttribute {
  readonly name: string;
  readonly type: "S" | "N";
}

export interface IndexDefinition {
  readonly name: string;
  readonly hashKey: string;
  readonly rangeKey: string;
}

export interface TableSchema {
  readonly hashKey: string;
  readonly attributes: readonly KeyAttribute[];
  readonly indexes: readonly IndexDefinition[];
  readonly ttlAttribute: string;
}

export const ROOMS_TABLE_SCHEMA: TableSchema = {
  hashKey: "pk",
  attributes: [
    { name: "pk", type: "S" },
    { name: "runningKey", type: "S" },
    { name: "runningVersion", type: "S" },
  ],
  indexes: [
    { name: "running", hashKey: "runningKey", rangeKey: "pk" },
    { name: "running-by-version", hashKey: "runningVersion", rangeKey: "pk" },
  ],
  ttlAttribute: "expiresAt",
};

/** The value of `runningKey` on every RUNNING room. */
export const RUNNING_KEY = "RUNNING";

/** A CreateTable request for the schema (used by tests and local mode against DynamoDB APIs). */
export function createTableRequest(tableName: string, schema: TableSchema = ROOMS_TABLE_SCHEMA) {
  return {
    TableName: tableName,
    BillingMode: "PAY_PER_REQUEST" as const,
    AttributeDefinitions: schema.attributes.map((a) => ({
      AttributeName: a.name,
      AttributeType: a.type,
    })),
    KeySchema: [{ AttributeName: schema.hashKey, KeyType: "HASH" as const }],
    GlobalSecondaryIndexes: schema.indexes.map((index) => ({
      IndexName: index.name,
      KeySchema: [
        { AttributeName: index.hashKey, KeyType: "HASH" as const },
        { AttributeName: index.rangeKey, KeyType: "RANGE" as const },
      ],
      Projection: { ProjectionType: "ALL" as const },
    })),
  };
}
