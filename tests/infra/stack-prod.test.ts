import { ENV_NAMES } from "../../common/env-names";
import { ofType, runProgram } from "../support/pulumi-program";
import {
  arn,
  expectLeastPrivilege,
  expectMonitoring,
  one,
  policyOf,
  type Stack,
} from "./stack-expectations";

let stack: Stack;
beforeAll(async () => {
  stack = await runProgram("prod", { alarmEmail: "ops@example.com" });
}, 120_000);

const P = "godot-rooms-prod";

test("stack outputs: API URL, repository, image, cluster and table", () => {
  expect(stack.outputs).toEqual({
    apiUrl: `https://${P}-api.execute-api.us-east-1.amazonaws.com`,
    repositoryUrl: `111122223333.dkr.ecr.us-east-1.amazonaws.com/${P}`,
    imageRef: expect.stringMatching(
      new RegExp(`^111122223333\\.dkr\\.ecr\\.us-east-1\\.amazonaws\\.com/${P}:[0-9a-f]{16}$`),
    ),
    clusterName: P,
    tableName: `${P}-rooms`,
  });
});

/*
 * awsx's Vpc is a remote component: its provider plugin builds the children (the VPC, subnets,
 * route tables, routes, internet gateway, and the NAT gateways and Elastic IPs of other
 * strategies), and under mocks that plugin does not run. So these tests see the component's exact
 * inputs and the outputs the mocks answer with, never the children. What the inputs build is
 * covered by awsx's own tests (awsx/ec2/vpc.test.ts for the NAT strategies,
 * subnetDistributorNew.test.ts for the "Auto" layout), and `pulumi preview --stack prod` against
 * an account lists every child (the PR workflow previews dev, which has no awsx VPC). Bench
 * measure 7 prices the children awsx documents for these inputs (network-idle-cost.test.ts).
 */
test("a dedicated awsx VPC: one public subnet per zone in two zones, no NAT gateway, nothing hand-written", () => {
  const { resources } = stack;
  expect(one(resources, "awsx:ec2:Vpc", P).inputs).toEqual({
    cidrBlock: "10.20.0.0/16",
    numberOfAvailabilityZones: 2,
    subnetStrategy: "Auto",
    subnetSpecs: [{ type: "Public", cidrMask: 17 }],
    natGateways: { strategy: "None" },
    enableDnsHostnames: true,
    enableDnsSupport: true,
  });
  for (const type of [
    "awsx:ec2:DefaultVpc",
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/eip:Eip",
    "aws:lb/loadBalancer:LoadBalancer",
  ]) {
    expect(ofType(resources, type)).toEqual([]);
  }
  expect(stack.calls.map((c) => c.token)).not.toContain("aws:ec2/getSubnets:getSubnets");
});

test("the security group and every function's RunTask subnets take their ids from the awsx VPC", () => {
  const vpc = one(stack.resources, "awsx:ec2:Vpc", P).state;
  expect(vpc.vpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
  expect(vpc.publicSubnetIds).toEqual([
    expect.stringMatching(/^subnet-[0-9a-f]{17}$/),
    expect.stringMatching(/^subnet-[0-9a-f]{17}$/),
  ]);
  expect(new Set(vpc.publicSubnetIds).size).toBe(2);
  expect(one(stack.resources, "aws:ec2/securityGroup:SecurityGroup").inputs.vpcId).toBe(vpc.vpcId);
  const functions = ofType(stack.resources, "aws:lambda/function:Function");
  expect(functions).toHaveLength(7);
  for (const fn of functions) {
    expect(fn.inputs.environment.variables[ENV_NAMES.subnetIds]).toBe(
      vpc.publicSubnetIds.join(","),
    );
  }
});

test("the prod table is protected: deletion protection and point-in-time recovery", () => {
  const table = one(stack.resources, "aws:dynamodb/table:Table");
  expect(table.inputs.deletionProtectionEnabled).toBe(true);
  expect(table.inputs.pointInTimeRecovery).toEqual({ enabled: true });
  expect(table.inputs.ttl).toEqual({ attributeName: "expiresAt", enabled: true });
  expect(table.inputs.billingMode).toBe("PAY_PER_REQUEST");
  expect(one(stack.resources, "aws:ecr/repository:Repository").inputs.forceDelete).toBe(false);
});

test("the prod task definition runs on-demand sized rooms with the configured command and port", () => {
  const task = one(stack.resources, "aws:ecs/taskDefinition:TaskDefinition");
  expect([task.inputs.cpu, task.inputs.memory]).toEqual(["512", "1024"]);
  const [container] = JSON.parse(task.inputs.containerDefinitions);
  expect(container.command).toEqual(["--empty-server-timeout=300", "--port=7777"]);
  const env = one(stack.resources, "aws:lambda/function:Function", `${P}-api-create-server`).inputs
    .environment.variables;
  expect(env.ROOMS_CAPACITY_PROVIDER).toBe("FARGATE");
  expect(env.ROOMS_MAX_ROOMS).toBe("50");
});

test("the create_server role may run this family's tasks and pass only the two task roles", () => {
  expect(policyOf(stack, `${P}-api-create-server-role`)).toEqual([
    {
      Sid: "RoomsTable",
      Effect: "Allow",
      Action: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
      Resource: arn("dynamodb", `table/${P}-rooms`),
    },
    {
      Sid: "RunRoomTasks",
      Effect: "Allow",
      Action: ["ecs:RunTask"],
      Resource: arn("ecs", `task-definition/${P}-room:*`),
      Condition: { ArnEquals: { "ecs:cluster": arn("ecs", `cluster/${P}`) } },
    },
    {
      Sid: "PassRoomTaskRoles",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: [
        `arn:aws:iam::111122223333:role/${P}-execution-role`,
        `arn:aws:iam::111122223333:role/${P}-task-role`,
      ],
      Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    },
    {
      Sid: "StopRoomTasks",
      Effect: "Allow",
      Action: ["ecs:StopTask"],
      Resource: arn("ecs", `task/${P}/*`),
      Condition: { ArnEquals: { "ecs:cluster": arn("ecs", `cluster/${P}`) } },
    },
    {
      Sid: "WriteOwnLogs",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: arn("logs", `log-group:${P}-api-create-server:*`),
    },
  ]);
  expectLeastPrivilege(stack);
});

test("monitoring: dashboard and alarms, with the alarm email subscribed to the topic", () => {
  const { topic } = expectMonitoring(stack, P, 50);
  expect(one(stack.resources, "aws:sns/topicSubscription:TopicSubscription").inputs).toEqual({
    topic: topic.state.arn,
    protocol: "email",
    endpoint: "ops@example.com",
  });
});
