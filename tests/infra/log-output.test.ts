import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRoomsTable, type TestTable } from "../support/dynalite-table";
import { startFakeEcsEc2 } from "../support/fake-ecs-ec2-endpoint";
import { httpEvent } from "../support/http-events";
import { localAwsEndpoints, writeArchive } from "../support/lambda-archive";
import { runProgram } from "../support/pulumi-program";
import { emfMetricsOf, stdoutUnderJsonLogFormat } from "./lambda-json-runtime";
import { one } from "./stack-expectations";

const P = "godot-rooms-dev";
let stdout: string;
let table: TestTable;
let fake: Awaited<ReturnType<typeof startFakeEcsEc2>>;
let workDir: string;

beforeAll(async () => {
  const stack = await runProgram("dev");
  const fn = one(stack.resources, "aws:lambda/function:Function", `${P}-api-create-server`);
  workDir = mkdtempSync(join(tmpdir(), "godot-rooms-logs-"));
  table = await startRoomsTable(`${P}-rooms`);
  fake = await startFakeEcsEc2(`arn:aws:ecs:us-east-1:111122223333:task/${P}/0a1b`, "203.0.113.9");
  // The uploaded code, with a cap of 1: one room is created, the second create meets the cap.
  stdout = await stdoutUnderJsonLogFormat(
    await writeArchive(fn, workDir),
    {
      ...fn.inputs.environment.variables,
      ROOMS_MAX_ROOMS: "1",
      ...localAwsEndpoints(table.endpoint, fake.endpoint),
    },
    [
      httpEvent("POST", "/create_server", { query: "server=First" }),
      httpEvent("POST", "/create_server", { query: "server=Second" }),
    ],
  );
}, 120_000);
afterAll(async () => {
  await table?.close();
  await fake?.close();
  rmSync(workDir, { recursive: true, force: true });
});

test("every line the function writes is one JSON object (one CloudWatch log event each)", () => {
  const lines = stdout.split("\n");
  expect(lines.pop()).toBe("");
  expect(lines.length).toBeGreaterThanOrEqual(4);
  for (const line of lines) expect(JSON.parse(line)).toEqual(expect.any(Object));
});

test("the use cases' EMF lines become CloudWatch metrics: the room created, the create at the cap", () => {
  const metrics = stdout.split("\n").flatMap(emfMetricsOf);
  expect(metrics).toEqual([
    { namespace: "GodotRooms", name: "RoomsCreated", dimensions: { Stack: "dev" }, value: 1 },
    {
      namespace: "GodotRooms",
      name: "CreatesRejected",
      dimensions: { Stack: "dev", Reason: "AtCap" },
      value: 1,
    },
  ]);
});

test("log lines carry their fields at the top level, not encoded again inside `message`", () => {
  const events = stdout
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line));
  const logs = events.filter((e) => e._aws === undefined);
  expect(logs).toContainEqual(
    expect.objectContaining({
      level: "INFO",
      message: "room created",
      room: "First",
      function: "create_server",
      requestId: "req-1",
    }),
  );
  for (const event of logs) {
    expect(event.function).toBe("create_server");
    expect(event.message).not.toMatch(/^\s*[{[]/);
  }
});
