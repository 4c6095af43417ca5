/**
 * What the local ECS endpoint knows of the account, and the primitives of ECS's documented request
 * rules that more than one action shares (cluster and task definition forms, names, startedBy).
 */

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

export type Input = Record<string, any>;
export const invalid = (message: string): AwsRequestError => ({
  type: "InvalidParameterException",
  message,
});

export const NAME = /^[A-Za-z0-9_-]{1,255}$/;
export const STARTED_BY = /^[A-Za-z0-9_/-]{1,128}$/;
const CLUSTER_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:cluster\/([A-Za-z0-9_-]{1,255})$/;
export const TASK_DEF_ARN =
  /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task-definition\/([A-Za-z0-9_-]{1,255})(?::(\d+))?$/;
export const TASK_ARN =
  /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task\/([A-Za-z0-9_-]{1,255})\/[a-z0-9]+$/;
export const TASK_ID = /^[a-z0-9]{32}$/;

/** `cluster` is a short name or a cluster ARN; a known world refuses other clusters. */
export function clusterError(cluster: unknown, world: EcsWorld): AwsRequestError | undefined {
  if (cluster === undefined) return undefined;
  if (typeof cluster !== "string" || !(NAME.test(cluster) || CLUSTER_ARN.test(cluster)))
    return invalid(
      "cluster must be a cluster name (up to 255 letters, numbers, hyphens, underscores) or ARN.",
    );
  if (world.clusters && !clusterArnOf(cluster, world))
    return { type: "ClusterNotFoundException", message: "Cluster not found." };
  return undefined;
}

export function clusterArnOf(cluster: string, world: EcsWorld): string | undefined {
  return Object.keys(world.clusters ?? {}).find(
    (arn) => arn === cluster || arn.endsWith(`:cluster/${cluster}`),
  );
}

export const STARTED_BY_RULE =
  "startedBy allows up to 128 letters (uppercase and lowercase), numbers, hyphens (-), forward slashes (/) and underscores (_).";

export function textError(input: Input, field: string, pattern: RegExp, rule: string) {
  const value = input[field];
  if (value === undefined) return undefined;
  return typeof value === "string" && pattern.test(value) ? undefined : invalid(rule);
}

export function lengthError(input: Input, field: string, max: number) {
  const value = input[field];
  if (value === undefined) return undefined;
  return typeof value === "string" && value.length >= 1 && value.length <= max
    ? undefined
    : invalid(`${field} must be from 1 to ${max} characters.`);
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

export const inRange = (n: unknown, min: number, max: number) =>
  Number.isInteger(n) && (n as number) >= min && (n as number) <= max;

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
