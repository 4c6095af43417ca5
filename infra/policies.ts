import { ROOMS_TABLE_SCHEMA } from "../common/rooms-table-schema";

/**
 * IAM documents, as pure functions of plain ARNs, so that tests can read every statement.
 * Each Lambda gets only the actions its use cases perform, on this stack's resources only.
 */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: string[];
  readonly Resource: string | string[];
  readonly Condition?: Record<string, Record<string, string>>;
}

export interface PolicyDocument {
  readonly Version: "2012-10-17";
  readonly Statement: PolicyStatement[];
}

export function assumeRolePolicy(service: "lambda.amazonaws.com" | "ecs-tasks.amazonaws.com") {
  return {
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: service }, Action: "sts:AssumeRole" }],
  };
}

/**
 * What each function does with the table items; no Scan on request paths. create_server never
 * reads a row (it reserves with a conditional PutItem), so it has no GetItem. get_servers' Query
 * is granted separately, on the indexes it lists from only (see INDEX_ACTIONS).
 */
export const TABLE_ACTIONS = {
  create_server: ["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
  get_servers: ["dynamodb:GetItem"],
  stop_server: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
  task_events: ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
  reconciler: ["dynamodb:GetItem", "dynamodb:Scan", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
  // A heartbeat is one conditional UpdateItem; a GetItem only on its slow path. It never
  // creates or deletes a row, and touches neither ECS nor EC2.
  heartbeat: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
  // The warm pool's filler counts the pool (a Scan of a table of at most maxRooms rooms, once
  // per run, never in a player's request) and starts servers as create_server does.
  warm_pool: ["dynamodb:Scan", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
  // A seat is one conditional UpdateItem after a GetItem. No ECS, no EC2.
  join_room: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
} as const;

export type RoomsFunction = keyof typeof TABLE_ACTIONS;

/** Actions a function performs on the table's indexes only (never on the base table). */
export const INDEX_ACTIONS: Partial<Record<RoomsFunction, readonly string[]>> = {
  get_servers: ["dynamodb:Query"],
  // Quick play reads the first RUNNING rooms.
  join_room: ["dynamodb:Query"],
};

/**
 * Where the stack keeps warm servers, create_server also finds a ready one (a Query of the
 * `running` index under warm#<version>); without a pool it never queries.
 */
const WARM_POOL_INDEX_ACTIONS: Partial<Record<RoomsFunction, readonly string[]>> = {
  create_server: ["dynamodb:Query"],
};

/** The indexes a function may Query; by default every index of the schema. */
const INDEXES_OF: Partial<Record<RoomsFunction, readonly string[]>> = {
  create_server: [ROOMS_TABLE_SCHEMA.indexes[0].name],
};

export interface FunctionPolicyArns {
  readonly tableArn: string;
  readonly logGroupArn: string;
  readonly clusterArn: string;
  /** e.g. arn:aws:ecs:us-east-1:111122223333:task-definition/godot-rooms-dev-room */
  readonly taskDefinitionFamilyArn: string;
  /** e.g. arn:aws:ecs:us-east-1:111122223333:task/godot-rooms-dev */
  readonly clusterTasksArn: string;
  readonly executionRoleArn: string;
  readonly taskRoleArn: string;
}

const onCluster = (clusterArn: string) => ({ ArnEquals: { "ecs:cluster": clusterArn } });

function ecsStatements(fn: RoomsFunction, arns: FunctionPolicyArns): PolicyStatement[] {
  const stopTasks: PolicyStatement = {
    Sid: "StopRoomTasks",
    Effect: "Allow",
    Action: ["ecs:StopTask"],
    Resource: `${arns.clusterTasksArn}/*`,
    Condition: onCluster(arns.clusterArn),
  };
  switch (fn) {
    case "create_server":
    case "warm_pool":
      return [
        {
          Sid: "RunRoomTasks",
          Effect: "Allow",
          Action: ["ecs:RunTask"],
          Resource: `${arns.taskDefinitionFamilyArn}:*`,
          Condition: onCluster(arns.clusterArn),
        },
        {
          Sid: "PassRoomTaskRoles",
          Effect: "Allow",
          Action: ["iam:PassRole"],
          Resource: [arns.executionRoleArn, arns.taskRoleArn],
          Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
        },
        stopTasks,
      ];
    case "stop_server":
      return [stopTasks];
    case "reconciler":
      return [
        // ListTasks has no task resource to name; the cluster condition scopes it.
        {
          Sid: "ListRoomTasks",
          Effect: "Allow",
          Action: ["ecs:ListTasks"],
          Resource: "*",
          Condition: onCluster(arns.clusterArn),
        },
        {
          Sid: "DescribeAndStopRoomTasks",
          Effect: "Allow",
          Action: ["ecs:DescribeTasks", "ecs:StopTask"],
          Resource: `${arns.clusterTasksArn}/*`,
          Condition: onCluster(arns.clusterArn),
        },
      ];
    case "task_events":
      // DescribeNetworkInterfaces supports no resource-level permissions: it needs "*".
      return [
        {
          Sid: "ReadTaskPublicIp",
          Effect: "Allow",
          Action: ["ec2:DescribeNetworkInterfaces"],
          Resource: "*",
        },
      ];
    default:
      return [];
  }
}

/**
 * Query on the schema's indexes only, named one by one: a Query of the base table (which would
 * read every row, capacity counter included) is refused.
 */
function indexStatements(
  fn: RoomsFunction,
  arns: FunctionPolicyArns,
  options: PolicyOptions,
): PolicyStatement[] {
  const actions = INDEX_ACTIONS[fn] ?? (options.warmPool ? WARM_POOL_INDEX_ACTIONS[fn] : undefined);
  if (!actions) return [];
  const indexNames = INDEXES_OF[fn] ?? ROOMS_TABLE_SCHEMA.indexes.map((index) => index.name);
  return [
    {
      Sid: "RoomsIndexes",
      Effect: "Allow",
      Action: [...actions],
      Resource: indexNames.map((name) => `${arns.tableArn}/index/${name}`),
    },
  ];
}

/**
 * The warm pool's filler is invoked by a Lambda event source mapping on the table's stream: the
 * mapping reads the stream with the function's role (these four actions, on this stream only).
 */
function streamStatements(fn: RoomsFunction, arns: FunctionPolicyArns): PolicyStatement[] {
  if (fn !== "warm_pool") return [];
  return [
    {
      Sid: "ReadRoomsStream",
      Effect: "Allow",
      Action: [
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
      ],
      // As AWS's example policy for stream-triggered functions: this table's streams only.
      Resource: `${arns.tableArn}/stream/*`,
    },
  ];
}

export interface PolicyOptions {
  /** The stack keeps warm servers. */
  readonly warmPool?: boolean;
  /** The one function this function may invoke (join_room: create_server, for quick play). */
  readonly invokesArn?: string;
}

/** Invoking exactly one function, by its unqualified ARN (Invoke names no version or alias). */
function invokeStatements(options: PolicyOptions): PolicyStatement[] {
  if (!options.invokesArn) return [];
  return [
    {
      Sid: "InvokeCreateServer",
      Effect: "Allow",
      Action: ["lambda:InvokeFunction"],
      Resource: options.invokesArn,
    },
  ];
}

/** The whole inline policy of one function's role. */
export function buildFunctionPolicy(
  fn: RoomsFunction,
  arns: FunctionPolicyArns,
  options: PolicyOptions = {},
): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "RoomsTable",
        Effect: "Allow",
        Action: [...TABLE_ACTIONS[fn]],
        Resource: arns.tableArn,
      },
      ...indexStatements(fn, arns, options),
      ...streamStatements(fn, arns),
      ...ecsStatements(fn, arns),
      ...invokeStatements(options),
      {
        Sid: "WriteOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${arns.logGroupArn}:*`,
      },
    ],
  };
}

/** The execution role of room tasks: pull this repository's image, write this log group. */
export function buildTaskExecutionPolicy(arns: {
  repositoryArn: string;
  logGroupArn: string;
}): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      // GetAuthorizationToken is account-wide by design: it has no resource to scope to.
      { Sid: "EcrLogin", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
      {
        Sid: "PullGameImage",
        Effect: "Allow",
        Action: [
          "ecr:BatchCheckLayerAvailability",
          "ecr:BatchGetImage",
          "ecr:GetDownloadUrlForLayer",
        ],
        Resource: arns.repositoryArn,
      },
      {
        Sid: "WriteGameLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${arns.logGroupArn}:*`,
      },
    ],
  };
}

/** Lets EventBridge deliver failed events of one rule to the dead-letter queue. */
export function buildDeadLetterQueuePolicy(arns: { queueArn: string; ruleArns: string[] }) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "EventBridgeDeadLetters",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sqs:SendMessage",
        Resource: arns.queueArn,
        Condition: { ArnEquals: { "aws:SourceArn": arns.ruleArns } },
      },
    ],
  };
}
