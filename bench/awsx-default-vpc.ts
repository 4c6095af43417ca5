/**
 * awsx's Vpc, priced by measure 7 from its children. awsx's Vpc is a remote component: its
 * provider plugin builds the children, so under mocks they are never registered. The bench lists
 * them instead from what awsx documents for the component's inputs (and does, in awsx/ec2/vpc.ts
 * at 3.9.0):
 * - always one VPC and one internet gateway;
 * - in each zone, for each subnet spec: a subnet, its route table and the association, and a
 *   route: to the internet gateway from a public subnet, to a NAT gateway from a private one
 *   (none when the NAT strategy is None);
 * - NAT gateways by strategy: `OnePerAz` one per zone, `Single` one, `None` none; each with a new
 *   Elastic IP unless `elasticIpAllocationIds` are given;
 * - defaults: 3 zones, a private and a public subnet in each, and then `OnePerAz`.
 * The baseline of measure 7 is that default: `new awsx.ec2.Vpc(name)`.
 */
import type { PricedResource } from "./price-table";

export const AWSX_DEFAULT_ZONES = 3;

/** The inputs of `awsx.ec2.Vpc` that decide which children it creates. */
export interface AwsxVpcInputs {
  readonly cidrBlock?: string;
  readonly numberOfAvailabilityZones?: number;
  readonly availabilityZoneNames?: string[];
  readonly subnetSpecs?: { readonly type: string }[];
  readonly natGateways?: { readonly strategy: string; readonly elasticIpAllocationIds?: string[] };
  readonly vpcEndpointSpecs?: {
    readonly vpcEndpointType?: string;
    readonly subnetIds?: string[];
  }[];
}

function natGatewayCount(inputs: AwsxVpcInputs, zones: number, types: string[]): number {
  // awsx's documented default: one per zone when there are private and public subnets, else none.
  const strategy =
    inputs.natGateways?.strategy ??
    (types.includes("Private") && types.includes("Public") ? "OnePerAz" : "None");
  switch (strategy) {
    case "None":
      return 0;
    case "Single":
      return 1;
    case "OnePerAz":
      return zones;
    default:
      throw new Error(`unknown awsx NAT gateway strategy ${strategy}`);
  }
}

/** The children `new awsx.ec2.Vpc(name, inputs)` creates, as the bench prices them. */
export function awsxVpcChildren(name: string, inputs: AwsxVpcInputs = {}): PricedResource[] {
  const zones =
    inputs.availabilityZoneNames?.length ?? inputs.numberOfAvailabilityZones ?? AWSX_DEFAULT_ZONES;
  const types = (inputs.subnetSpecs ?? [{ type: "Private" }, { type: "Public" }])
    .map((spec) => spec.type)
    .filter((type) => type !== "Unused");
  const nats = natGatewayCount(inputs, zones, types);
  const newEips = inputs.natGateways?.elasticIpAllocationIds?.length ? 0 : nats;
  const resources: PricedResource[] = [
    { type: "aws:ec2/vpc:Vpc", name, inputs: { cidrBlock: inputs.cidrBlock ?? "10.0.0.0/16" } },
    { type: "aws:ec2/internetGateway:InternetGateway", name, inputs: {} },
  ];
  for (let zone = 1; zone <= zones; zone++) {
    types.forEach((type, i) => {
      const subnet = `${name}-${type.toLowerCase()}-${zone}${i > 0 ? `-${i}` : ""}`;
      resources.push(
        {
          type: "aws:ec2/subnet:Subnet",
          name: subnet,
          inputs: { mapPublicIpOnLaunch: type === "Public" },
        },
        { type: "aws:ec2/routeTable:RouteTable", name: subnet, inputs: {} },
        { type: "aws:ec2/routeTableAssociation:RouteTableAssociation", name: subnet, inputs: {} },
      );
      if (type === "Public" || (type === "Private" && nats > 0))
        resources.push({ type: "aws:ec2/route:Route", name: subnet, inputs: {} });
    });
  }
  for (let n = 1; n <= nats; n++) {
    resources.push({ type: "aws:ec2/natGateway:NatGateway", name: `${name}-${n}`, inputs: {} });
    if (n <= newEips)
      resources.push({ type: "aws:ec2/eip:Eip", name: `${name}-${n}`, inputs: { domain: "vpc" } });
  }
  for (const [i, spec] of (inputs.vpcEndpointSpecs ?? []).entries()) {
    const vpcEndpointType = spec.vpcEndpointType ?? "Gateway";
    const subnetIds = spec.subnetIds ?? Array.from({ length: zones }, (_, z) => `zone-${z + 1}`);
    resources.push({
      type: "aws:ec2/vpcEndpoint:VpcEndpoint",
      name: `${name}-endpoint-${i + 1}`,
      inputs: { vpcEndpointType, subnetIds },
    });
  }
  return resources;
}

/** The baseline: `new awsx.ec2.Vpc(name)` with its defaults. */
export function awsxDefaultVpc(name: string): PricedResource[] {
  return awsxVpcChildren(name);
}

/** Network resources (ours, raw or an awsx component's children), which the baseline replaces. */
export function isOurNetwork(r: PricedResource): boolean {
  return (
    r.type === "awsx:ec2:Vpc" ||
    /^aws:ec2\/(vpc:Vpc|subnet:Subnet|internetGateway:|routeTable:|routeTableAssociation:|route:Route|natGateway:|eip:Eip)/.test(
      r.type,
    )
  );
}
