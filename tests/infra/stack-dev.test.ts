import { ENV_NAMES } from "../../common/env-names";
import { DEFAULT_VPC_ID, defaultVpcSubnets, ofType, runProgram } from "../support/pulumi-program";
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
  stack = await runProgram("dev");
}, 120_000);

const P = "godot-rooms-dev";
const CLUSTER_ARN = arn("ecs", `cluster/${P}`);

test("stack outputs: API URL, repository, image, cluster and table", () => {
  expect(stack.outputs).toMatchObject({
    clusterName: P,
    tableName: `${P}-rooms`,
    apiUrl: expect.stringMatching(/^https:/),
  });
});

test("the security group opens only the game port (UDP 7777), from anywhere", () => {
  const group = one(stack.resources, "aws:ec2/securityGroup:SecurityGroup");
  expect(group.inputs.ingress).toEqual([
    {
      description: "game port",
      protocol: "udp",
      fromPort: 7777,
      toPort: 7777,
      cidrBlocks: ["0.0.0.0/0"],
      ipv6CidrBlocks: ["::/0"],
    },
  ]);
  expect(group.inputs.vpcId).toBe(DEFAULT_VPC_ID);
  expect(ofType(stack.resources, "aws:ec2/securityGroupRule:SecurityGroupRule")).toEqual([]);
});

test("dev runs rooms in the default VPC's default subnets (not one its owner added), and declares no network", () => {
  expect(
    stack.calls.filter((c) => /getVpc:|getSubnets:/.test(c.token)).map((c) => [c.token, c.args]),
  ).toEqual([
    ["aws:ec2/getVpc:getVpc", { default: true }],
    [
      "aws:ec2/getSubnets:getSubnets",
      {
        filters: [
          { name: "vpc-id", values: [DEFAULT_VPC_ID] },
          { name: "default-for-az", values: ["true"] },
        ],
      },
    ],
  ]);
  const defaultSubnets = defaultVpcSubnets()
    .filter((s) => s.defaultForAz)
    .map((s) => s.id);
  expect(defaultSubnets).toHaveLength(3);
  for (const fn of ofType(stack.resources, "aws:lambda/function:Function")) {
    expect(fn.inputs.environment.variables[ENV_NAMES.subnetIds]).toBe(defaultSubnets.join(","));
  }
  // The default VPC is looked up, not wrapped in awsx's DefaultVpc: see RoomsNetwork's comment.
  for (const type of [
    "awsx:ec2:Vpc",
    "awsx:ec2:DefaultVpc",
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/natGateway:NatGateway",
  ]) {
    expect(ofType(stack.resources, type)).toEqual([]);
  }
});

test("the dev table is not protected", () => {
  const table = one(stack.resources, "aws:dynamodb/table:Table");
  expect(table.inputs.deletionProtectionEnabled).toBe(false);
  expect(table.inputs.pointInTimeRecovery).toEqual({ enabled: false });
  // Encrypted with the AWS-owned key: no serverSideEncryption block, no KMS charges.
  expect(table.inputs.serverSideEncryption).toBeUndefined();
  expect(one(stack.resources, "aws:ecr/repository:Repository").inputs).toMatchObject({
    forceDelete: true,
    imageTagMutability: "IMMUTABLE",
    imageScanningConfiguration: { scanOnPush: true },
  });
});

test("the task definition: Fargate, the game port over UDP, the empty-server timeout from config, logs", () => {
  const task = one(stack.resources, "aws:ecs/taskDefinition:TaskDefinition");
  expect(task.inputs).toMatchObject({
    family: `${P}-room`,
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    cpu: "256",
    memory: "512",
  });
  const [container] = JSON.parse(task.inputs.containerDefinitions);
  expect(container).toMatchObject({
    name: "game",
    essential: true,
    command: ["--empty-server-timeout=120", "--port=7777"],
    portMappings: [{ containerPort: 7777, hostPort: 7777, protocol: "udp" }],
    stopTimeout: 30,
    linuxParameters: { initProcessEnabled: true },
    environment: [
      { name: "GAME_PORT", value: "7777" },
      { name: "GAME_PROTOCOL", value: "udp" },
      { name: "GAME_PACK_PATH", value: "/opt/game/game.pck" },
      { name: "ROOM_DRAIN_SECONDS", value: "20" },
      { name: "ROOM_DRAIN_FILE", value: "/tmp/godot-rooms-drain" },
    ],
    logConfiguration: {
      logDriver: "awslogs",
      options: { "awslogs-group": `${P}-rooms`, "awslogs-region": "us-east-1" },
    },
  });
  expect(container.image).toBe(stack.outputs.imageRef);
  expect(
    one(stack.resources, "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders").inputs
      .capacityProviders,
  ).toEqual(["FARGATE", "FARGATE_SPOT"]);
  const taskRolePolicies = ofType(stack.resources, "aws:iam/rolePolicy:RolePolicy").filter(
    (p) => p.inputs.role === `${P}-task-role-id`,
  );
  expect(taskRolePolicies).toEqual([]);
});

test("routes: each a Lambda proxy integration (payload 2.0), invokable only from this API's route", () => {
  const routes = ofType(stack.resources, "aws:apigatewayv2/route:Route")
    .map((r) => [r.inputs.routeKey, r.inputs.target])
    .sort();
  expect(routes).toEqual([
    ["GET /get_servers", `integrations/${P}-api-get_servers-id`],
    ["POST /create_server", `integrations/${P}-api-create_server-id`],
    ["POST /join_room", `integrations/${P}-api-join_room-id`],
    ["POST /room_heartbeat", `integrations/${P}-api-heartbeat-id`],
    ["POST /stop_server", `integrations/${P}-api-stop_server-id`],
  ]);
  for (const kind of ["create_server", "get_servers", "stop_server", "heartbeat", "join_room"]) {
    const fnName = `${P}-api-${kind.replace("_", "-")}`;
    expect(
      one(stack.resources, "aws:apigatewayv2/integration:Integration", `${P}-api-${kind}`).inputs,
    ).toMatchObject({
      integrationType: "AWS_PROXY",
      integrationUri: arn("lambda", `function:${fnName}`),
      payloadFormatVersion: "2.0",
    });
    const path = kind === "heartbeat" ? "/room_heartbeat" : `/${kind}`;
    const method = kind === "get_servers" ? "GET" : "POST";
    expect(
      one(stack.resources, "aws:lambda/permission:Permission", `${P}-api-${kind}`).inputs,
    ).toEqual({
      action: "lambda:InvokeFunction",
      function: fnName,
      principal: "apigateway.amazonaws.com",
      sourceArn: `${arn("execute-api", `${P}-api-id`)}/*/${method}${path}`,
    });
  }
  expect(one(stack.resources, "aws:apigatewayv2/stage:Stage").inputs).toMatchObject({
    name: "$default",
    autoDeploy: true,
    defaultRouteSettings: {
      throttlingRateLimit: 10,
      throttlingBurstLimit: 20,
      detailedMetricsEnabled: true,
    },
    accessLogSettings: { destinationArn: arn("logs", `log-group:${P}-api-access`) },
  });
});

test("CORS: browsers may call the routes, and read Retry-After on a 503", () => {
  expect(one(stack.resources, "aws:apigatewayv2/api:Api").inputs.corsConfiguration).toEqual({
    allowOrigins: ["*"],
    allowMethods: ["GET", "POST", "OPTIONS"],
    allowHeaders: ["content-type", "authorization"],
    exposeHeaders: ["retry-after"],
    maxAge: 3600,
  });
});

test("every function: nodejs24.x on arm64, its own role, JSON logs to its own log group, dev settings", () => {
  const functions = ofType(stack.resources, "aws:lambda/function:Function");
  expect(functions).toHaveLength(7);
  for (const fn of functions) {
    expect(fn.inputs).toMatchObject({
      runtime: "nodejs24.x",
      architectures: ["arm64"],
      memorySize: 256,
    });
    expect(fn.inputs.role).toBe(`arn:aws:iam::111122223333:role/${fn.name}-role`);
    expect(fn.inputs.loggingConfig).toMatchObject({ logFormat: "JSON", logGroup: fn.name });
    expect(fn.inputs.environment.variables).toMatchObject({
      ROOMS_TABLE_NAME: `${P}-rooms`,
      ROOMS_CLUSTER_ARN: CLUSTER_ARN,
      ROOMS_CAPACITY_PROVIDER: "FARGATE_SPOT",
      ROOMS_MAX_ROOMS: "5",
      ROOMS_SERVER_READINESS: "heartbeat",
      ROOMS_HEARTBEAT_SECONDS: "30",
      ROOMS_READY_TIMEOUT_SECONDS: "120",
      ROOMS_HEARTBEAT_TIMEOUT_SECONDS: "90",
      ROOMS_GAME_PROTOCOL: "udp",
    });
    // Only join_room invokes another function: create_server, for quick play's new rooms.
    expect(fn.inputs.environment.variables.ROOMS_CREATE_FUNCTION).toBe(
      fn.name === `${P}-api-join-room` ? `${P}-api-create-server` : undefined,
    );
  }
  const retention = ofType(stack.resources, "aws:cloudwatch/logGroup:LogGroup").map(
    (g) => g.inputs.retentionInDays,
  );
  expect(new Set(retention)).toEqual(new Set([3]));
});

test("task events: only this cluster's room tasks, retried, then to a dead-letter queue", () => {
  const rule = one(stack.resources, "aws:cloudwatch/eventRule:EventRule", `${P}-tasks`);
  expect(JSON.parse(rule.inputs.eventPattern)).toEqual({
    source: ["aws.ecs"],
    "detail-type": ["ECS Task State Change"],
    detail: { clusterArn: [CLUSTER_ARN], startedBy: [{ prefix: "room/" }, { prefix: "room:" }] },
  });
  expect(
    one(stack.resources, "aws:cloudwatch/eventTarget:EventTarget", `${P}-tasks`).inputs,
  ).toMatchObject({
    arn: arn("lambda", `function:${P}-tasks`),
    retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeInSeconds: 3600 },
    deadLetterConfig: { arn: arn("sqs", `${P}-tasks-dlq`) },
  });
  expect(
    one(stack.resources, "aws:cloudwatch/eventRule:EventRule", `${P}-tasks-reconcile`).inputs
      .scheduleExpression,
  ).toBe("rate(5 minutes)");
  const dlqPolicy = JSON.parse(
    one(stack.resources, "aws:sqs/queuePolicy:QueuePolicy").inputs.policy,
  );
  expect(dlqPolicy.Statement[0].Condition).toEqual({
    ArnEquals: {
      "aws:SourceArn": [
        arn("events", `rule/${P}-tasks`),
        arn("events", `rule/${P}-tasks-reconcile`),
      ],
    },
  });
});

test("IAM: the events function reads ENIs and its rows; get_servers only reads; heartbeats update; nothing else is broad", () => {
  expect(policyOf(stack, `${P}-tasks-role`).map((s) => [s.Action, s.Resource])).toEqual([
    [
      ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
      arn("dynamodb", `table/${P}-rooms`),
    ],
    [["ec2:DescribeNetworkInterfaces"], "*"],
    [["logs:CreateLogStream", "logs:PutLogEvents"], arn("logs", `log-group:${P}-tasks:*`)],
  ]);
  expect(policyOf(stack, `${P}-api-get-servers-role`).map((s) => [s.Action, s.Resource])).toEqual([
    [["dynamodb:GetItem"], arn("dynamodb", `table/${P}-rooms`)],
    [
      ["dynamodb:Query"],
      [
        arn("dynamodb", `table/${P}-rooms/index/running`),
        arn("dynamodb", `table/${P}-rooms/index/running-by-version`),
      ],
    ],
    [
      ["logs:CreateLogStream", "logs:PutLogEvents"],
      arn("logs", `log-group:${P}-api-get-servers:*`),
    ],
  ]);
  // A heartbeat reads and updates its room: no Put, no Delete, no ECS, no EC2.
  expect(policyOf(stack, `${P}-api-heartbeat-role`).map((s) => [s.Action, s.Resource])).toEqual([
    [["dynamodb:GetItem", "dynamodb:UpdateItem"], arn("dynamodb", `table/${P}-rooms`)],
    [["logs:CreateLogStream", "logs:PutLogEvents"], arn("logs", `log-group:${P}-api-heartbeat:*`)],
  ]);
  // A join reads the room and takes a seat (one UpdateItem); quick play reads the listing's
  // indexes, and invokes create_server (that one function) when no room has a seat. No Put, no
  // Delete, no ECS, no EC2.
  expect(policyOf(stack, `${P}-api-join-room-role`).map((s) => [s.Action, s.Resource])).toEqual([
    [["dynamodb:GetItem", "dynamodb:UpdateItem"], arn("dynamodb", `table/${P}-rooms`)],
    [
      ["dynamodb:Query"],
      [
        arn("dynamodb", `table/${P}-rooms/index/running`),
        arn("dynamodb", `table/${P}-rooms/index/running-by-version`),
      ],
    ],
    [["lambda:InvokeFunction"], arn("lambda", `function:${P}-api-create-server`)],
    [["logs:CreateLogStream", "logs:PutLogEvents"], arn("logs", `log-group:${P}-api-join-room:*`)],
  ]);
  expect(policyOf(stack, `${P}-tasks-reconciler-role`).map((s) => s.Action)).toEqual([
    ["dynamodb:GetItem", "dynamodb:Scan", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
    ["ecs:ListTasks"],
    ["ecs:DescribeTasks", "ecs:StopTask"],
    ["logs:CreateLogStream", "logs:PutLogEvents"],
  ]);
  expect(policyOf(stack, `${P}-execution-role`).map((s) => [s.Action, s.Resource])).toEqual([
    [["ecr:GetAuthorizationToken"], "*"],
    [
      ["ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
      arn("ecr", `repository/${P}`),
    ],
    [["logs:CreateLogStream", "logs:PutLogEvents"], arn("logs", `log-group:${P}-rooms:*`)],
  ]);
  expectLeastPrivilege(stack);
});

test("monitoring: dashboard, alarms on errors, dead letters and the cap, to an SNS topic with no subscriber", () => {
  expectMonitoring(stack, P, 5);
  expect(ofType(stack.resources, "aws:sns/topicSubscription:TopicSubscription")).toEqual([]);
});
