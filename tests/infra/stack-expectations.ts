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
  expect(policies).toHaveLength(6); // five functions and the task execution role
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
  const body = JSON.parse(
    one(resources, "aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody,
  );
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
