import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { reconcilerFactory, taskEventsFactory } from "../handlers/lambdas";
import { taskStateChangePattern } from "./event-patterns";
import { buildDeadLetterQueuePolicy, type FunctionPolicyArns } from "./policies";
import { RoomsFunction } from "./rooms-function";

export interface TaskEventsArgs {
  readonly clusterArn: pulumi.Input<string>;
  readonly environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  readonly policyArns: pulumi.Input<Omit<FunctionPolicyArns, "logGroupArn">>;
  /** Minutes between reconciler runs. Default: 5. */
  readonly reconcileMinutes?: number;
  /** Days to keep logs. Default: 14. */
  readonly logRetentionDays?: number;
}

/**
 * ECS task state changes of this cluster → the task-events function (with retries, then a
 * dead-letter queue), and the reconciler on a schedule.
 */
export class TaskEvents extends pulumi.ComponentResource {
  public readonly deadLetterQueueArn: pulumi.Output<string>;
  public readonly deadLetterQueueName: pulumi.Output<string>;
  public readonly eventsFunctionName: pulumi.Output<string>;
  public readonly reconcilerFunctionName: pulumi.Output<string>;

  constructor(name: string, args: TaskEventsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("godot-rooms:index:TaskEvents", name, {}, opts);
    const reconcileMinutes = args.reconcileMinutes ?? 5;
    const logRetentionDays = args.logRetentionDays ?? 14;
    if (!Number.isInteger(reconcileMinutes) || reconcileMinutes < 1)
      throw new Error("reconcileMinutes must be at least 1.");

    const deadLetters = new aws.sqs.Queue(
      `${name}-dlq`,
      { messageRetentionSeconds: 14 * 24 * 3600, sqsManagedSseEnabled: true },
      { parent: this },
    );
    const handler = new RoomsFunction(
      name,
      {
        kind: "task_events",
        factory: taskEventsFactory,
        environment: args.environment,
        policyArns: args.policyArns,
        logRetentionDays,
      },
      { parent: this },
    );
    const rule = new aws.cloudwatch.EventRule(
      name,
      {
        description: "ECS task state changes of game rooms in this cluster",
        eventPattern: pulumi
          .output(args.clusterArn)
          .apply((arn) => JSON.stringify(taskStateChangePattern(arn))),
      },
      { parent: this },
    );
    this.invokeOnRule(name, rule, handler, deadLetters.arn, {
      maximumRetryAttempts: 8,
      maximumEventAgeInSeconds: 3600,
    });

    const reconciler = new RoomsFunction(
      `${name}-reconciler`,
      {
        kind: "reconciler",
        factory: reconcilerFactory,
        environment: args.environment,
        policyArns: args.policyArns,
        logRetentionDays,
        timeout: 60,
      },
      { parent: this },
    );
    const schedule = new aws.cloudwatch.EventRule(
      `${name}-reconcile`,
      {
        description: "Reconcile rooms with their tasks",
        scheduleExpression:
          reconcileMinutes === 1 ? "rate(1 minute)" : `rate(${reconcileMinutes} minutes)`,
      },
      { parent: this },
    );
    this.invokeOnRule(`${name}-reconcile`, schedule, reconciler, deadLetters.arn, {
      maximumRetryAttempts: 0,
      maximumEventAgeInSeconds: 60,
    });
    new aws.sqs.QueuePolicy(
      `${name}-dlq`,
      {
        queueUrl: deadLetters.url,
        policy: pulumi
          .all([deadLetters.arn, rule.arn, schedule.arn])
          .apply(([queueArn, ruleArn, scheduleArn]) =>
            JSON.stringify(
              buildDeadLetterQueuePolicy({ queueArn, ruleArns: [ruleArn, scheduleArn] }),
            ),
          ),
      },
      { parent: this },
    );
    this.deadLetterQueueArn = deadLetters.arn;
    this.deadLetterQueueName = deadLetters.name;
    this.eventsFunctionName = handler.functionName;
    this.reconcilerFunctionName = reconciler.functionName;
    this.registerOutputs({ deadLetterQueueArn: this.deadLetterQueueArn });
  }

  /** Lets the rule invoke the function: a target with retries, then the dead-letter queue, and the permission. */
  private invokeOnRule(
    name: string,
    rule: aws.cloudwatch.EventRule,
    fn: RoomsFunction,
    deadLetterArn: pulumi.Input<string>,
    retryPolicy: { maximumRetryAttempts: number; maximumEventAgeInSeconds: number },
  ) {
    new aws.cloudwatch.EventTarget(
      name,
      {
        rule: rule.name,
        arn: fn.functionArn,
        retryPolicy,
        deadLetterConfig: { arn: deadLetterArn },
      },
      { parent: this },
    );
    new aws.lambda.Permission(
      name,
      {
        action: "lambda:InvokeFunction",
        function: fn.functionName,
        principal: "events.amazonaws.com",
        sourceArn: rule.arn,
      },
      { parent: this },
    );
  }
}
