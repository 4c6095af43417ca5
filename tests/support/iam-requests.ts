import type { RecordedCall } from "./aws-call-recorder";
import { type FunctionIdentity, taskDefinitionResource } from "./iam-stack";
import type { RecordedResource } from "./pulumi-program";

/** One authorisation AWS makes: an action on a resource, with the request's condition keys. */
export interface IamRequest {
  readonly action: string;
  readonly resource: string;
  readonly context: Record<string, string | string[]>;
  /** What made it, for failure messages: "RunTask → iam:PassRole of the task role". */
  readonly why: string;
}

type Call = Pick<RecordedCall, "service" | "action" | "params"> & Partial<RecordedCall>;

/**
 * The authorisations AWS makes for one recorded call, as the service authorization reference
 * and the ECS developer guide describe them: the call's own action on its resource (DescribeTasks
 * is authorised per task), with its condition keys, and the implicit ones. RunTask also needs
 * iam:PassRole for the task definition's execution and task roles (to ecs-tasks.amazonaws.com),
 * and ecs:TagResource on each new task when it tags on create (ecs:CreateAction = RunTask).
 */
export function requestsFor(
  call: Call,
  fn: FunctionIdentity,
  resources: RecordedResource[],
): IamRequest[] {
  const arn = (service: string, resource: string) =>
    `arn:aws:${service}:${fn.region}:${fn.account}:${resource}`;
  const p = call.params;
  const named = (why: string) => `${call.service}:${call.action}${why}`;
  switch (call.service) {
    case "dynamodb": {
      const table = arn("dynamodb", `table/${p.TableName}`);
      return [
        {
          action: `dynamodb:${call.action}`,
          resource: p.IndexName ? `${table}/index/${p.IndexName}` : table,
          context: p.LeadingKeys ? { "dynamodb:LeadingKeys": p.LeadingKeys } : {},
          why: named(` on ${p.IndexName ? `index ${p.IndexName}` : "the table"}`),
        },
      ];
    }
    case "lambda": {
      // Invoke is authorised as lambda:InvokeFunction on the function's ARN (without a qualifier
      // when the call names none); a bare name is this account's and region's function.
      const name = String(p.FunctionName);
      return [
        {
          action: "lambda:InvokeFunction",
          resource: name.startsWith("arn:") ? name : arn("lambda", `function:${name}`),
          context: {},
          why: named(` of ${name}`),
        },
      ];
    }
    case "ec2":
      // DescribeNetworkInterfaces has no resource-level permissions: AWS evaluates it on "*".
      return [
        {
          action: `ec2:${call.action}`,
          resource: "*",
          context: { "ec2:Region": fn.region },
          why: named(""),
        },
      ];
    default:
      return ecsRequests(call, fn, resources, arn);
  }
}

function ecsRequests(
  call: Call,
  fn: FunctionIdentity,
  resources: RecordedResource[],
  arn: (service: string, resource: string) => string,
): IamRequest[] {
  const p = call.params;
  const clusterArn = String(p.cluster ?? "default").startsWith("arn:")
    ? String(p.cluster)
    : arn("ecs", `cluster/${p.cluster ?? "default"}`);
  const clusterName = clusterArn.slice(clusterArn.indexOf(":cluster/") + ":cluster/".length);
  const onCluster = { "ecs:cluster": clusterArn };
  const taskArn = (task: string) =>
    task.startsWith("arn:") ? task : arn("ecs", `task/${clusterName}/${task}`);
  const action = `ecs:${call.action}`;
  switch (call.action) {
    case "RunTask":
      if (typeof p.taskDefinition !== "string") return [];
      return runTaskRequests(call, resources, arn, clusterArn, clusterName);
    // A request without its required parameter never reaches authorisation: ECS refuses it first.
    case "StopTask":
      return typeof p.task === "string"
        ? [{ action, resource: taskArn(p.task), context: onCluster, why: "ecs:StopTask" }]
        : [];
    case "DescribeTasks":
      return (Array.isArray(p.tasks) ? (p.tasks as string[]) : []).map((task) => ({
        action,
        resource: taskArn(task),
        context: onCluster,
        why: `ecs:DescribeTasks of ${task}`,
      }));
    case "ListTasks":
      // Its resource type is container-instance; with none named, every instance of the cluster.
      return [
        {
          action,
          resource: p.containerInstance ?? arn("ecs", `container-instance/${clusterName}/*`),
          context: onCluster,
          why: "ecs:ListTasks",
        },
      ];
    default:
      throw new Error(`no IAM mapping for ecs:${call.action}: add it to iam-requests.ts`);
  }
}

function runTaskRequests(
  call: Call,
  resources: RecordedResource[],
  arn: (service: string, resource: string) => string,
  clusterArn: string,
  clusterName: string,
): IamRequest[] {
  const p = call.params;
  const definition = taskDefinitionResource(resources, p.taskDefinition);
  const definitionArn = String(p.taskDefinition).startsWith("arn:")
    ? String(p.taskDefinition)
    : (definition?.state.arn ?? arn("ecs", `task-definition/${p.taskDefinition}`));
  const tags: { key: string; value?: string }[] = p.tags ?? [];
  const tagContext: Record<string, string | string[]> = tags.length
    ? {
        "aws:TagKeys": tags.map((t) => t.key),
        ...Object.fromEntries(tags.map((t) => [`aws:RequestTag/${t.key}`, t.value ?? ""])),
      }
    : {};
  const providers: string[] = (p.capacityProviderStrategy ?? []).map(
    (item: { capacityProvider: string }) =>
      arn("ecs", `capacity-provider/${item.capacityProvider}`),
  );
  const requests: IamRequest[] = [
    {
      action: "ecs:RunTask",
      resource: definitionArn,
      context: {
        "ecs:cluster": clusterArn,
        ...(providers.length === 1 ? { "ecs:capacity-provider": providers[0] } : {}),
        ...(providers.length > 1 ? { "ecs:capacity-provider": providers } : {}),
        ...(p.overrides?.cpu ? { "ecs:task-cpu": String(p.overrides.cpu) } : {}),
        ...(p.overrides?.memory ? { "ecs:task-memory": String(p.overrides.memory) } : {}),
        ...tagContext,
      },
      why: "ecs:RunTask",
    },
  ];
  const roles = {
    "execution role": p.overrides?.executionRoleArn ?? definition?.inputs.executionRoleArn,
    "task role": p.overrides?.taskRoleArn ?? definition?.inputs.taskRoleArn,
  };
  for (const [which, roleArn] of Object.entries(roles)) {
    if (!roleArn) continue;
    requests.push({
      action: "iam:PassRole",
      resource: roleArn,
      context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
      why: `RunTask → iam:PassRole of the ${which}`,
    });
  }
  const tagsOnCreate = tags.length > 0 || p.propagateTags === "TASK_DEFINITION";
  if (tagsOnCreate) {
    const started = call.taskArns?.length ? call.taskArns : [arn("ecs", `task/${clusterName}/*`)];
    for (const task of started)
      requests.push({
        action: "ecs:TagResource",
        resource: task,
        context: { "ecs:CreateAction": "RunTask", ...tagContext },
        why: "RunTask with tags → ecs:TagResource",
      });
  }
  return requests;
}

/**
 * What the Lambda service does with the function's own role on its behalf: it writes the
 * function's logs to its log group (CreateLogStream, then PutLogEvents).
 */
export function runtimeRequests(fn: FunctionIdentity): IamRequest[] {
  const stream = `arn:aws:logs:${fn.region}:${fn.account}:log-group:${fn.logGroupName}:log-stream:2026/01/01/[$LATEST]0123456789abcdef`;
  return ["logs:CreateLogStream", "logs:PutLogEvents"].map((action) => ({
    action,
    resource: stream,
    context: {},
    why: `the Lambda runtime writing logs (${action})`,
  }));
}
