import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ROOMS_TABLE_SCHEMA } from "../common/rooms-table-schema";

export interface RoomsTableArgs {
  /** Deletion protection, point-in-time recovery, and protect/retainOnDelete. Default: false. */
  readonly protectData?: boolean;
  /** A stream of row images, for the warm pool's filler. Default: false (no stream). */
  readonly stream?: boolean;
}

/** The rooms table, on demand, from the shared schema, with TTL as the last safety net. */
export class RoomsTable extends pulumi.ComponentResource {
  public readonly tableName: pulumi.Output<string>;
  public readonly tableArn: pulumi.Output<string>;
  /** Only with `stream`. */
  public readonly streamArn: pulumi.Output<string>;

  constructor(name: string, args: RoomsTableArgs, opts?: pulumi.ComponentResourceOptions) {
    super("godot-rooms:index:RoomsTable", name, {}, opts);
    const protectData = args.protectData ?? false;
    const schema = ROOMS_TABLE_SCHEMA;
    const table = new aws.dynamodb.Table(
      name,
      {
        billingMode: "PAY_PER_REQUEST",
        hashKey: schema.hashKey,
        attributes: schema.attributes.map((a) => ({ name: a.name, type: a.type })),
        globalSecondaryIndexes: schema.indexes.map((index) => ({
          name: index.name,
          hashKey: index.hashKey,
          rangeKey: index.rangeKey,
          projectionType: "ALL",
        })),
        ttl: { attributeName: schema.ttlAttribute, enabled: true },
        ...(args.stream ? { streamEnabled: true, streamViewType: "NEW_AND_OLD_IMAGES" } : {}),
        deletionProtectionEnabled: protectData,
        pointInTimeRecovery: { enabled: protectData },
        // No serverSideEncryption block: the table is encrypted at rest with the AWS-owned key,
        // at no charge. The AWS-managed key (enabled: true) adds KMS request charges and
        // key-policy audit trails that nothing here needs.
      },
      { parent: this, protect: protectData, retainOnDelete: protectData },
    );
    this.tableName = table.name;
    this.tableArn = table.arn;
    this.streamArn = table.streamArn;
    this.registerOutputs({ tableName: this.tableName, tableArn: this.tableArn });
  }
}
