import { DescribeNetworkInterfacesCommand, type EC2Client } from "@aws-sdk/client-ec2";
import type { ServerAddress } from "../ports";

/**
 * A Fargate task's public IP is on its network interface, not in the task or its events:
 * EC2 DescribeNetworkInterfaces → Association.PublicIp. Players join it on the game port.
 */
export function eniAddressResolver(ec2: EC2Client, gamePort: number) {
  return async (change: { networkInterfaceId?: string }): Promise<ServerAddress | undefined> => {
    if (!change.networkInterfaceId) return undefined;
    const { NetworkInterfaces } = await ec2.send(
      new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [change.networkInterfaceId] }),
    );
    const ip = NetworkInterfaces?.[0]?.Association?.PublicIp;
    return ip ? { ip, port: gamePort } : undefined;
  };
}
