import { DescribeNetworkInterfacesCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import { EcsFleet, type EcsFleetSettings } from "../../../handlers/aws/ecs-fleet";
import { eniAddressResolver } from "../../../handlers/aws/eni-address-resolver";
import { hasCode } from "../../../handlers/rooms/errors";

const SETTINGS: EcsFleetSettings = {
  clusterArn: "arn:aws:ecs:us-east-1:111122223333:cluster/godot-rooms-dev",
  taskDefinitionArn: "arn:aws:ecs:us-east-1:111122223333:task-definition/godot-rooms-dev-room:3",
  taskFamily: "godot-rooms-dev-room",
  containerName: "game",
  subnetIds: ["subnet-a", "subnet-b"],
  securityGroupId: "sg-1",
  capacityProvider: "FARGATE_SPOT",
  gamePort: 7777,
  heartbeatSeconds: 30,
};
const TASK_ARN = "arn:aws:ecs:us-east-1:111122223333:task/godot-rooms-dev/abc";

const ecs = mockClient(ECSClient);
const ec2 = mockClient(EC2Client);
beforeEach(() => {
  ecs.reset();
  ec2.reset();
});

function fleet() {
  return new EcsFleet(
    SETTINGS,
    new ECSClient({ region: "us-east-1" }),
    eniAddressResolver(() => new EC2Client({ region: "us-east-1" }), SETTINGS.gamePort),
  );
}

describe("EcsFleet", () => {
  test("start sends exactly one RunTask with the capacity provider, public IP, startedBy and the server's environment", async () => {
    ecs.on(RunTaskCommand).resolves({ tasks: [{ taskArn: TASK_ARN }], failures: [] });
    const start = {
      roomId: "r1",
      name: "Brave-Otter-42",
      secret: "s3cret",
      apiUrl: "https://abc123.execute-api.us-east-1.amazonaws.com",
    };
    await expect(fleet().start(start)).resolves.toBe(TASK_ARN);
    expect(ecs.calls()).toHaveLength(1);
    expect(ecs.commandCalls(RunTaskCommand)[0].args[0].input).toEqual({
      cluster: SETTINGS.clusterArn,
      taskDefinition: SETTINGS.taskDefinitionArn,
      count: 1,
      capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
      networkConfiguration: {
        awsvpcConfiguration: {
          subnets: ["subnet-a", "subnet-b"],
          securityGroups: ["sg-1"],
          assignPublicIp: "ENABLED",
        },
      },
      startedBy: "room/r1",
      clientToken: "r1",
      overrides: {
        containerOverrides: [
          {
            name: "game",
            environment: [
              { name: "ROOM_NAME", value: "Brave-Otter-42" },
              { name: "ROOM_SECRET", value: "s3cret" },
              { name: "ROOM_HEARTBEAT_SECONDS", value: "30" },
              {
                name: "ROOMS_API_URL",
                value: "https://abc123.execute-api.us-east-1.amazonaws.com",
              },
            ],
          },
        ],
      },
    });
  });

  test("a RunTask capacity failure is FleetCapacity; throttling is Unavailable; others a plain error", async () => {
    const throttled = Object.assign(new Error("Rate exceeded"), {
      name: "ThrottlingException",
      $metadata: { httpStatusCode: 400 },
    });
    ecs
      .on(RunTaskCommand)
      .resolvesOnce({ tasks: [], failures: [{ reason: "Capacity is unavailable at this time." }] })
      .resolvesOnce({ tasks: [], failures: [{ reason: "MISSING" }] })
      .rejectsOnce(throttled);
    const capacity = await fleet()
      .start({ roomId: "r1", name: "A", secret: "s" })
      .catch((e: unknown) => e);
    expect(hasCode(capacity, "FleetCapacity")).toBe(true);
    expect((capacity as Error).message).toBe("RunTask: Capacity is unavailable at this time.");
    const missing = await fleet()
      .start({ roomId: "r2", name: "B", secret: "s" })
      .catch((e: unknown) => e);
    expect((missing as Error).message).toBe("RunTask failed: MISSING");
    expect(hasCode(missing, "FleetCapacity")).toBe(false);
    const busy = await fleet()
      .start({ roomId: "r3", name: "C", secret: "s" })
      .catch((e: unknown) => e);
    expect(hasCode(busy, "Unavailable")).toBe(true);
    expect((busy as Error).cause).toBe(throttled);
  });

  test("stop sends StopTask for the task in our cluster with the reason", async () => {
    ecs.on(StopTaskCommand).resolves({});
    await fleet().stop(TASK_ARN, "stopped by its owner");
    expect(ecs.commandCalls(StopTaskCommand).map((c) => c.args[0].input)).toEqual([
      { cluster: SETTINGS.clusterArn, task: TASK_ARN, reason: "stopped by its owner" },
    ]);
  });

  test("listActive pages ListTasks of our family and describes the tasks, keeping only ours", async () => {
    ecs
      .on(ListTasksCommand)
      .resolvesOnce({ taskArns: ["t1", "t2"], nextToken: "n" })
      .resolvesOnce({ taskArns: ["t3"] });
    ecs.on(DescribeTasksCommand).resolves({
      tasks: [
        {
          taskArn: "t1",
          startedBy: "room/r1",
          overrides: {
            containerOverrides: [
              { name: "game", environment: [{ name: "ROOM_NAME", value: "One" }] },
            ],
          },
        },
        { taskArn: "t2", startedBy: "ecs-svc/xyz" },
        { taskArn: "t3", startedBy: "room:r3" },
      ],
    });
    await expect(fleet().listActive()).resolves.toEqual([
      { serverId: "t1", roomId: "r1", name: "One" },
      { serverId: "t3", roomId: "r3" },
    ]);
    expect(ecs.commandCalls(ListTasksCommand).map((c) => c.args[0].input)).toEqual([
      { cluster: SETTINGS.clusterArn, family: "godot-rooms-dev-room", desiredStatus: "RUNNING" },
      {
        cluster: SETTINGS.clusterArn,
        family: "godot-rooms-dev-room",
        desiredStatus: "RUNNING",
        nextToken: "n",
      },
    ]);
    expect(ecs.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input)).toEqual([
      { cluster: SETTINGS.clusterArn, tasks: ["t1", "t2", "t3"] },
    ]);
  });

  test("resolveAddress reads the ENI's public IP with one DescribeNetworkInterfaces", async () => {
    ec2.on(DescribeNetworkInterfacesCommand).resolves({
      NetworkInterfaces: [
        { NetworkInterfaceId: "eni-1", Association: { PublicIp: "203.0.113.7" } },
      ],
    });
    await expect(fleet().resolveAddress({ networkInterfaceId: "eni-1" })).resolves.toEqual({
      ip: "203.0.113.7",
      port: 7777,
    });
    expect(ec2.commandCalls(DescribeNetworkInterfacesCommand).map((c) => c.args[0].input)).toEqual([
      { NetworkInterfaceIds: ["eni-1"] },
    ]);
  });

  test("resolveAddress without an ENI, or an ENI without a public IP, is undefined", async () => {
    ec2
      .on(DescribeNetworkInterfacesCommand)
      .resolves({ NetworkInterfaces: [{ NetworkInterfaceId: "eni-2" }] });
    await expect(fleet().resolveAddress({})).resolves.toBeUndefined();
    await expect(fleet().resolveAddress({ networkInterfaceId: "eni-2" })).resolves.toBeUndefined();
    expect(ec2.calls()).toHaveLength(1);
  });
});
