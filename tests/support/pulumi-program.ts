import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
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

/** A provider function the program called (getVpc, getSubnets, ...), with its exact arguments. */
export interface RecordedCall {
  readonly token: string;
  readonly args: Record<string, any>;
}

/** An id shaped like AWS's (`subnet-` and 17 hex digits), the same for the same seed. */
export function awsId(kind: string, seed: string): string {
  return `${kind}-${createHash("sha256").update(seed).digest("hex").slice(0, 17)}`;
}

/** A subnet of the fake account's default VPC, with the attributes EC2 filters on. */
export interface FakeSubnet {
  readonly id: string;
  readonly availabilityZone: string;
  readonly defaultForAz: boolean;
  readonly mapPublicIpOnLaunch: boolean;
}

export const DEFAULT_VPC_ID = awsId("vpc", "default");

/**
 * The fake account's default VPC: a default subnet per zone, as AWS creates them, plus one
 * subnet the account's owner added (not default, no public IPs). `hardened` is the same account
 * after the AWS Config rule subnet-auto-assign-public-ip-disabled was remediated: no subnet maps
 * public IPs on launch any more.
 */
export function defaultVpcSubnets(shape: "stock" | "hardened" = "stock"): FakeSubnet[] {
  const zones = ["a", "b", "c"].map((z) => `${REGION}${z}`);
  return [
    ...zones.map((zone) => ({
      id: awsId("subnet", `default-${zone}`),
      availabilityZone: zone,
      defaultForAz: true,
      mapPublicIpOnLaunch: shape === "stock",
    })),
    {
      id: awsId("subnet", "added-by-owner"),
      availabilityZone: zones[0],
      defaultForAz: false,
      mapPublicIpOnLaunch: false,
    },
  ];
}

/** EC2's DescribeSubnets filters, for the attributes the fake subnets have. */
function describeSubnets(subnets: FakeSubnet[], filters: { name: string; values: string[] }[]) {
  const attribute = (s: FakeSubnet, name: string): string => {
    switch (name) {
      case "vpc-id":
        return DEFAULT_VPC_ID;
      case "default-for-az":
        return String(s.defaultForAz);
      case "map-public-ip-on-launch":
        return String(s.mapPublicIpOnLaunch);
      case "availability-zone":
        return s.availabilityZone;
      default:
        throw new Error(`the fake EC2 has no subnet filter ${name}`);
    }
  };
  return subnets.filter((s) => filters.every((f) => f.values.includes(attribute(s, f.name))));
}

/**
 * What awsx's remote components return, computed from their inputs. Under mocks the awsx plugin
 * does not run, so its children (the VPC, subnets, routes, gateways) are never registered: only
 * the component and the outputs given here. The ids follow awsx's layout: per zone, each subnet
 * spec in order (awsx's default specs are a private and a public subnet per zone, in 3 zones).
 */
function awsxOutputs(type: string, name: string, inputs: Record<string, any>) {
  if (type === "awsx:ec2:DefaultVpc") {
    const subnets = defaultVpcSubnets();
    return {
      vpcId: DEFAULT_VPC_ID,
      publicSubnetIds: subnets.filter((s) => s.mapPublicIpOnLaunch).map((s) => s.id),
      privateSubnetIds: subnets.filter((s) => !s.mapPublicIpOnLaunch).map((s) => s.id),
    };
  }
  const zones: number =
    inputs.availabilityZoneNames?.length ?? inputs.numberOfAvailabilityZones ?? 3;
  const specs: { type: string }[] = inputs.subnetSpecs ?? [{ type: "Private" }, { type: "Public" }];
  const idsOf = (kind: string) =>
    Array.from({ length: zones }, (_, zone) =>
      specs
        .filter((spec) => spec.type === kind)
        .map((_, i) => awsId("subnet", `${name}-${kind.toLowerCase()}-${zone + 1}-${i}`)),
    ).flat();
  return {
    vpcId: awsId("vpc", name),
    publicSubnetIds: idsOf("Public"),
    privateSubnetIds: idsOf("Private"),
    isolatedSubnetIds: idsOf("Isolated"),
  };
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
      return {
        arn: arn("dynamodb", `table/${name}`),
        name,
        // As DynamoDB names a stream: the table's ARN, /stream/, and the time it was enabled.
        ...(inputs.streamEnabled
          ? { streamArn: arn("dynamodb", `table/${name}/stream/2026-11-25T00:00:00.000`) }
          : {}),
      };
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
    case "awsx:ec2:Vpc":
    case "awsx:ec2:DefaultVpc":
      return awsxOutputs(type, name, inputs);
    default:
      return { arn: arn("mock", `${type}/${name}`) };
  }
}

/** Runs index.ts under Pulumi's mocks for a stack; returns every resource and the stack outputs. */
export async function runProgram(
  stack: "dev" | "prod",
  overrides: Record<string, string> = {},
  account: MockAccount = {},
) {
  const recorded = await setProgramMocks(stack, overrides, account);
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- load the program after the mocks
  const program: Record<string, unknown> = require("../../index");
  const outputs: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(program)) {
    if (pulumi.Output.isInstance(value)) outputs[key] = await valueOf(value);
  }
  // Closure serialization and every registration finish before the test reads anything.
  await pulumi.runtime.disconnect();
  return { ...recorded, outputs };
}

/** How the fake account looks to the program's lookups. */
export interface MockAccount {
  /** The default VPC's subnets. Default: `defaultVpcSubnets("stock")`. */
  readonly defaultVpcSubnets?: FakeSubnet[];
}

/**
 * Sets Pulumi's mocks and the stack's config, and returns the lists they record into: every
 * registered resource, and every provider function called.
 */
export async function setProgramMocks(
  stack: "dev" | "prod",
  overrides: Record<string, string> = {},
  account: MockAccount = {},
) {
  const resources: RecordedResource[] = [];
  const calls: RecordedCall[] = [];
  pulumi.runtime.setAllConfig(stackConfig(stack, overrides));
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        const state = { ...args.inputs, ...computed(args.type, args.name, args.inputs) };
        resources.push({ type: args.type, name: args.name, inputs: args.inputs, state });
        return { id: `${args.name}-id`, state };
      },
      call(args) {
        calls.push({ token: args.token, args: args.inputs });
        switch (args.token) {
          case "aws:index/getRegion:getRegion":
            return { name: REGION, region: REGION, id: REGION };
          case "aws:index/getAvailabilityZones:getAvailabilityZones":
            return {
              names: [`${REGION}a`, `${REGION}b`, `${REGION}c`],
              zoneIds: ["use1-az1", "use1-az2", "use1-az4"],
            };
          case "aws:ec2/getVpc:getVpc":
            if (args.inputs.default !== true)
              throw new Error("the fake EC2 knows the default VPC only");
            return { id: DEFAULT_VPC_ID, cidrBlock: "172.31.0.0/16", default: true };
          case "aws:ec2/getSubnets:getSubnets": {
            const subnets = account.defaultVpcSubnets ?? defaultVpcSubnets();
            return { ids: describeSubnets(subnets, args.inputs.filters ?? []).map((s) => s.id) };
          }
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
  return { resources, calls };
}

export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

export function ofType(resources: RecordedResource[], type: string) {
  return resources.filter((r) => r.type === type);
}
