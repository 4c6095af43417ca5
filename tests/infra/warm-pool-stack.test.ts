import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ENV_NAMES } from "../../common/env-names";
import { WARM_POOL_STREAM_FILTERS } from "../../infra/warm-pool";
import { ofType, runProgram } from "../support/pulumi-program";
import { arn, one, policyOf, type Stack } from "./stack-expectations";

const ROOT = join(__dirname, "..", "..");
const P = "godot-rooms-dev";
let stack: Stack;
beforeAll(async () => {
  stack = await runProgram("dev", { warmRooms: "2", warmVersion: "1.4" });
}, 120_000);

test("warmRooms is declared in Pulumi.yaml (default 0) and both stack files set it explicitly", () => {
  expect(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")).toMatch(
    /\n {2}warmRooms:\n {4}type: integer\n {4}default: 0\n/,
  );
  for (const file of ["Pulumi.dev.yaml", "Pulumi.prod.yaml"])
    expect(readFileSync(join(ROOT, file), "utf8")).toMatch(/\n {2}godot-rooms:warmRooms: \d+\n/);
});

test("the filler: its own function, one run at a time, with the pool's settings and the API's URL", () => {
  const fn = one(stack.resources, "aws:lambda/function:Function", `${P}-warm-pool`);
  expect(fn.inputs.reservedConcurrentExecutions).toBe(1);
  const env = fn.inputs.environment.variables;
  expect(env[ENV_NAMES.warmRooms]).toBe("2");
  expect(env[ENV_NAMES.warmVersion]).toBe("1.4");
  expect(env[ENV_NAMES.roomsApiUrl]).toMatch(/^https:\/\//);
  // Every function reads the same pool settings (create_server needs warmRooms to look).
  for (const f of ofType(stack.resources, "aws:lambda/function:Function"))
    expect(f.inputs.environment.variables[ENV_NAMES.warmRooms]).toBe("2");
});

test("it is invoked by the table's stream, filtered to claims and removals of warm servers, and on a schedule", () => {
  const table = one(stack.resources, "aws:dynamodb/table:Table", `${P}-rooms`);
  expect(table.inputs).toMatchObject({ streamEnabled: true, streamViewType: "NEW_AND_OLD_IMAGES" });
  const mapping = one(
    stack.resources,
    "aws:lambda/eventSourceMapping:EventSourceMapping",
    `${P}-warm-pool`,
  );
  expect(mapping.inputs).toMatchObject({
    startingPosition: "LATEST",
    eventSourceArn: `${arn("dynamodb", "table/godot-rooms-dev-rooms")}/stream/2026-11-25T00:00:00.000`,
  });
  expect(
    mapping.inputs.filterCriteria.filters.map((f: { pattern: string }) => JSON.parse(f.pattern)),
  ).toEqual(WARM_POOL_STREAM_FILTERS);
  const rule = one(
    stack.resources,
    "aws:cloudwatch/eventRule:EventRule",
    `${P}-warm-pool-schedule`,
  );
  expect(rule.inputs.scheduleExpression).toBe("rate(5 minutes)");
});

test("least privilege: the filler's policy, and create_server's Query of the running index only", () => {
  const table = arn("dynamodb", "table/godot-rooms-dev-rooms");
  const filler = policyOf(stack, `${P}-warm-pool-role`);
  expect(filler.map((s) => [s.Sid, s.Action, s.Resource])).toEqual([
    [
      "RoomsTable",
      ["dynamodb:Scan", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"],
      table,
    ],
    [
      "ReadRoomsStream",
      [
        "dynamodb:DescribeStream",
        "dynamodb:GetRecords",
        "dynamodb:GetShardIterator",
        "dynamodb:ListStreams",
      ],
      `${table}/stream/*`,
    ],
    ["RunRoomTasks", ["ecs:RunTask"], expect.stringContaining(":task-definition/")],
    ["PassRoomTaskRoles", ["iam:PassRole"], expect.any(Array)],
    ["StopRoomTasks", ["ecs:StopTask"], expect.stringContaining(":task/")],
    [
      "WriteOwnLogs",
      ["logs:CreateLogStream", "logs:PutLogEvents"],
      expect.stringContaining(":log-group:"),
    ],
  ]);
  const create = policyOf(stack, `${P}-api-create-server-role`);
  expect(create.find((s) => s.Sid === "RoomsIndexes")).toEqual({
    Sid: "RoomsIndexes",
    Effect: "Allow",
    Action: ["dynamodb:Query"],
    Resource: [`${table}/index/running`],
  });
});

test("the dashboard shows the pool: ready and starting servers, hits and misses", () => {
  const dashboard = one(stack.resources, "aws:cloudwatch/dashboard:Dashboard");
  const titles = JSON.parse(dashboard.inputs.dashboardBody).widgets.map(
    (w: { properties: { title: string; metrics: string[][] } }) => [
      w.properties.title,
      w.properties.metrics.map((m) => m[1]),
    ],
  );
  expect(titles).toEqual(
    expect.arrayContaining([
      ["Warm pool: ready / starting servers", ["WarmPoolReady", "WarmPoolStarting"]],
      ["Warm pool: creates served warm (hits) / cold (misses)", ["WarmPoolHits", "WarmPoolMisses"]],
    ]),
  );
});
