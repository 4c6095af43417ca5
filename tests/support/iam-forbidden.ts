import type { IamRequest } from "./iam-requests";
import type { FunctionIdentity } from "./iam-stack";
import type { RecordedResource } from "./pulumi-program";

const one = (resources: RecordedResource[], type: string) => {
  const found = resources.filter((r) => r.type === type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
};

/** The stack's own resources that the forbidden requests aim at, or next to. */
function ownResources(resources: RecordedResource[]) {
  const table = one(resources, "aws:dynamodb/table:Table");
  const cluster = one(resources, "aws:ecs/cluster:Cluster");
  const definition = one(resources, "aws:ecs/taskDefinition:TaskDefinition");
  const clusterArn: string = cluster.state.arn;
  return {
    tableArn: table.state.arn as string,
    indexNames: (table.inputs.globalSecondaryIndexes ?? []).map((i: { name: string }) => i.name),
    clusterArn,
    taskArn: `${clusterArn.replace(":cluster/", ":task/")}/0123456789abcdef0123456789abcdef`,
    containerInstances: `${clusterArn.replace(":cluster/", ":container-instance/")}/*`,
    definitionArn: definition.state.arn as string,
    executionRoleArn: definition.inputs.executionRoleArn as string,
    taskRoleArn: definition.inputs.taskRoleArn as string,
    functionArns: resources
      .filter((r) => r.type === "aws:lambda/function:Function")
      .map((f) => f.state.arn as string),
  };
}

/**
 * Requests no function may make, whatever it records: on resources next to the stack's own
 * (another task definition, cluster, role, service, table or log group), the base table's Query,
 * and account-wide actions nobody needs.
 */
export function alwaysForbidden(fn: FunctionIdentity, resources: RecordedResource[]): IamRequest[] {
  const own = ownResources(resources);
  const arn = (service: string, resource: string) =>
    `arn:aws:${service}:${fn.region}:${fn.account}:${resource}`;
  const otherCluster = arn("ecs", "cluster/someone-elses");
  const otherTable = arn("dynamodb", "table/someone-elses");
  const r = (why: string, action: string, resource: string, context = {}): IamRequest => ({
    action,
    resource,
    context,
    why,
  });
  return [
    r("RunTask of another task definition", "ecs:RunTask", arn("ecs", "task-definition/other:1"), {
      "ecs:cluster": own.clusterArn,
    }),
    r("RunTask in another cluster", "ecs:RunTask", own.definitionArn, {
      "ecs:cluster": otherCluster,
    }),
    r("StopTask in another cluster", "ecs:StopTask", arn("ecs", "task/someone-elses/0123"), {
      "ecs:cluster": otherCluster,
    }),
    r(
      "DescribeTasks in another cluster",
      "ecs:DescribeTasks",
      arn("ecs", "task/someone-elses/0123"),
      {
        "ecs:cluster": otherCluster,
      },
    ),
    r(
      "ListTasks of another cluster",
      "ecs:ListTasks",
      arn("ecs", "container-instance/someone-elses/*"),
      {
        "ecs:cluster": otherCluster,
      },
    ),
    r("PassRole of another role", "iam:PassRole", `arn:aws:iam::${fn.account}:role/admin`, {
      "iam:PassedToService": "ecs-tasks.amazonaws.com",
    }),
    r("PassRole of the task role to another service", "iam:PassRole", own.taskRoleArn, {
      "iam:PassedToService": "lambda.amazonaws.com",
    }),
    r("PassRole of the execution role to another service", "iam:PassRole", own.executionRoleArn, {
      "iam:PassedToService": "ec2.amazonaws.com",
    }),
    r("PassRole of its own role", "iam:PassRole", fn.roleArn, {
      "iam:PassedToService": "ecs-tasks.amazonaws.com",
    }),
    ...["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Scan", "Query"].map((a) =>
      r(`${a} on another table`, `dynamodb:${a}`, otherTable),
    ),
    r("Query of the base table", "dynamodb:Query", own.tableArn),
    r("DeleteTable of its own table", "dynamodb:DeleteTable", own.tableArn),
    r(
      "writing another function's logs",
      "logs:PutLogEvents",
      arn("logs", "log-group:other:log-stream:s"),
    ),
    r("ec2:DescribeInstances on *", "ec2:DescribeInstances", "*"),
    r(
      "ec2:TerminateInstances",
      "ec2:TerminateInstances",
      arn("ec2", "instance/i-0123456789abcdef0"),
    ),
    r("dynamodb:ListTables on *", "dynamodb:ListTables", "*"),
    r(
      "Invoke of a function outside the stack",
      "lambda:InvokeFunction",
      arn("lambda", "function:other"),
    ),
    r(
      "changing a function's code",
      "lambda:UpdateFunctionCode",
      own.functionArns[0] ?? arn("lambda", "function:x"),
    ),
    r("ecs:ListClusters on *", "ecs:ListClusters", "*"),
    r("ecs:DeleteCluster of its own cluster", "ecs:DeleteCluster", own.clusterArn),
    r("ecs:ExecuteCommand into a room task", "ecs:ExecuteCommand", own.taskArn, {
      "ecs:cluster": own.clusterArn,
    }),
  ];
}

/**
 * Every action some function of this stack could need, on the stack's own resources and with
 * the most favourable context. Those a function never needed (no recorded call, no implicit
 * authorisation of one) must be denied to it: its policy grants nothing it does not use.
 */
export function possibleRequests(
  fn: FunctionIdentity,
  resources: RecordedResource[],
): IamRequest[] {
  const own = ownResources(resources);
  const onCluster = { "ecs:cluster": own.clusterArn };
  const table = ["GetItem", "PutItem", "UpdateItem", "DeleteItem", "Scan", "BatchGetItem"];
  const r = (action: string, resource: string, context = {}): IamRequest => ({
    action,
    resource,
    context,
    why: `${action} it never needed`,
  });
  return [
    ...table.map((a) => r(`dynamodb:${a}`, own.tableArn)),
    r("dynamodb:BatchWriteItem", own.tableArn),
    ...own.indexNames.map((name: string) => r("dynamodb:Query", `${own.tableArn}/index/${name}`)),
    ...own.indexNames.map((name: string) => r("dynamodb:Scan", `${own.tableArn}/index/${name}`)),
    r("ecs:RunTask", own.definitionArn, onCluster),
    r("ecs:StopTask", own.taskArn, onCluster),
    r("ecs:DescribeTasks", own.taskArn, onCluster),
    r("ecs:ListTasks", own.containerInstances, onCluster),
    r("ecs:TagResource", own.taskArn, { "ecs:CreateAction": "RunTask" }),
    r("iam:PassRole", own.executionRoleArn, { "iam:PassedToService": "ecs-tasks.amazonaws.com" }),
    r("iam:PassRole", own.taskRoleArn, { "iam:PassedToService": "ecs-tasks.amazonaws.com" }),
    r("ec2:DescribeNetworkInterfaces", "*", { "ec2:Region": fn.region }),
    ...own.functionArns.map((arn: string) => r("lambda:InvokeFunction", arn)),
  ];
}

/** The key under which a needed request and a possible one are the same permission. */
export function permissionKey(request: IamRequest): string {
  const resource = request.resource.includes(":dynamodb:")
    ? request.resource.replace(/^.*:table\/[^/]+/, "table")
    : request.action === "iam:PassRole"
      ? request.resource
      : "";
  return `${request.action} ${resource}`;
}
