/**
 * The request rules of the ECS API as its reference documents them (RunTask, StopTask, ListTasks,
 * DescribeTasks; the tag restrictions; Fargate's cpu/memory pairs) and of EC2's
 * DescribeNetworkInterfaces, so that the local endpoint refuses what AWS would refuse.
 * Each rule cites the documented limit in its message, as ECS's own messages do.
 */
import { fargateMemoryOptions } from "../../infra/config";

/** What the endpoint knows of the account, when a test tells it (from the stack). */
export interface EcsWorld {
  /** Cluster ARNs that exist, with the capacity providers associated with each. */
  readonly clusters?: Record<string, readonly string[]>;
  /** Task definition ARNs (family:revision) that exist. */
  readonly taskDefinitions?: Record<string, EcsTaskDefinitionFacts>;
}

export interface EcsTaskDefinitionFacts {
  readonly containerNames: readonly string[];
  readonly cpu: string;
  readonly memory: string;
  readonly networkMode: string;
  readonly requiresCompatibilities: readonly string[];
}

export interface AwsRequestError {
  readonly type: string;
  readonly message: string;
}

type Input = Record<string, any>;
const invalid = (message: string): AwsRequestError => ({
  type: "InvalidParameterException",
  message,
});

const NAME = /^[A-Za-z0-9_-]{1,255}$/;
const STARTED_BY = /^[A-Za-z0-9_/-]{1,128}$/;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const CLUSTER_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/([A-Za-z0-9_-]{1,255})$/;
const TASK_DEF_ARN =
  /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/([A-Za-z0-9_-]{1,255})(?::(\d+))?$/;
const TASK_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task\/([A-Za-z0-9_-]{1,255})\/[a-z0-9]+$/;
const TASK_ID = /^[a-z0-9]{32}$/;
const LAUNCH_TYPES = ["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"];

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

/** `cluster` is a short name or a cluster ARN; a known world refuses other clusters. */
function clusterError(cluster: unknown, world: EcsWorld): AwsRequestError | undefined {
  if (cluster === undefined) return undefined;
  if (typeof cluster !== "string" || !(NAME.test(cluster) || CLUSTER_ARN.test(cluster)))
    return invalid(
      "cluster must be a cluster name (up to 255 letters, numbers, hyphens, underscores) or ARN.",
    );
  if (world.clusters && !clusterArnOf(cluster, world))
    return { type: "ClusterNotFoundException", message: "Cluster not found." };
  return undefined;
}

function clusterArnOf(cluster: string, world: EcsWorld): string | undefined {
  return Object.keys(world.clusters ?? {}).find(
    (arn) => arn === cluster || arn.endsWith(`:cluster/${cluster}`),
  );
}

function validateRunTask(input: Input, world: EcsWorld): AwsRequestError | undefined {
  return (
    clusterError(input.cluster, world) ??
    taskDefinitionError(input.taskDefinition, world) ??
    countError(input.count) ??
    textError(input, "startedBy", STARTED_BY, STARTED_BY_RULE) ??
    lengthError(input, "group", 255) ??
    clientTokenError(input.clientToken) ??
    placementError(input, world) ??
    tagsError(input.tags) ??
    propagateTagsError(input.propagateTags) ??
    networkError(input, world) ??
    overridesError(input, world)
  );
}

const STARTED_BY_RULE =
  "startedBy allows up to 128 letters (uppercase and lowercase), numbers, hyphens (-), forward slashes (/) and underscores (_).";

function textError(input: Input, field: string, pattern: RegExp, rule: string) {
  const value = input[field];
  if (value === undefined) return undefined;
  return typeof value === "string" && pattern.test(value) ? undefined : invalid(rule);
}

function lengthError(input: Input, field: string, max: number) {
  const value = input[field];
  if (value === undefined) return undefined;
  return typeof value === "string" && value.length >= 1 && value.length <= max
    ? undefined
    : invalid(`${field} must be from 1 to ${max} characters.`);
}

function taskDefinitionError(taskDefinition: unknown, world: EcsWorld) {
  if (taskDefinition === undefined || taskDefinition === "")
    return invalid("taskDefinition is required.");
  if (typeof taskDefinition !== "string") return invalid("taskDefinition must be a string.");
  const family = /^[A-Za-z0-9_-]{1,255}(?::\d+)?$/;
  if (!family.test(taskDefinition) && !TASK_DEF_ARN.test(taskDefinition))
    return invalid("taskDefinition must be family, family:revision or a task definition ARN.");
  if (world.taskDefinitions && !taskDefinitionOf(taskDefinition, world))
    return { type: "ClientException", message: "Unable to describe task definition." };
  return undefined;
}

/** The facts of a known task definition named by ARN, family:revision or family (latest). */
export function taskDefinitionOf(
  name: string,
  world: EcsWorld,
): (EcsTaskDefinitionFacts & { arn: string }) | undefined {
  const entries = Object.entries(world.taskDefinitions ?? {});
  const found = entries.find(
    ([arn]) => arn === name || arn.endsWith(`:task-definition/${name}`) || familyOf(arn) === name,
  );
  return found ? { ...found[1], arn: found[0] } : undefined;
}

const familyOf = (arn: string) => TASK_DEF_ARN.exec(arn)?.[1];

function countError(count: unknown) {
  if (count === undefined) return undefined;
  return Number.isInteger(count) && (count as number) >= 1 && (count as number) <= 10
    ? undefined
    : invalid("count must be from 1 to 10 tasks for each call.");
}

function clientTokenError(token: unknown) {
  if (token === undefined) return undefined;
  const ok =
    typeof token === "string" &&
    token.length >= 1 &&
    token.length <= 64 &&
    [...token].every((c) => c.charCodeAt(0) >= 33 && c.charCodeAt(0) <= 126);
  return ok ? undefined : invalid("clientToken allows up to 64 characters in the range 33-126.");
}

/** launchType and capacityProviderStrategy are mutually exclusive; strategies are bounded. */
function placementError(input: Input, world: EcsWorld): AwsRequestError | undefined {
  const strategy = input.capacityProviderStrategy;
  if (input.launchType !== undefined && !LAUNCH_TYPES.includes(input.launchType))
    return invalid(`launchType must be one of ${LAUNCH_TYPES.join(", ")}.`);
  if (strategy === undefined) return undefined;
  if (input.launchType !== undefined)
    return invalid(
      "Specifying both a launch type and capacity provider strategy is not supported.",
    );
  if (!Array.isArray(strategy) || strategy.length < 1 || strategy.length > 20)
    return invalid("capacityProviderStrategy holds from 1 to 20 capacity providers.");
  for (const item of strategy) {
    if (typeof item?.capacityProvider !== "string" || item.capacityProvider === "")
      return invalid("capacityProvider is required in each capacity provider strategy item.");
    if (item.weight !== undefined && !inRange(item.weight, 0, 1000))
      return invalid("weight must be from 0 to 1000.");
    if (item.base !== undefined && !inRange(item.base, 0, 100_000))
      return invalid("base must be from 0 to 100000.");
  }
  if (strategy.filter((item: Input) => (item.base ?? 0) > 0).length > 1)
    return invalid("Only one capacity provider in a strategy can have a base defined.");
  const providers = input.cluster && world.clusters?.[clusterArnOf(input.cluster, world) ?? ""];
  const unknown = providers && strategy.find((i: Input) => !providers.includes(i.capacityProvider));
  if (unknown)
    return invalid(
      `The specified capacity provider ${unknown.capacityProvider} is not in the cluster's capacity providers.`,
    );
  return undefined;
}

const inRange = (n: unknown, min: number, max: number) =>
  Number.isInteger(n) && (n as number) >= min && (n as number) <= max;

/** The tag restrictions every ECS resource documents. */
export function tagsError(tags: unknown): AwsRequestError | undefined {
  if (tags === undefined) return undefined;
  if (!Array.isArray(tags) || tags.length > 50)
    return invalid("tags: a resource can have at most 50 tags.");
  const keys = new Set<string>();
  for (const tag of tags as Input[]) {
    const { key, value = "" } = tag ?? {};
    if (typeof key !== "string" || key.length < 1 || key.length > 128 || !TAG_TEXT.test(key))
      return invalid("Tag keys are 1 to 128 letters, numbers, spaces and + - = . _ : / @.");
    if (typeof value !== "string" || value.length > 256 || !TAG_TEXT.test(value))
      return invalid("Tag values are up to 256 letters, numbers, spaces and + - = . _ : / @.");
    if (/^aws:/i.test(key) || /^aws:/i.test(value))
      return invalid("Tag keys and values may not start with aws: (reserved for AWS use).");
    if (keys.has(key)) return invalid(`Tag key ${key} is given more than once.`);
    keys.add(key);
  }
  return undefined;
}

function propagateTagsError(value: unknown) {
  if (value === undefined || value === "TASK_DEFINITION" || value === "NONE") return undefined;
  return invalid("propagateTags must be TASK_DEFINITION or NONE when running a task.");
}

function networkError(input: Input, world: EcsWorld): AwsRequestError | undefined {
  const vpc = input.networkConfiguration?.awsvpcConfiguration;
  const definition = taskDefinitionOf(input.taskDefinition, world);
  if (definition?.networkMode === "awsvpc" && !vpc)
    return invalid(
      "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
    );
  if (input.networkConfiguration === undefined) return undefined;
  if (!vpc) return invalid("networkConfiguration needs awsvpcConfiguration.");
  const { subnets, securityGroups, assignPublicIp } = vpc;
  if (!Array.isArray(subnets) || subnets.length < 1 || subnets.length > 16)
    return invalid("subnets: from 1 to 16 subnets can be specified.");
  if (!subnets.every((s: unknown) => typeof s === "string" && /^subnet-[0-9a-z-]+$/.test(s)))
    return invalid("subnets must be subnet IDs.");
  if (securityGroups !== undefined) {
    if (!Array.isArray(securityGroups) || securityGroups.length > 5)
      return invalid("securityGroups: up to 5 security groups can be specified.");
    if (!securityGroups.every((g: unknown) => typeof g === "string" && g.length > 0))
      return invalid("securityGroups must be security group IDs.");
  }
  if (assignPublicIp !== undefined && !["ENABLED", "DISABLED"].includes(assignPublicIp))
    return invalid("assignPublicIp must be ENABLED or DISABLED.");
  return undefined;
}

/** Overrides: at most 8192 characters of JSON, containers named, Fargate cpu/memory pairs. */
function overridesError(input: Input, world: EcsWorld): AwsRequestError | undefined {
  const overrides = input.overrides;
  if (overrides === undefined) return undefined;
  if (JSON.stringify(overrides).length > 8192)
    return invalid("A total of 8192 characters are allowed for overrides.");
  const definition = taskDefinitionOf(input.taskDefinition, world);
  for (const container of overrides.containerOverrides ?? []) {
    if (typeof container?.name !== "string" || container.name === "")
      return invalid("Container overrides must name their container.");
    if (definition && !definition.containerNames.includes(container.name))
      return invalid(
        `Override for container named ${container.name} is not a container in the TaskDefinition.`,
      );
    for (const variable of container.environment ?? []) {
      if (typeof variable?.name !== "string" || variable.name === "")
        return invalid("Environment variables in overrides need a name.");
      if (variable.value !== undefined && typeof variable.value !== "string")
        return invalid("Environment variable values must be strings.");
    }
  }
  const fargate = definition?.requiresCompatibilities.includes("FARGATE") ?? true;
  const cpu = overrides.cpu ?? definition?.cpu;
  const memory = overrides.memory ?? definition?.memory;
  if ((overrides.cpu ?? overrides.memory) === undefined || !fargate || !cpu || !memory)
    return undefined;
  if (!fargateMemoryOptions(Number(cpu)).includes(Number(memory)))
    return invalid(
      `No Fargate configuration exists for given values: ${cpu} CPU, ${memory} memory.`,
    );
  return undefined;
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

/** The clusters and task definitions a program declared (resources from runProgram). */
export function ecsWorldOf(
  resources: readonly { type: string; inputs: Record<string, any>; state: Record<string, any> }[],
): EcsWorld {
  const clusters: Record<string, string[]> = {};
  for (const cluster of resources.filter((r) => r.type === "aws:ecs/cluster:Cluster")) {
    const providers = resources.find(
      (r) =>
        r.type === "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders" &&
        r.inputs.clusterName === cluster.state.name,
    );
    clusters[cluster.state.arn] = providers?.inputs.capacityProviders ?? [];
  }
  const taskDefinitions: Record<string, EcsTaskDefinitionFacts> = {};
  for (const def of resources.filter((r) => r.type === "aws:ecs/taskDefinition:TaskDefinition")) {
    taskDefinitions[def.state.arn] = {
      containerNames: JSON.parse(def.inputs.containerDefinitions).map((c: Input) => c.name),
      cpu: def.inputs.cpu,
      memory: def.inputs.memory,
      networkMode: def.inputs.networkMode,
      requiresCompatibilities: def.inputs.requiresCompatibilities ?? [],
    };
  }
  return { clusters, taskDefinitions };
}
