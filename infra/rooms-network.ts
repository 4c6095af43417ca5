import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface RoomsNetworkArgs {
  /** "dedicated": a small VPC of our own; "default": the account's default VPC. Default: "dedicated". */
  readonly mode?: "dedicated" | "default";
  /** The dedicated VPC's range. Default: "10.20.0.0/16". */
  readonly cidrBlock?: string;
}

/** Two /24 public subnets of a /16–/24 range: the first two /24s of it (or halves for small ranges). */
export function publicSubnetCidrs(vpcCidr: string): [string, string] {
  const [address, bits] = vpcCidr.split("/");
  const octets = address.split(".").map(Number);
  const prefix = Number(bits);
  const subnetPrefix = Math.max(prefix + 1, 24);
  const size = 2 ** (32 - subnetPrefix);
  const base = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  const toCidr = (n: number) =>
    `${[n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".")}/${subnetPrefix}`;
  return [toCidr(base), toCidr(base + size)];
}

/**
 * Where rooms run: public subnets in two zones, each routed to an internet gateway, so a task
 * gets a public IP. No NAT gateway, no load balancer: they cost money every hour, rooms need neither.
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
      // Default subnets (default-for-az) are public: the default VPC routes them to its gateway.
      this.subnetIds = aws.ec2.getSubnetsOutput(
        {
          filters: [
            { name: "vpc-id", values: [vpc.id] },
            { name: "default-for-az", values: ["true"] },
          ],
        },
        { parent: this },
      ).ids;
    } else {
      const vpc = new aws.ec2.Vpc(
        name,
        { cidrBlock, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: name } },
        { parent: this },
      );
      const gateway = new aws.ec2.InternetGateway(
        `${name}-igw`,
        { vpcId: vpc.id, tags: { Name: name } },
        { parent: this },
      );
      const routes = new aws.ec2.RouteTable(
        `${name}-public`,
        {
          vpcId: vpc.id,
          routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }],
          tags: { Name: `${name}-public` },
        },
        { parent: this },
      );
      const zones = aws.getAvailabilityZonesOutput({ state: "available" }, { parent: this }).names;
      const subnets = publicSubnetCidrs(cidrBlock).map((cidr, i) => {
        const subnet = new aws.ec2.Subnet(
          `${name}-public-${i}`,
          {
            vpcId: vpc.id,
            cidrBlock: cidr,
            availabilityZone: zones[i],
            tags: { Name: `${name}-public-${i}` },
          },
          { parent: this },
        );
        new aws.ec2.RouteTableAssociation(
          `${name}-public-${i}`,
          { subnetId: subnet.id, routeTableId: routes.id },
          { parent: this },
        );
        return subnet;
      });
      this.vpcId = vpc.id;
      this.subnetIds = pulumi.all(subnets.map((s) => s.id));
    }
    this.registerOutputs({ vpcId: this.vpcId, subnetIds: this.subnetIds });
  }
}
