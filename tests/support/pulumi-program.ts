import * as pulumi from "@pulumi/pulumi";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";

export const ACCOUNT = "111122223333";
export const REGION = "us-east-1";
const ROOT = join(__dirname, "..", "..");

export interface RecordedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
  readonly state: Record<string, any>;
}

/** The stack's config as the Pulumi CLI would give it: Pulumi.yaml defaults, then the stack file. */
export function stackConfig(
  stack: string,
  overrides: Record<string, string> = {},
): Record<string, string> {
  const project = parse(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8"));
  const config: Record<string, string> = {};
  for (const [key, spec] of Object.entries<any>(project.config ?? {})) {
    const fullKey = key.includes(":") ? key : `${project.name}:${key}`;
    const value = spec?.value ?? spec?.default;
    if (value !== undefined)
      config[fullKey] = typeof value === "string" ? value : JSON.stringify(value);
  }
  const stackFile = parse(readFileSync(join(ROOT, `Pulumi.${stack}.yaml`), "utf8"));
  for (const [key, value] of Object.entries<any>(stackFile.config ?? {})) {
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  for (const [key, value] of Object.entries(overrides)) config[`godot-rooms:${key}`] = value;
  return config;
}

/** Computed outputs AWS would return, so that ARNs in policies look like real ones. */
function computed(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
  const arn = (service: string, resource: string) =>
    `arn:aws:${service}:${REGION}:${ACCOUNT}:${resource}`;
  switch (type) {
    case "aws:ecs/cluster:Cluster":
      return { arn: arn("ecs", `cluster/${name}`), name };
    case "aws:ecs/taskDefinition:TaskDefinition":
      return { arn: arn("ecs", `task-definition/${inputs.family}:1`) };
    case "aws:dynamodb/table:Table":
      return { arn: arn("dynamodb", `table/${name}`), name };
    case "aws:iam/role:Role":
      return { arn: `arn:aws:iam::${ACCOUNT}:role/${name}`, name };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { arn: arn("logs", `log-group:${name}`), name };
    case "aws:ecr/repository:Repository":
      return {
        arn: arn("ecr", `repository/${name}`),
        repositoryUrl: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${name}`,
        registryId: ACCOUNT,
      };
    case "aws:apigatewayv2/api:Api":
      return {
        apiEndpoint: `https://${name}.execute-api.${REGION}.amazonaws.com`,
        executionArn: arn("execute-api", `${name}-id`),
      };
    case "aws:lambda/function:Function":
      return { arn: arn("lambda", `function:${name}`), name, invokeArn: `invoke:${name}` };
    case "aws:sqs/queue:Queue":
      return {
        arn: arn("sqs", name),
        url: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`,
        name,
      };
    case "aws:cloudwatch/eventRule:EventRule":
      return { arn: arn("events", `rule/${name}`), name };
    default:
      return { arn: arn("mock", `${type}/${name}`) };
  }
}

/** Runs index.ts under Pulumi's mocks for a stack; returns every resource and the stack outputs. */
export async function runProgram(stack: "dev" | "prod", overrides: Record<string, string> = {}) {
  const resources: RecordedResource[] = [];
  pulumi.runtime.setAllConfig(stackConfig(stack, overrides));
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const state = { ...args.inputs, ...computed(args.type, args.name, args.inputs) };
        resources.push({ type: args.type, name: args.name, inputs: args.inputs, state });
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        switch (args.token) {
          case "aws:index/getRegion:getRegion":
            return { name: REGION, region: REGION, id: REGION };
          case "aws:index/getAvailabilityZones:getAvailabilityZones":
            return {
              names: [`${REGION}a`, `${REGION}b`, `${REGION}c`],
              zoneIds: ["use1-az1", "use1-az2", "use1-az4"],
            };
          case "aws:ec2/getVpc:getVpc":
            return { id: "vpc-default", cidrBlock: "172.31.0.0/16" };
          case "aws:ec2/getSubnets:getSubnets":
            return { ids: ["subnet-default-a", "subnet-default-b"] };
          case "aws:ecr/getAuthorizationToken:getAuthorizationToken":
            return {
              userName: "AWS",
              password: "token",
              proxyEndpoint: `https://${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com`,
            };
          default:
            throw new Error(`unmocked call ${args.token}`);
        }
      },
    },
    "godot-rooms",
    stack,
    false,
  );
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- load the program after the mocks
  const program: Record<string, unknown> = require("../../index");
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(program)) {
    if (pulumi.Output.isInstance(value)) outputs[key] = await valueOf(value);
  }
  // Closure serialization and every registration finish before the test reads anything.
  await pulumi.runtime.disconnect();
  return { resources, outputs };
}

export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

export function ofType(resources: RecordedResource[], type: string) {
  return resources.filter((r) => r.type === type);
}
