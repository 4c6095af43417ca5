import { DescribeNetworkInterfacesCommand, EC2Client } from "@aws-sdk/client-ec2";
import {
  DescribeTasksCommand,
  ECSClient,
  ListTasksCommand,
  RunTaskCommand,
  type RunTaskCommandInput,
  StopTaskCommand,
} from "@aws-sdk/client-ecs";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startArchiveHost } from "../support/archive-host";
import { startFakeEcsEc2 } from "../support/fake-ecs-ec2-endpoint";
import type { EcsWorld } from "../support/fake-ecs-ec2-validation";

const CLUSTER = "arn:aws:ecs:us-east-1:111122223333:cluster/godot-rooms-dev";
const TASK_DEF = "arn:aws:ecs:us-east-1:111122223333:task-definition/godot-rooms-dev-room:1";
const TASK =
  "arn:aws:ecs:us-east-1:111122223333:task/godot-rooms-dev/0123456789abcdef0123456789abcdef";
const WORLD: EcsWorld = {
  clusters: { [CLUSTER]: ["FARGATE", "FARGATE_SPOT"] },
  taskDefinitions: {
    [TASK_DEF]: {
      containerNames: ["game"],
      cpu: "256",
      memory: "512",
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
    },
  },
};

/** A RunTask exactly as handlers/aws/ecs-fleet.ts sends it. */
const VALID_RUN: RunTaskCommandInput = {
  cluster: CLUSTER,
  taskDefinition: TASK_DEF,
  count: 1,
  capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
  networkConfiguration: {
    awsvpcConfiguration: {
      subnets: ["subnet-default-a", "subnet-default-b"],
      securityGroups: ["sg-0123"],
      assignPublicIp: "ENABLED",
    },
  },
  startedBy: "room/0123456789abcdef01234567",
  clientToken: "0123456789abcdef01234567",
  overrides: {
    containerOverrides: [{ name: "game", environment: [{ name: "ROOM_NAME", value: "Room" }] }],
  },
};

let fake: Awaited<ReturnType<typeof startFakeEcsEc2>>;
let ecs: ECSClient;
let ec2: EC2Client;
beforeAll(async () => {
  fake = await startFakeEcsEc2(undefined, "203.0.113.5", { world: WORLD });
  const client = {
    endpoint: fake.endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    maxAttempts: 1,
  };
  ecs = new ECSClient(client);
  ec2 = new EC2Client(client);
});
afterAll(async () => {
  ecs.destroy();
  ec2.destroy();
  await fake.close();
});

/** The error name the real SDK client raises, or "ok". */
async function outcome(send: () => Promise<unknown>): Promise<string> {
  try {
    await send();
    return "ok";
  } catch (error) {
    return (error as Error).name;
  }
}
const run = (change: Partial<RunTaskCommandInput>) =>
  outcome(() => ecs.send(new RunTaskCommand({ ...VALID_RUN, ...change })));

test("the RunTask that ecs-fleet sends is accepted, and starts a task in the request's cluster", async () => {
  const { tasks } = await ecs.send(new RunTaskCommand(VALID_RUN));
  expect(tasks?.[0]?.taskArn).toMatch(
    /^arn:aws:ecs:us-east-1:111122223333:task\/godot-rooms-dev\/[0-9a-f]{32}$/,
  );
  expect(fake.calls.at(-1)).toMatchObject({ action: "RunTask", status: 200 });
});

const tag = (key: string, value = "v") => ({ key, value });
const vpc = VALID_RUN.networkConfiguration!.awsvpcConfiguration!;
test.each<[string, Partial<RunTaskCommandInput>, string]>([
  [
    "startedBy with a colon (the old room:<id>)",
    { startedBy: "room:0123" },
    "InvalidParameterException",
  ],
  ["startedBy of 129 characters", { startedBy: "a".repeat(129) }, "InvalidParameterException"],
  ["startedBy with a space", { startedBy: "room 1" }, "InvalidParameterException"],
  ["group of 256 characters", { group: "g".repeat(256) }, "InvalidParameterException"],
  ["count 0", { count: 0 }, "InvalidParameterException"],
  ["count 11", { count: 11 }, "InvalidParameterException"],
  ["no task definition", { taskDefinition: undefined }, "InvalidParameterException"],
  [
    "another task definition",
    { taskDefinition: `${TASK_DEF.slice(0, -6)}other:1` },
    "ClientException",
  ],
  ["a cluster that does not exist", { cluster: "other-cluster" }, "ClusterNotFoundException"],
  ["a malformed cluster", { cluster: "arn:aws:s3:::bucket" }, "InvalidParameterException"],
  [
    "launchType and a capacity provider strategy",
    { launchType: "FARGATE" },
    "InvalidParameterException",
  ],
  [
    "a capacity provider the cluster lacks",
    { capacityProviderStrategy: [{ capacityProvider: "EC2_ASG" }] },
    "InvalidParameterException",
  ],
  [
    "51 tags",
    { tags: Array.from({ length: 51 }, (_, i) => tag(`k${i}`)) },
    "InvalidParameterException",
  ],
  ["a tag key of 129 characters", { tags: [tag("k".repeat(129))] }, "InvalidParameterException"],
  [
    "a tag value of 257 characters",
    { tags: [tag("k", "v".repeat(257))] },
    "InvalidParameterException",
  ],
  ["a tag key with a forbidden character", { tags: [tag("room#1")] }, "InvalidParameterException"],
  [
    "a tag key with the reserved aws: prefix",
    { tags: [tag("AWS:owner")] },
    "InvalidParameterException",
  ],
  ["the same tag key twice", { tags: [tag("a"), tag("a")] }, "InvalidParameterException"],
  ["propagateTags SERVICE", { propagateTags: "SERVICE" }, "InvalidParameterException"],
  [
    "17 subnets",
    {
      networkConfiguration: {
        awsvpcConfiguration: {
          ...vpc,
          subnets: Array.from({ length: 17 }, (_, i) => `subnet-${i}`),
        },
      },
    },
    "InvalidParameterException",
  ],
  [
    "no network configuration for an awsvpc task",
    { networkConfiguration: undefined },
    "InvalidParameterException",
  ],
  [
    "6 security groups",
    {
      networkConfiguration: {
        awsvpcConfiguration: { ...vpc, securityGroups: ["a", "b", "c", "d", "e", "f"] },
      },
    },
    "InvalidParameterException",
  ],
  [
    "an override of a container that is not in the task definition",
    { overrides: { containerOverrides: [{ name: "other" }] } },
    "InvalidParameterException",
  ],
  [
    "overrides over 8192 characters",
    {
      overrides: {
        containerOverrides: [
          { name: "game", environment: [{ name: "BIG", value: "x".repeat(8200) }] },
        ],
      },
    },
    "InvalidParameterException",
  ],
  [
    "a cpu/memory pair Fargate does not offer",
    { overrides: { cpu: "256", memory: "4096" } },
    "InvalidParameterException",
  ],
  ["a clientToken of 65 characters", { clientToken: "t".repeat(65) }, "InvalidParameterException"],
])("RunTask with %s is refused as ECS refuses it", async (_, change, expected) => {
  const before = fake.calls.length;
  expect(await run(change)).toBe(expected);
  expect(fake.calls.slice(before)).toEqual([
    expect.objectContaining({ action: "RunTask", status: 400, error: expected }),
  ]);
});

test.each<[string, Partial<RunTaskCommandInput>]>([
  ["startedBy of exactly 128 characters", { startedBy: "a/".repeat(64) }],
  ["group of exactly 255 characters", { group: "g".repeat(255) }],
  ["count 10", { count: 10 }],
  [
    "50 tags with keys of 128 and values of 256 characters",
    { tags: Array.from({ length: 50 }, (_, i) => tag(`${i}`.padEnd(128, "k"), "v".repeat(256))) },
  ],
  [
    "the task definition by family:revision and the cluster by name",
    { taskDefinition: "godot-rooms-dev-room:1", cluster: "godot-rooms-dev" },
  ],
  [
    "launchType FARGATE instead of a strategy",
    { capacityProviderStrategy: undefined, launchType: "FARGATE" },
  ],
  ["a valid Fargate cpu/memory override", { overrides: { cpu: "512", memory: "2048" } }],
])("RunTask with %s is accepted (the limits are inclusive)", async (_, change) => {
  expect(await run(change)).toBe("ok");
});

test("StopTask: a reason over 255 characters, or a task of another cluster, is refused", async () => {
  const stop = (input: { cluster?: string; task: string; reason?: string }) =>
    outcome(() => ecs.send(new StopTaskCommand(input)));
  expect(await stop({ cluster: CLUSTER, task: TASK, reason: "r".repeat(255) })).toBe("ok");
  expect(await stop({ cluster: CLUSTER, task: TASK, reason: "r".repeat(256) })).toBe(
    "InvalidParameterException",
  );
  expect(await stop({ cluster: CLUSTER, task: TASK.replace("/godot-rooms-dev/", "/other/") })).toBe(
    "InvalidParameterException",
  );
  expect(await stop({ cluster: CLUSTER, task: "" })).toBe("InvalidParameterException");
});

test("ListTasks and DescribeTasks: documented bounds and filter rules", async () => {
  const list = (input: Record<string, unknown>) =>
    outcome(() => ecs.send(new ListTasksCommand({ cluster: CLUSTER, ...input })));
  expect(await list({ family: "godot-rooms-dev-room", desiredStatus: "RUNNING" })).toBe("ok");
  expect(await list({ maxResults: 101 })).toBe("InvalidParameterException");
  expect(await list({ startedBy: "room/1", family: "godot-rooms-dev-room" })).toBe(
    "InvalidParameterException",
  );
  const describe = (tasks: string[]) =>
    outcome(() => ecs.send(new DescribeTasksCommand({ cluster: CLUSTER, tasks })));
  expect(await describe([TASK])).toBe("ok");
  expect(await describe(Array.from({ length: 101 }, () => TASK))).toBe("InvalidParameterException");
  expect(await describe([])).toBe("InvalidParameterException");
});

test("EC2 DescribeNetworkInterfaces: a malformed ENI id gets EC2's own error code", async () => {
  const describe = (id: string) =>
    ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [id] }));
  const { NetworkInterfaces } = await describe("eni-0f1e2d3c4b5a69788");
  expect(NetworkInterfaces?.[0]?.Association?.PublicIp).toBe("203.0.113.5");
  expect(await outcome(() => describe("eni-0"))).toBe("InvalidNetworkInterfaceId.Malformed");
});

test("an action the endpoint does not serve is a 400, never a silent success", async () => {
  const before = fake.calls.length;
  await expect(
    ecs.send(new StopTaskCommand({ cluster: CLUSTER, task: TASK })).then(() =>
      fetch(fake.endpoint, {
        method: "POST",
        headers: { "x-amz-target": "AmazonEC2ContainerServiceV20141113.DeleteCluster" },
        body: "{}",
      }),
    ),
  ).resolves.toMatchObject({ status: 400 });
  expect(fake.calls.slice(before).map((c) => [c.action, c.status])).toEqual([
    ["StopTask", 200],
    ["DeleteCluster", 400],
  ]);
});

describe("archive host: one warm process per function, the SDK from a runtime-like folder", () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), "godot-rooms-host-"))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const archive = (name: string, code: string) => {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, "__index.js"), code);
    return join(dir, name, "__index.js");
  };

  test("one process serves many invocations, concurrently, each with exactly its own output", async () => {
    const index = archive(
      "counter",
      `require("@aws-sdk/client-ecs");
       let calls = 0;
       console.log("cold start");
       exports.handler = async (event, context) => {
         calls++;
         process.stdout.write(JSON.stringify({ start: event.n, id: context.awsRequestId }) + "\\n");
         await new Promise((r) => setTimeout(r, event.wait));
         console.log("end " + event.n + " " + process.env.ROOMS_TABLE_NAME);
         return { n: event.n, calls, pid: process.pid };
       };`,
    );
    const host = await startArchiveHost(index, { ROOMS_TABLE_NAME: "t1" });
    try {
      const [slow, fast] = await Promise.all([
        host.invoke({ n: 1, wait: 150 }, { awsRequestId: "req-1" }),
        host.invoke({ n: 2, wait: 10 }),
      ]);
      expect(slow.result.pid).toBe(fast.result.pid);
      expect(slow.logLines).toEqual([{ start: 1, id: "req-1" }, "end 1 t1"]);
      expect(fast.logLines).toEqual([{ start: 2, id: expect.any(String) }, "end 2 t1"]);
      expect(host.initOutput).toBe("cold start\n");
      expect((await host.invoke({ n: 3, wait: 0 })).result.calls).toBe(3);
    } finally {
      await host.close();
    }
  });

  test("a package the Lambda runtime lacks cannot be required, even though the project has it", async () => {
    const index = archive("needs-yaml", `require("yaml"); exports.handler = async () => 1;`);
    await expect(startArchiveHost(index, {})).rejects.toThrow(/Cannot find module 'yaml'/);
  });

  test("a handler that throws is a function error carrying its message, and the host keeps serving", async () => {
    const index = archive(
      "thrower",
      `exports.handler = async (event) => { if (event.fail) throw new TypeError("boom"); return "ok"; };`,
    );
    const host = await startArchiveHost(index, {});
    try {
      await expect(host.invoke({ fail: true })).rejects.toThrow(/TypeError: boom/);
      expect((await host.invoke({})).result).toBe("ok");
    } finally {
      await host.close();
    }
  });
});
