/** RunTask's request rules, as the ECS API reference documents them. */
import { fargateMemoryOptions } from "../../infra/config";
import {
  type AwsRequestError,
  clusterArnOf,
  clusterError,
  type EcsWorld,
  inRange,
  type Input,
  invalid,
  lengthError,
  STARTED_BY,
  STARTED_BY_RULE,
  TASK_DEF_ARN,
  taskDefinitionOf,
  textError,
} from "./fake-ecs-ec2-rules";

const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const LAUNCH_TYPES = ["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"];

export function validateRunTask(input: Input, world: EcsWorld): AwsRequestError | undefined {
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
