/**
 * Measure 4: ECS and EC2 calls made while serving one get_servers page of 20 RUNNING rooms.
 * Ours runs the serialized get_servers archive in a fresh Node process; the baseline is the
 * original's way, which looked up each listed room's task (DescribeTasks) and then its network
 * interface (DescribeNetworkInterfaces) for the public IP. Both talk to the same dynalite table
 * and the same local ECS/EC2 endpoint, which counts every call it gets.
 */
import { DescribeNetworkInterfacesCommand, EC2Client } from "@aws-sdk/client-ec2";
import { DescribeTasksCommand, ECSClient } from "@aws-sdk/client-ecs";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { join } from "node:path";
import { PAGE_SIZE } from "../handlers/rooms/list-rooms";
import { startRoomsTable, type TestTable } from "../tests/support/dynalite-table";
import { startFakeEcsEc2 } from "../tests/support/fake-ecs-ec2-endpoint";
import { httpEvent } from "../tests/support/http-events";
import {
  invokeInFreshNode,
  localAwsEndpoints,
  writeArchive,
} from "../tests/support/lambda-archive";
import type { RecordedResource } from "../tests/support/pulumi-program";
import { seededRoom, seedRooms } from "../tests/support/seeded-rooms";

const CLIENT = {
  region: "us-east-1",
  credentials: { accessKeyId: "test", secretAccessKey: "test" },
  maxAttempts: 1,
};

export interface CallsPerPageRow {
  readonly side: "ours" | "original (baseline)";
  readonly roomsListed: number;
  readonly ecsCalls: number;
  readonly ec2Calls: number;
  readonly awsCalls: number;
}

/** The original's page: Scan, then per RUNNING room DescribeTasks and DescribeNetworkInterfaces. */
async function originalPage(
  table: TestTable,
  endpoint: string,
  clusterArn: string,
): Promise<number> {
  const ecs = new ECSClient({ ...CLIENT, endpoint });
  const ec2 = new EC2Client({ ...CLIENT, endpoint });
  try {
    const scan = await table.db.send(new ScanCommand({ TableName: table.tableName, Limit: 100 }));
    const rooms = (scan.Items ?? []).filter((i) => i.status === "RUNNING").slice(0, PAGE_SIZE);
    for (const room of rooms) {
      const described = await ecs.send(
        new DescribeTasksCommand({ cluster: clusterArn, tasks: [room.serverId as string] }),
      );
      const eni = described.tasks?.[0]?.attachments?.[0]?.details?.find(
        (d) => d.name === "networkInterfaceId",
      )?.value;
      await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni ?? ""] }));
    }
    return rooms.length;
  } finally {
    ecs.destroy();
    ec2.destroy();
  }
}

export async function measureCallsPerPage(
  getServers: RecordedResource,
  workDir: string,
): Promise<CallsPerPageRow[]> {
  const env: Record<string, string> = getServers.inputs.environment.variables;
  const table = await startRoomsTable(env.ROOMS_TABLE_NAME);
  const fake = await startFakeEcsEc2("arn:aws:ecs:us-east-1:111122223333:task/x/1", "203.0.113.9");
  try {
    await seedRooms(
      table,
      Array.from({ length: 40 }, (_, i) => seededRoom(i, "RUNNING")),
    );
    const count = (side: CallsPerPageRow["side"], roomsListed: number, from: number) => {
      const calls = fake.calls.slice(from);
      const ecsCalls = calls.filter((c) => c.service === "ecs").length;
      const ec2Calls = calls.filter((c) => c.service === "ec2").length;
      return { side, roomsListed, ecsCalls, ec2Calls, awsCalls: ecsCalls + ec2Calls };
    };

    const index = await writeArchive(getServers, join(workDir, "calls-per-page"));
    const ours = await invokeInFreshNode(
      index,
      {
        ...env,
        ...localAwsEndpoints(table.endpoint, fake.endpoint),
      },
      httpEvent("GET", "/get_servers", { query: "page=0" }),
    );
    const oursRow = count("ours", JSON.parse(ours.result.body).data.length, 0);
    const before = fake.calls.length;
    const listed = await originalPage(table, fake.endpoint, env.ROOMS_CLUSTER_ARN);
    return [oursRow, count("original (baseline)", listed, before)];
  } finally {
    await table.close();
    await fake.close();
  }
}
