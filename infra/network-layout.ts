import type { VpcArgs } from "@pulumi/awsx/ec2";

/**
 * Zones of the dedicated VPC. Two, not awsx's default of three: some regions offer some accounts
 * only two zones (us-west-1), and rooms need no more than two for Fargate to find capacity.
 */
export const DEDICATED_ZONES = 2;

/**
 * The mask of each public subnet: the whole of its zone's share of the VPC (a /16 over two zones
 * gives two /17s). Every address can hold a room, and nothing else lives in this VPC.
 */
export function zoneSubnetMask(vpcCidr: string, zones: number): number {
  const prefix = Number(vpcCidr.split("/")[1]);
  if (!Number.isInteger(prefix) || !Number.isInteger(zones) || zones < 1)
    throw new Error(`cannot split ${vpcCidr} into ${zones} zones`);
  return prefix + Math.ceil(Math.log2(zones));
}

/**
 * The dedicated VPC, as `awsx.ec2.Vpc` inputs: one public subnet per zone, routed to the internet
 * gateway awsx always creates, and no NAT gateway (rooms get public IPs, so none is needed, and
 * each costs about $33 a month). "Auto" lays the subnets out in the order given, which is the
 * strategy awsx recommends; its default ("Legacy") only exists for older stacks.
 */
export function dedicatedVpcArgs(cidrBlock: string): VpcArgs {
  return {
    cidrBlock,
    numberOfAvailabilityZones: DEDICATED_ZONES,
    subnetStrategy: "Auto",
    subnetSpecs: [{ type: "Public", cidrMask: zoneSubnetMask(cidrBlock, DEDICATED_ZONES) }],
    natGateways: { strategy: "None" },
    enableDnsHostnames: true,
    enableDnsSupport: true,
  };
}

/**
 * The default VPC's subnets rooms may use: its default subnets, one per zone. AWS creates them
 * routed to the default VPC's internet gateway. See RoomsNetwork for why this is not awsx's rule.
 */
export function defaultSubnetFilters(vpcId: string) {
  return [
    { name: "vpc-id", values: [vpcId] },
    { name: "default-for-az", values: ["true"] },
  ];
}
