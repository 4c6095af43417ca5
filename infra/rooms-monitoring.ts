import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { METRICS_NAMESPACE } from "../handlers/aws/emf-metrics";
import { apiAccessLogMetricFilters, failedStartsQueries, routeAlarmQueries } from "./api-alarms";
import { buildDashboardBody } from "./dashboard";

export interface RoomsMonitoringArgs {
  readonly functionNames: pulumi.Input<string>[];
  readonly apiId: pulumi.Input<string>;
  /** The API stage whose route metrics are alarmed on (detailed metrics must be on). */
  readonly apiStage: string;
  /** Route keys, e.g. "POST /create_server": each gets a 5xx and a 503 rate alarm. */
  readonly routeKeys: readonly string[];
  /** The API's JSON access log group, turned into the 503 metric. */
  readonly accessLogGroupName: pulumi.Input<string>;
  readonly deadLetterQueueName: pulumi.Input<string>;
  readonly maxRooms: number;
  /** The stack keeps warm servers (the dashboard shows the pool). Default: false. */
  readonly warmPool?: boolean;
  /** Subscribed to the alarms topic. Default: none. */
  readonly alarmEmail?: string;
}

/**
 * A dashboard, and alarms to an SNS topic: on what users feel (each route's 5xx and 503 rates,
 * failed room starts), on function errors, dead letters and rooms at the cap.
 */
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
    this.userFacingAlarms(name, args, alarm);
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const dashboard = new aws.cloudwatch.Dashboard(
      name,
      {
        // Dashboard names are unique per account, across regions: the API id keeps two copies of
        // one stack (another region, another Pulumi project or backend) from overwriting each other.
        dashboardName: pulumi.interpolate`${name}-${args.apiId}`,
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
                warmPool: args.warmPool ?? false,
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

  /** Handled failures (503s, failed starts) leave the function error alarms at zero: these don't. */
  private userFacingAlarms(
    name: string,
    args: RoomsMonitoringArgs,
    alarm: (
      id: string,
      alarmArgs: Omit<aws.cloudwatch.MetricAlarmArgs, "alarmActions" | "okActions">,
    ) => aws.cloudwatch.MetricAlarm,
  ) {
    for (const filter of apiAccessLogMetricFilters()) {
      new aws.cloudwatch.LogMetricFilter(
        `${name}-${filter.id}`,
        {
          logGroupName: args.accessLogGroupName,
          pattern: filter.pattern,
          metricTransformation: filter.metricTransformation,
        },
        { parent: this },
      );
    }
    const common = { treatMissingData: "notBreaching" } as const;
    for (const route of args.routeKeys) {
      // "POST /create_server" -> "create-server": each path has one route here.
      const id = route
        .split(" ")[1]
        .replace(/[^A-Za-z0-9]+/g, "-")
        .replace(/^-|-$/g, "");
      const queries = pulumi
        .output(args.apiId)
        .apply((apiId) => routeAlarmQueries(apiId, args.apiStage, route));
      alarm(`api-5xx-${id}`, {
        ...common,
        alarmDescription: `${route}: more than 1% of requests failed with a 5xx other than 503`,
        metricQueries: queries.serverErrors,
        threshold: 1,
        comparisonOperator: "GreaterThanThreshold",
        evaluationPeriods: 1,
      });
      alarm(`api-503-${id}`, {
        ...common,
        alarmDescription: `${route}: half or more of requests answered 503 (try again) for 10 minutes`,
        metricQueries: queries.unavailable,
        threshold: 50,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        evaluationPeriods: 2,
      });
    }
    alarm("failed-starts", {
      ...common,
      alarmDescription: "Rooms failed to start: RunTask failed, or Fargate had no capacity",
      metricQueries: failedStartsQueries(pulumi.getStack()),
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 1,
    });
  }
}
