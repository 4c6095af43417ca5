import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultModules } from "../../bench/archive-size";
import { startRoomsTable, type TestTable } from "../support/dynalite-table";
import { startFakeEcsEc2 } from "../support/fake-ecs-ec2-endpoint";
import { ecsWorldOf } from "../support/fake-ecs-ec2-validation";
import { freePort } from "../support/godot-process";
import { httpEvent } from "../support/http-events";
import {
  archiveFiles,
  invokeInFreshNode,
  localAwsEndpoints,
  writeArchive,
} from "../support/lambda-archive";
import { ofType, runProgram } from "../support/pulumi-program";
import { seededRoom, seedRooms } from "../support/seeded-rooms";
import { taskEvent } from "../support/task-events";
import type { Stack } from "./stack-expectations";

const P = "godot-rooms-dev";
const TASK_ARN = `arn:aws:ecs:us-east-1:111122223333:task/${P}/0123456789abcdef`;
let stack: Stack;
let workDir: string;
beforeAll(async () => {
  stack = await runProgram("dev");
  workDir = mkdtempSync(join(tmpdir(), "godot-rooms-archives-"));
}, 120_000);
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function fn(name: string) {
  const found = ofType(stack.resources, "aws:lambda/function:Function").find(
    (f) => f.name === name,
  );
  if (!found) throw new Error(`no function ${name}`);
  return found;
}

test("each archive holds only its __index.js: no SDK, @pulumi, TypeScript or test tools", async () => {
  const sizes: Record<string, number> = {};
  for (const f of ofType(stack.resources, "aws:lambda/function:Function")) {
    const files = await archiveFiles(f);
    expect(Object.keys(files)).toEqual(["__index.js"]);
    for (const path of Object.keys(files)) {
      expect(path).not.toMatch(/@aws-sdk|@pulumi|typescript|jest|ts-node|ts-jest/);
    }
    sizes[f.name] = Buffer.byteLength(files["__index.js"].text ?? "");
  }
  console.log("archive bytes (unpacked):", sizes);
  for (const bytes of Object.values(sizes)) expect(bytes).toBeLessThanOrEqual(64 * 1024);
});

test("each archive is at least 450× smaller than CallbackFunction's default packaging (bench measure 1)", async () => {
  let modulesBytes = 0;
  for (const bytes of (await defaultModules()).values()) modulesBytes += bytes.byteLength;
  for (const f of ofType(stack.resources, "aws:lambda/function:Function")) {
    const ours = Buffer.byteLength((await archiveFiles(f))["__index.js"].text ?? "");
    expect((ours + modulesBytes) / ours).toBeGreaterThanOrEqual(450);
  }
});

describe("the uploaded code, run in a fresh Node process with the function's environment", () => {
  let table: TestTable;
  let fake: Awaited<ReturnType<typeof startFakeEcsEc2>>;
  beforeAll(async () => {
    table = await startRoomsTable(`${P}-rooms`);
    // The endpoint refuses what ECS would refuse, against the clusters and task definitions
    // this stack declares.
    fake = await startFakeEcsEc2(TASK_ARN, "203.0.113.77", { world: ecsWorldOf(stack.resources) });
  });
  afterAll(async () => {
    await table.close();
    await fake.close();
  });

  async function invoke(name: string, event: unknown) {
    const f = fn(name);
    const index = await writeArchive(f, join(workDir, name));
    return invokeInFreshNode(
      index,
      {
        ...f.inputs.environment.variables,
        ...localAwsEndpoints(table.endpoint, fake.endpoint),
      },
      event,
    );
  }

  test("create → RUNNING event → get_servers, against dynalite and a local ECS/EC2 endpoint", async () => {
    const created = await invoke(
      `${P}-api-create-server`,
      httpEvent("POST", "/create_server", { query: "server=Archive%20Room" }),
    );
    if (created.result.statusCode !== 200)
      console.log(JSON.stringify(created.logLines), created.result.body);
    expect(created.result.statusCode).toBe(200);
    expect(JSON.parse(created.result.body)).toMatchObject({
      success: true,
      message: "Archive Room",
    });
    expect(created.sdkClientsLoaded).toEqual(["client-dynamodb", "client-ecs"]);
    expect(created.logLines).toContainEqual(
      expect.objectContaining({
        level: "INFO",
        message: "room created",
        room: "Archive Room",
        requestId: "req-fresh-node",
        function: "create_server",
      }),
    );
    const env = fn(`${P}-api-create-server`).inputs.environment.variables;
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]).toEqual({
      service: "ecs",
      action: "RunTask",
      status: 200,
      taskArns: [TASK_ARN],
      body: {
        cluster: env.ROOMS_CLUSTER_ARN,
        taskDefinition: env.ROOMS_TASK_DEFINITION_ARN,
        count: 1,
        capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: env.ROOMS_SUBNET_IDS.split(","),
            securityGroups: [env.ROOMS_SECURITY_GROUP_ID],
            assignPublicIp: "ENABLED",
          },
        },
        startedBy: expect.stringMatching(/^room\/[0-9a-f]{24}$/),
        clientToken: expect.stringMatching(/^[0-9a-f]{24}$/),
        overrides: {
          containerOverrides: [
            {
              name: "game",
              environment: [
                { name: "ROOM_NAME", value: "Archive Room" },
                { name: "ROOM_SECRET", value: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) },
                { name: "ROOM_HEARTBEAT_SECONDS", value: "30" },
                {
                  name: "ROOMS_API_URL",
                  value: "https://abc123.execute-api.us-east-1.amazonaws.com",
                },
              ],
            },
          ],
        },
      },
    });

    const roomId = (fake.calls[0].body as { startedBy: string }).startedBy.slice("room/".length);
    const running = taskEvent({
      taskArn: TASK_ARN,
      roomId,
      roomName: "Archive Room",
      lastStatus: "RUNNING",
      version: 3,
    });
    const applied = await invoke(`${P}-tasks`, running);
    expect(applied.result).toEqual({ outcome: "applied" });
    expect(applied.sdkClientsLoaded).toEqual(["client-dynamodb", "client-ec2"]);
    expect(fake.calls[1]).toMatchObject({
      service: "ec2",
      action: "DescribeNetworkInterfaces",
      body: { "NetworkInterfaceId.1": "eni-0f1e2d3c4b5a69788" },
    });

    // dev rooms are `heartbeat` rooms: the task runs, but until the server says ready the room
    // stays PENDING, with no address shown.
    const pending = await invoke(
      `${P}-api-get-servers`,
      httpEvent("GET", "/get_servers", { query: "server=archive%20room" }),
    );
    expect(JSON.parse(pending.result.body).data).toMatchObject({ status: "PENDING" });
    expect(JSON.parse(pending.result.body).data.ip).toBeUndefined();
    const overrides = (fake.calls[0].body as any).overrides.containerOverrides[0].environment;
    const secret = overrides.find((v: { name: string }) => v.name === "ROOM_SECRET").value;
    const ready = await invoke(
      `${P}-api-heartbeat`,
      httpEvent("POST", "/room_heartbeat", {
        headers: { authorization: `Bearer ${secret}` },
        body: JSON.stringify({ server: "Archive Room", state: "ready", players: 0, maxPlayers: 8 }),
      }),
    );
    expect(ready.result.statusCode).toBe(200);
    expect(ready.sdkClientsLoaded).toEqual(["client-dynamodb"]);

    const got = await invoke(
      `${P}-api-get-servers`,
      httpEvent("GET", "/get_servers", { query: "server=archive%20room" }),
    );
    expect(got.result.statusCode).toBe(200);
    expect(JSON.parse(got.result.body).data).toMatchObject({
      name: "Archive Room",
      status: "RUNNING",
      ip: "203.0.113.77",
      port: 7777,
      players: 0,
      maxPlayers: 8,
      protocol: "udp",
    });
    expect(got.sdkClientsLoaded).toEqual(["client-dynamodb"]);
    const page = await invoke(
      `${P}-api-get-servers`,
      httpEvent("GET", "/get_servers", { query: "page=0" }),
    );
    expect(JSON.parse(page.result.body).data).toHaveLength(1);
    expect(fake.calls).toHaveLength(2);
  });

  test("a page of 20 RUNNING rooms is served from the table alone: no ECS or EC2 call (bench measure 4)", async () => {
    await seedRooms(
      table,
      Array.from({ length: 25 }, (_, i) => seededRoom(i, "RUNNING")),
    );
    const callsBefore = fake.calls.length;
    const page = await invoke(
      `${P}-api-get-servers`,
      httpEvent("GET", "/get_servers", { query: "page=0" }),
    );
    const rooms = JSON.parse(page.result.body).data as { ip: string }[];
    expect(rooms).toHaveLength(20);
    for (const room of rooms) expect(room.ip).toMatch(/^(198\.51\.100|203\.0\.113)\.\d+$/);
    expect(fake.calls.length - callsBefore).toBe(0);
    expect(page.sdkClientsLoaded).toEqual(["client-dynamodb"]);
  });

  test("a task change that is not RUNNING never loads the EC2 client", async () => {
    const stopped = taskEvent({
      taskArn: TASK_ARN,
      roomId: "0123456789abcdef01234567",
      roomName: "Nobody Here",
      lastStatus: "STOPPED",
      version: 9,
    });
    const applied = await invoke(`${P}-tasks`, stopped);
    expect(applied.result.outcome).toBeDefined();
    expect(applied.sdkClientsLoaded).toEqual(["client-dynamodb"]);
  });

  test("DynamoDB unreachable: the uploaded get_servers answers 503 with Retry-After, not 500", async () => {
    const f = fn(`${P}-api-get-servers`);
    const index = await writeArchive(f, join(workDir, "unreachable"));
    const closedPort = await freePort();
    const answered = await invokeInFreshNode(
      index,
      {
        ...f.inputs.environment.variables,
        AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${closedPort}`,
      },
      httpEvent("GET", "/get_servers", { query: "page=0" }),
    );
    expect(answered.result.statusCode).toBe(503);
    expect(answered.result.headers["retry-after"]).toBe("1");
    expect(answered.logLines).toContainEqual(
      expect.objectContaining({
        level: "WARN",
        message: "request refused",
        code: "Unavailable",
      }),
    );
  });
});
