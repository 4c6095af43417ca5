import { type PolicyStatement } from "../../infra/policies";
import {
  ACCOUNT,
  ofType,
  REGION,
  type RecordedResource,
  runProgram,
} from "../support/pulumi-program";

export type Stack = Awaited<ReturnType<typeof runProgram>>;

export function one(resources: RecordedResource[], type: string, name?: string): RecordedResource {
  const found = ofType(resources, type).filter((r) => name === undefined || r.name === name);
  if (found.length !== 1)
    throw new Error(`expected one ${type} ${name ?? ""}, found ${found.length}`);
  return found[0];
}

export function policyOf(stack: Stack, roleName: string): PolicyStatement[] {
  const policy = ofType(stack.resources, "aws:iam/rolePolicy:RolePolicy").find(
    (p) => p.inputs.role === `${roleName}-id`,
  );
  if (!policy) throw new Error(`no policy for ${roleName}`);
  return JSON.parse(policy.inputs.policy).Statement;
}

export const arn = (service: string, resource: string) =>
  `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;

/** Statements every stack must show, whatever its settings. */
export function expectLeastPrivilege(stack: Stack) {
  const policies = ofType(stack.resources, "aws:iam/rolePolicy:RolePolicy");
  expect(policies).toHaveLength(8); // seven functions and the task execution role
  expect(ofType(stack.resources, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")).toEqual([]);
  const allowedStar = new Set([
    "ec2:DescribeNetworkInterfaces",
    "ecr:GetAuthorizationToken",
    "ecs:ListTasks",
  ]);
  for (const policy of policies) {
    for (const statement of JSON.parse(policy.inputs.policy).Statement as PolicyStatement[]) {
      for (const action of statement.Action) expect(action).not.toMatch(/\*/);
      if (statement.Resource === "*") {
        expect(statement.Action.every((a) => allowedStar.has(a))).toBe(true);
        if (statement.Action.includes("ecs:ListTasks")) {
          expect(statement.Condition).toEqual({
            ArnEquals: { "ecs:cluster": expect.stringMatching(/:cluster\//) },
          });
        }
      }
    }
  }
}

/** The dashboard, alarms and topic exist and point at this stack's resources. */
export function expectMonitoring(stack: Stack, prefix: string, maxRooms: number) {
  const { resources } = stack;
  const topic = one(resources, "aws:sns/topic:Topic");
  const topicArn = topic.state.arn;
  const functions = ofType(resources, "aws:lambda/function:Function")
    .map((f) => f.name)
    .sort();
  const alarms = ofType(resources, "aws:cloudwatch/metricAlarm:MetricAlarm");
  for (const a of alarms) {
    expect(a.inputs.alarmActions).toEqual([topicArn]);
  }
  const errorAlarms = alarms.filter((a) => a.inputs.metricName === "Errors");
  expect(errorAlarms.map((a) => a.inputs.dimensions.FunctionName).sort()).toEqual(functions);
  expect(
    errorAlarms.every((a) => a.inputs.threshold === 0 && a.inputs.namespace === "AWS/Lambda"),
  ).toBe(true);
  const dlqName = one(resources, "aws:sqs/queue:Queue").state.name;
  expect(alarms.find((a) => a.inputs.namespace === "AWS/SQS")?.inputs).toMatchObject({
    dimensions: { QueueName: dlqName },
    comparisonOperator: "GreaterThanThreshold",
    threshold: 0,
  });
  expect(alarms.find((a) => a.inputs.metricName === "RoomsTotal")?.inputs).toMatchObject({
    namespace: "GodotRooms",
    threshold: maxRooms,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
  });
  expectUserFacingAlarms(stack, prefix, topicArn);
  const dashboard = one(resources, "aws:cloudwatch/dashboard:Dashboard");
  // Unique per copy: dashboard names are account-wide, across regions and projects.
  expect(dashboard.inputs.dashboardName).toBe(`${prefix}-${prefix}-api-id`);
  const body = JSON.parse(dashboard.inputs.dashboardBody);
  const metrics = JSON.stringify(body.widgets.map((w: any) => w.properties.metrics));
  for (const expected of [
    ...functions,
    `${prefix}-api-id`,
    dlqName,
    "RoomsRunning",
    "CreatesRejected",
    "TasksRunning",
    "Throttles",
    "5xx",
    "Latency",
  ]) {
    expect(metrics).toContain(expected);
  }
  return { topic };
}

const routeMetric = (id: string, namespace: string, metricName: string, dimensions: object) => ({
  id,
  returnData: false,
  metric: { namespace, metricName, dimensions, period: 300, stat: "Sum" },
});

/** Alarms on what users feel: each route's 5xx (not 503) and 503 rates, and failed starts. */
function expectUserFacingAlarms(stack: Stack, prefix: string, topicArn: string) {
  const { resources } = stack;
  const apiId = `${prefix}-api-id`;
  expect(one(resources, "aws:cloudwatch/logMetricFilter:LogMetricFilter").inputs).toEqual({
    logGroupName: `${prefix}-api-access`,
    pattern: '{ $.status = "503" }',
    metricTransformation: {
      namespace: "GodotRooms",
      name: "ApiUnavailable",
      value: "1",
      unit: "Count",
      dimensions: { ApiId: "$.apiId", Route: "$.routeKey" },
    },
  });
  const alarm = (name: string) =>
    one(resources, "aws:cloudwatch/metricAlarm:MetricAlarm", `${prefix}-${name}`).inputs;
  // API Gateway's route-level dimensions for HTTP APIs: ApiId, Method, Resource, Stage.
  const routes = [
    ["create-server", "POST /create_server", "POST", "/create_server"],
    ["get-servers", "GET /get_servers", "GET", "/get_servers"],
    ["stop-server", "POST /stop_server", "POST", "/stop_server"],
  ];
  for (const [id, route, method, resource] of routes) {
    const requests = routeMetric("requests", "AWS/ApiGateway", "Count", {
      ApiId: apiId,
      Method: method,
      Resource: resource,
      Stage: "$default",
    });
    const errors = routeMetric("errors", "AWS/ApiGateway", "5xx", {
      ApiId: apiId,
      Method: method,
      Resource: resource,
      Stage: "$default",
    });
    const unavailable = routeMetric("unavailable", "GodotRooms", "ApiUnavailable", {
      ApiId: apiId,
      Route: route,
    });
    const rate = (numerator: string) => ({
      id: "rate",
      label: "percent of requests",
      returnData: true,
      expression: `IF(requests >= 5, 100 * (${numerator}) / requests, 0)`,
    });
    expect(alarm(`api-5xx-${id}`)).toEqual({
      alarmDescription: `${route}: more than 1% of requests failed with a 5xx other than 503`,
      metricQueries: [
        requests,
        errors,
        unavailable,
        rate("FILL(errors, 0) - FILL(unavailable, 0)"),
      ],
      threshold: 1,
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 1,
      treatMissingData: "notBreaching",
      alarmActions: [topicArn],
      okActions: [topicArn],
    });
    expect(alarm(`api-503-${id}`)).toEqual({
      alarmDescription: `${route}: half or more of requests answered 503 (try again) for 10 minutes`,
      metricQueries: [requests, unavailable, rate("FILL(unavailable, 0)")],
      threshold: 50,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      evaluationPeriods: 2,
      treatMissingData: "notBreaching",
      alarmActions: [topicArn],
      okActions: [topicArn],
    });
  }
  const stackName = prefix.replace(/^godot-rooms-/, "");
  const rejected = (id: string, reason: string) =>
    routeMetric(id, "GodotRooms", "CreatesRejected", { Stack: stackName, Reason: reason });
  expect(alarm("failed-starts")).toEqual({
    alarmDescription: "Rooms failed to start: RunTask failed, or Fargate had no capacity",
    metricQueries: [
      rejected("startFailed", "StartFailed"),
      rejected("noCapacity", "NoFargateCapacity"),
      {
        id: "failedStarts",
        label: "failed starts",
        returnData: true,
        expression: "FILL(startFailed, 0) + FILL(noCapacity, 0)",
      },
    ],
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    evaluationPeriods: 1,
    treatMissingData: "notBreaching",
    alarmActions: [topicArn],
    okActions: [topicArn],
  });
}
