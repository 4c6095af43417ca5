import type { EC2Client } from "@aws-sdk/client-ec2";
import type { ServerAddress } from "../ports";

/**
 * A Fargate task's public IP is on its network interface, not in the task or its events:
 * EC2 DescribeNetworkInterfaces → Association.PublicIp. Players join it on the game port.
 *
 * The EC2 client is the heaviest SDK client to load (about twice DynamoDB's), and only a RUNNING
 * change needs it, so both the client and the EC2 module load on the first lookup, not at cold
 * start. (A top-level import would not do: Pulumi hoists every module a serialized function
 * touches into a top-level `require` of its archive.)
 */
export function eniAddressResolver(newClient: () => EC2Client, gamePort: number) {
  let client: EC2Client | undefined;
  return async (change: { networkInterfaceId?: string }): Promise<ServerAddress | undefined> => {
    if (!change.networkInterfaceId) return undefined;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
    const ec2 = require("@aws-sdk/client-ec2") as typeof import("@aws-sdk/client-ec2");
    client ??= newClient();
    const { NetworkInterfaces } = await client.send(
      new ec2.DescribeNetworkInterfacesCommand({
        NetworkInterfaceIds: [change.networkInterfaceId],
      }),
    );
    const ip = NetworkInterfaces?.[0]?.Association?.PublicIp;
    return ip ? { ip, port: gamePort } : undefined;
  };
}
