import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { warmPoolFactory } from "../handlers/lambdas";
import { ENV_NAMES } from "../common/env-names";
import type { FunctionPolicyArns } from "./policies";
import { RoomsFunction } from "./rooms-function";

export interface WarmPoolArgs {
  readonly tableStreamArn: pulumi.Input<string>;
  readonly environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  readonly policyArns: pulumi.Input<Omit<FunctionPolicyArns, "logGroupArn">>;
  /** The room API's base URL, which warm servers heartbeat to. */
  readonly apiUrl: pulumi.Input<string>;
  /** Minutes between scheduled top-ups (a server that died is replaced by then at the latest). */
  readonly scheduleMinutes: number;
  readonly logRetentionDays?: number;
}

/**
 * Keeps the warm pool full, without a player's request ever waiting for RunTask: the filler
 * runs when the table's stream shows a warm server claimed or gone (filtered by Lambda, so no
 * other write invokes it), and on a schedule. Reserved concurrency 1: one run at a time, so two
 * runs never both start the same missing server. Stream reads by Lambda triggers are not billed.
 */
export class WarmPool extends pulumi.ComponentResource {
  public readonly functionName: pulumi.Output<string>;

  constructor(name: string, args: WarmPoolArgs, opts?: pulumi.ComponentResourceOptions) {
    super("godot-rooms:index:WarmPool", name, {}, opts);
    const filler = new RoomsFunction(
      name,
      {
        kind: "warm_pool",
        factory: warmPoolFactory,
        environment: pulumi
          .all([args.environment, args.apiUrl])
          .apply(([environment, apiUrl]) => ({ ...environment, [ENV_NAMES.roomsApiUrl]: apiUrl })),
        policyArns: args.policyArns,
        logRetentionDays: args.logRetentionDays,
        timeout: 60,
        reservedConcurrency: 1,
      },
      { parent: this },
    );
    new aws.lambda.EventSourceMapping(
      name,
      {
        eventSourceArn: args.tableStreamArn,
        functionName: filler.functionArn,
        startingPosition: "LATEST",
        batchSize: 10,
        maximumBatchingWindowInSeconds: 0,
        // A failed run is retried by the schedule; a stuck batch must not block the stream.
        maximumRetryAttempts: 1,
        filterCriteria: {
          filters: WARM_POOL_STREAM_FILTERS.map((f) => ({ pattern: JSON.stringify(f) })),
        },
      },
      { parent: this },
    );
    const schedule = new aws.cloudwatch.EventRule(
      `${name}-schedule`,
      {
        description: "Top the warm pool up",
        scheduleExpression:
          args.scheduleMinutes === 1 ? "rate(1 minute)" : `rate(${args.scheduleMinutes} minutes)`,
      },
      { parent: this },
    );
    new aws.cloudwatch.EventTarget(
      `${name}-schedule`,
      {
        rule: schedule.name,
        arn: filler.functionArn,
        retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeInSeconds: 60 },
      },
      { parent: this },
    );
    new aws.lambda.Permission(
      `${name}-schedule`,
      {
        action: "lambda:InvokeFunction",
        function: filler.functionName,
        principal: "events.amazonaws.com",
        sourceArn: schedule.arn,
      },
      { parent: this },
    );
    this.functionName = filler.functionName;
    this.registerOutputs({ functionName: this.functionName });
  }
}

/**
 * The stream records that call for a top-up (Lambda event filtering syntax): a warm server
 * claimed (its placeholder row gains `aliasOf`), or a warm server's row deleted (it stopped).
 */
export const WARM_POOL_STREAM_FILTERS = [
  {
    eventName: ["MODIFY"],
    dynamodb: {
      NewImage: { aliasOf: { S: [{ exists: true }] } },
      OldImage: { aliasOf: { S: [{ exists: false }] } },
    },
  },
  { eventName: ["REMOVE"], dynamodb: { OldImage: { warm: { BOOL: [true] } } } },
];
