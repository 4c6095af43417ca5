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

test("a dedicated VPC: two public subnets in two zones, both routed to the internet gateway; no NAT, no load balancer", () => {
  const { resources } = stack;
  expect(one(resources, "aws:ec2/vpc:Vpc").inputs.cidrBlock).toBe("10.20.0.0/16");
  const subnets = ofType(resources, "aws:ec2/subnet:Subnet");
  expect(subnets.map((s) => [s.inputs.cidrBlock, s.inputs.availabilityZone])).toEqual([
    ["10.20.0.0/24", "us-east-1a"],
    ["10.20.1.0/24", "us-east-1b"],
  ]);
  const gateway = one(resources, "aws:ec2/internetGateway:InternetGateway");
  const table = one(resources, "aws:ec2/routeTable:RouteTable");
  expect(table.inputs.routes).toEqual([
    { cidrBlock: "0.0.0.0/0", gatewayId: `${gateway.name}-id` },
  ]);
  const associations = ofType(resources, "aws:ec2/routeTableAssociation:RouteTableAssociation");
  expect(associations.map((a) => [a.inputs.subnetId, a.inputs.routeTableId]).sort()).toEqual(
    subnets.map((s) => [`${s.name}-id`, `${table.name}-id`]).sort(),
  );
  for (const type of [
    "aws:ec2/natGateway:NatGateway",
    "aws:lb/loadBalancer:LoadBalancer",
    "aws:ec2/eip:Eip",
  ]) {
    expect(ofType(resources, type)).toEqual([]);
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
