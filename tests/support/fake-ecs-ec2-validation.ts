/**
 * The request rules of the ECS API as its reference documents them (RunTask, StopTask, ListTasks,
 * DescribeTasks; the tag restrictions; Fargate's cpu/memory pairs) and of EC2's
 * DescribeNetworkInterfaces, so that the local endpoint refuses what AWS would refuse.
 * Each rule cites the documented limit in its message, as ECS's own messages do.
 */
import {
  type AwsRequestError,
  clusterError,
  type EcsWorld,
  inRange,
  type Input,
  invalid,
  STARTED_BY,
  STARTED_BY_RULE,
  TASK_ARN,
  TASK_ID,
  textError,
} from "./fake-ecs-ec2-rules";
import { validateRunTask } from "./fake-ecs-ec2-run-task";

export type { AwsRequestError, EcsTaskDefinitionFacts, EcsWorld } from "./fake-ecs-ec2-rules";
export { ecsWorldOf, taskDefinitionOf } from "./fake-ecs-ec2-rules";
export { tagsError } from "./fake-ecs-ec2-run-task";

/** The first rule a JSON-protocol ECS request breaks, or undefined when ECS would accept it. */
export function validateEcsRequest(
  action: string,
  input: Input,
  world: EcsWorld = {},
): AwsRequestError | undefined {
  if (typeof input !== "object" || input === null || Array.isArray(input))
    return { type: "SerializationException", message: "The request body must be a JSON object." };
  switch (action) {
    case "RunTask":
      return validateRunTask(input, world);
    case "StopTask":
      return validateStopTask(input, world);
    case "ListTasks":
      return validateListTasks(input, world);
    case "DescribeTasks":
      return validateDescribeTasks(input, world);
    default:
      return undefined;
  }
}

function validateStopTask(input: Input, world: EcsWorld): AwsRequestError | undefined {
  const cluster = clusterError(input.cluster, world);
  if (cluster) return cluster;
  const task = input.task;
  if (typeof task !== "string" || task === "") return invalid("task is required.");
  const arn = TASK_ARN.exec(task);
  if (!arn && !TASK_ID.test(task)) return invalid("task must be a task ID or task ARN.");
  if (arn && input.cluster && !sameCluster(arn[1], input.cluster))
    return invalid("The referenced task was not found in this cluster.");
  if (input.reason !== undefined && (typeof input.reason !== "string" || input.reason.length > 255))
    return invalid("Up to 255 characters are allowed in reason.");
  return undefined;
}

const sameCluster = (name: string, cluster: string) =>
  cluster === name || cluster.endsWith(`:cluster/${name}`);

function validateListTasks(input: Input, world: EcsWorld): AwsRequestError | undefined {
  const cluster = clusterError(input.cluster, world);
  if (cluster) return cluster;
  if (input.maxResults !== undefined && !inRange(input.maxResults, 1, 100))
    return invalid("maxResults must be from 1 to 100.");
  if (
    input.desiredStatus !== undefined &&
    !["RUNNING", "PENDING", "STOPPED"].includes(input.desiredStatus)
  )
    return invalid("desiredStatus must be RUNNING, PENDING or STOPPED.");
  const otherFilters = [
    "containerInstance",
    "family",
    "serviceName",
    "desiredStatus",
    "launchType",
  ];
  if (input.startedBy !== undefined && otherFilters.some((f) => input[f] !== undefined))
    return invalid("When you specify startedBy as the filter, it must be the only filter.");
  return textError(input, "startedBy", STARTED_BY, STARTED_BY_RULE);
}

function validateDescribeTasks(input: Input, world: EcsWorld): AwsRequestError | undefined {
  const cluster = clusterError(input.cluster, world);
  if (cluster) return cluster;
  const tasks = input.tasks;
  if (!Array.isArray(tasks) || tasks.length < 1 || tasks.length > 100)
    return invalid("tasks: a list of 1 to 100 task IDs or ARNs is required.");
  if (!tasks.every((t: unknown) => typeof t === "string" && (TASK_ARN.test(t) || TASK_ID.test(t))))
    return invalid("tasks must be task IDs or task ARNs.");
  if (input.include !== undefined && JSON.stringify(input.include) !== '["TAGS"]')
    return invalid("include may only be TAGS.");
  return undefined;
}

/** DescribeNetworkInterfaces (EC2 query protocol): EC2's error code, or undefined. */
export function validateEc2Request(params: Record<string, string>): AwsRequestError | undefined {
  if (params.Version !== "2016-11-15")
    return { type: "InvalidParameterValue", message: "Version must be 2016-11-15." };
  if (params.Action !== "DescribeNetworkInterfaces") return undefined;
  const ids = Object.entries(params).filter(([k]) => /^NetworkInterfaceId\.\d+$/.test(k));
  for (const [, id] of ids) {
    if (!/^eni-[0-9a-f]{8,17}$/.test(id))
      return {
        type: "InvalidNetworkInterfaceId.Malformed",
        message: `Invalid id: "${id}" (expecting "eni-...")`,
      };
  }
  if (params.MaxResults !== undefined) {
    if (ids.length > 0)
      return {
        type: "InvalidParameterCombination",
        message: "MaxResults cannot be specified with NetworkInterfaceIds.",
      };
    const max = Number(params.MaxResults);
    if (!Number.isInteger(max) || max < 5 || max > 1000)
      return { type: "InvalidParameterValue", message: "MaxResults must be from 5 to 1000." };
  }
  return undefined;
}
