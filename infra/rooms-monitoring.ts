import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { METRICS_NAMESPACE } from "../handlers/aws/emf-metrics";
import { buildDashboardBody } from "./dashboard";

export interface RoomsMonitoringArgs {
  readonly functionNames: pulumi.Input<string>[];
  readonly apiId: pulumi.Input<string>;
  readonly deadLetterQueueName: pulumi.Input<string>;
  readonly maxRooms: number;
  /** Subscribed to the alarms topic. Default: none. */
  readonly alarmEmail?: string;
}

/** A dashboard, and alarms on function errors, dead letters and rooms at the cap, to an SNS topic. */
export class RoomsMonitoring extends pulumi.ComponentResource {
  public readonly topicArn: pulumi.Output<string>;
  public readonly dashboardName: pulumi.Output<string>;

  constructor(name: string, args: RoomsMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("godot-rooms:index:RoomsMonitoring", name, {}, opts);
    const stack = pulumi.getStack();
    const topic = new aws.sns.Topic(`${name}-alarms`, {}, { parent: this });
    if (args.alarmEmail) {
      new aws.sns.TopicSubscription(
        `${name}-alarms-email`,
        { topic: topic.arn, protocol: "email", endpoint: args.alarmEmail },
        { parent: this },
      );
    }
    const alarm = (
      id: string,
      alarmArgs: Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions">,
    ) =>
      new aws.cloudwatch.MetricAlarm(
        `${name}-${id}`,
        { ...alarmArgs, alarmActions: [topic.arn], okActions: [topic.arn] },
        { parent: this },
      );

    args.functionNames.forEach((functionName, i) =>
      alarm(`function-errors-${i}`, {
        alarmDescription: pulumi.interpolate`Lambda ${functionName} reported errors`,
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: functionName },
        statistic: "Sum",
        period: 300,
        evaluationPeriods: 1,
        threshold: 0,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "notBreaching",
      }),
    );
    alarm("dead-letters", {
      alarmDescription: "Task state change events failed and went to the dead-letter queue",
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: args.deadLetterQueueName },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
    });
    alarm("rooms-at-cap", {
      alarmDescription: `Rooms are at the cap of ${args.maxRooms}: new creates are refused`,
      namespace: METRICS_NAMESPACE,
      metricName: "RoomsTotal",
      dimensions: { Stack: stack },
      statistic: "Maximum",
      period: 300,
      evaluationPeriods: 1,
      threshold: args.maxRooms,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    });
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const dashboard = new aws.cloudwatch.Dashboard(
      name,
      {
        dashboardName: name,
        dashboardBody: pulumi
          .all([region, pulumi.all(args.functionNames), args.apiId, args.deadLetterQueueName])
          .apply(([regionName, functionNames, apiId, deadLetterQueueName]) =>
            JSON.stringify(
              buildDashboardBody({
                region: regionName,
                stack,
                functionNames,
                apiId,
                deadLetterQueueName,
              }),
            ),
          ),
      },
      { parent: this },
    );
    this.topicArn = topic.arn;
    this.dashboardName = dashboard.dashboardName;
    this.registerOutputs({ topicArn: this.topicArn, dashboardName: this.dashboardName });
  }
}
