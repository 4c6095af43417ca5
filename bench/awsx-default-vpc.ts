/**
 * The baseline network of measure 7: what `new awsx.ec2.Vpc(name)` creates with its defaults.
 * awsx's Vpc is a remote component (its provider plugin builds the children), so under mocks its
 * children are never registered; the bench lists them from awsx's documented defaults instead:
 * subnets in 3 availability zones (`numberOfAvailabilityZones`), one public and one private subnet
 * in each (`subnetSpecs`), and a NAT gateway with its Elastic IP in each zone
 * (`natGateways.strategy` = `OnePerAz`).
 */
import type { PricedResource } from "./price-table";

export const AWSX_DEFAULT_ZONES = 3;

export function awsxDefaultVpc(name: string): PricedResource[] {
  const resources: PricedResource[] = [
    { type: "aws:ec2/vpc:Vpc", name, inputs: { cidrBlock: "10.0.0.0/16" } },
    { type: "aws:ec2/internetGateway:InternetGateway", name, inputs: {} },
  ];
  for (let zone = 0; zone < AWSX_DEFAULT_ZONES; zone++) {
    for (const kind of ["public", "private"]) {
      const subnet = `${name}-${kind}-${zone + 1}`;
      resources.push(
        { type: "aws:ec2/subnet:Subnet", name: subnet, inputs: {} },
        { type: "aws:ec2/routeTable:RouteTable", name: subnet, inputs: {} },
        { type: "aws:ec2/routeTableAssociation:RouteTableAssociation", name: subnet, inputs: {} },
        { type: "aws:ec2/route:Route", name: subnet, inputs: {} },
      );
    }
    resources.push(
      { type: "aws:ec2/eip:Eip", name: `${name}-${zone + 1}`, inputs: { domain: "vpc" } },
      { type: "aws:ec2/natGateway:NatGateway", name: `${name}-${zone + 1}`, inputs: {} },
    );
  }
  return resources;
}

/** Our own network resources (RoomsNetwork's dedicated VPC), which the baseline replaces. */
export function isOurNetwork(r: PricedResource): boolean {
  return /^aws:ec2\/(vpc:Vpc|subnet:Subnet|internetGateway:|routeTable:|routeTableAssociation:|route:Route)/.test(
    r.type,
  );
}
