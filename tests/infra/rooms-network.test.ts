import * as pulumi from "@pulumi/pulumi";
import { RoomsNetwork } from "../../infra/rooms-network";
import {
  DEFAULT_VPC_ID,
  defaultVpcSubnets,
  ofType,
  setProgramMocks,
  valueOf,
} from "../support/pulumi-program";

/*
 * RoomsNetwork on its own under Pulumi's mocks, on differently shaped accounts. The mocks cannot
 * show awsx's children (the awsx plugin builds them, and does not run here): see the comment in
 * stack-prod.test.ts for where those are covered.
 */
afterEach(() => pulumi.runtime.disconnect());

async function network(
  mode: "default" | "dedicated",
  cidrBlock?: string,
  subnets = defaultVpcSubnets(),
) {
  const recorded = await setProgramMocks("dev", {}, { defaultVpcSubnets: subnets });
  const built = new RoomsNetwork("net", { mode, cidrBlock });
  return {
    ...recorded,
    vpcId: await valueOf(built.vpcId),
    subnetIds: await valueOf(built.subnetIds),
  };
}

const defaultSubnetIds = (subnets = defaultVpcSubnets()) =>
  subnets.filter((s) => s.defaultForAz).map((s) => s.id);

test("the default VPC: rooms get its default subnet in each zone, not a subnet its owner added", async () => {
  const { vpcId, subnetIds } = await network("default");
  expect(vpcId).toBe(DEFAULT_VPC_ID);
  expect(subnetIds).toEqual(defaultSubnetIds());
  expect(subnetIds).not.toContain(defaultVpcSubnets().find((s) => !s.defaultForAz)?.id);
});

test("an account whose default subnets map no public IPs (hardened) still gives rooms every default subnet", async () => {
  const hardened = defaultVpcSubnets("hardened");
  // awsx's DefaultVpc would class all of these as private (awsx/ec2/getDefaultVpc.ts keeps a
  // subnet as public only if it maps public IPs on launch): rooms would have no subnet at all.
  expect(hardened.filter((s) => s.mapPublicIpOnLaunch)).toEqual([]);
  const { subnetIds } = await network("default", undefined, hardened);
  expect(subnetIds).toEqual(defaultSubnetIds(hardened));
  expect(subnetIds).toHaveLength(3);
});

test("a dedicated /24: awsx splits it into two /25 public subnets, and the component passes its ids on", async () => {
  const { resources, vpcId, subnetIds } = await network("dedicated", "10.40.1.0/24");
  const [vpc] = ofType(resources, "awsx:ec2:Vpc");
  expect(vpc.inputs.subnetSpecs).toEqual([{ type: "Public", cidrMask: 25 }]);
  expect(vpc.inputs.natGateways).toEqual({ strategy: "None" });
  expect(vpcId).toBe(vpc.state.vpcId);
  expect(subnetIds).toEqual(vpc.state.publicSubnetIds);
  expect(subnetIds).toHaveLength(2);
});
