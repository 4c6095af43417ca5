import * as aws from "@pulumi/aws";
// Only awsx's ec2 module: the package index also loads awsx classic, ecs and lb (about 0.1 s more).
import * as awsxEc2 from "@pulumi/awsx/ec2";
import * as pulumi from "@pulumi/pulumi";
import { dedicatedVpcArgs, defaultSubnetFilters } from "./network-layout";

export interface RoomsNetworkArgs {
  /** "dedicated": a small VPC of our own; "default": the account's default VPC. Default: "dedicated". */
  readonly mode?: "dedicated" | "default";
  /** The dedicated VPC's range. Default: "10.20.0.0/16". */
  readonly cidrBlock?: string;
}

/**
 * Where rooms run: public subnets, so a task gets a public IP. No NAT gateway, no load balancer:
 * they cost money every hour, rooms need neither.
 *
 * The dedicated VPC is an `awsx.ec2.Vpc`: awsx lays out the subnets and creates the gateway, route
 * tables, routes and associations we used to write by hand. The default VPC is looked up with two
 * raw calls rather than `awsx.ec2.DefaultVpc`, because awsx counts a subnet as public only when it
 * maps public IPs on launch. Accounts hardened by Security Hub (control EC2.15) turn that off on
 * the default subnets, which would leave rooms no subnet at all. Fargate assigns the room's public
 * IP itself (RunTask assignPublicIp), so the default subnets are the right ones either way.
 */
export class RoomsNetwork extends pulumi.ComponentResource {
  public readonly vpcId: pulumi.Output<string>;
  public readonly subnetIds: pulumi.Output<string[]>;

  constructor(name: string, args: RoomsNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("godot-rooms:index:RoomsNetwork", name, {}, opts);
    const mode = args.mode ?? "dedicated";
    const cidrBlock = args.cidrBlock ?? "10.20.0.0/16";
    if (mode === "default") {
      const vpc = aws.ec2.getVpcOutput({ default: true }, { parent: this });
      this.vpcId = vpc.id;
      this.subnetIds = aws.ec2.getSubnetsOutput(
        { filters: vpc.id.apply(defaultSubnetFilters) },
        { parent: this },
      ).ids;
    } else {
      const vpc = new awsxEc2.Vpc(name, dedicatedVpcArgs(cidrBlock), { parent: this });
      this.vpcId = vpc.vpcId;
      this.subnetIds = vpc.publicSubnetIds;
    }
    this.registerOutputs({ vpcId: this.vpcId, subnetIds: this.subnetIds });
  }
}
