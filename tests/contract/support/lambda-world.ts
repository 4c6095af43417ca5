import { DeleteItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { PutCommand } from "@aws-sdk/lib-dynamodb";
import { toItem } from "../../../handlers/aws/room-items";
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ENV_NAMES } from "../../../common/env-names";
import { DynamoDbRoomStore } from "../../../handlers/aws/dynamodb-room-store";
import type { RoomRecord } from "../../../handlers/rooms/room";
import { startRoomsTable, type TestTable } from "../../support/dynalite-table";
import type { RecordedCall } from "../../support/aws-call-recorder";
import { type EcsWorld, ecsWorldOf } from "../../support/fake-ecs-ec2-validation";
import { ofType, type RecordedResource, runProgram } from "../../support/pulumi-program";
import { taskEvent } from "../../support/task-events";
import { CONTRACT_MAX_ROOMS, type ContractTarget } from "../target";
import { type DynamoProxy, startDynamoProxy } from "./dynamodb-proxy";
import { type EcsWorldServer, startEcsWorld } from "./ecs-world";
import type { ArchiveHost } from "../../support/archive-host";
import { archiveInvoker, startFakeLambda } from "../../support/fake-lambda-endpoint";

export const PUBLIC_IP = "203.0.113.77";

/** The functions of the dev stack, by the role they play. */
export const FUNCTIONS = {
  create: "api-create-server",
  get: "api-get-servers",
  stop: "api-stop-server",
  heartbeat: "api-heartbeat",
  events: "tasks",
  reconciler: "tasks-reconciler",
  /** Only in a stack with warm rooms (not the dev stack as committed). */
  pool: "warm-pool",
  join: "api-join-room",
} as const;
export type FunctionRole = keyof typeof FUNCTIONS;

/** The functions every stack has: the contract targets serve these. */
export type StackRole = Exclude<FunctionRole, "pool" | "join">;
export const STACK_ROLES: readonly StackRole[] = [
  "create",
  "get",
  "stop",
  "heartbeat",
  "events",
  "reconciler",
];

/** What the Lambda targets share: the dev stack under mocks, its table, a stateful ECS/EC2. */
export interface LambdaWorld {
  readonly table: TestTable;
  readonly dynamo: DynamoProxy;
  readonly ecs: EcsWorldServer;
  readonly store: DynamoDbRoomStore;
  readonly workDir: string;
  /** Lambda's Invoke: a function invoking another runs the other's archive host. */
  readonly lambda: Awaited<ReturnType<typeof startFakeLambda>>;
  fn(role: FunctionRole): RecordedResource;
  /** Lets other functions invoke this role's function (as join_room invokes create_server). */
  serve(role: FunctionRole, host: ArchiveHost): void;
  /** The environment the program sets on the function, pointed at the local endpoints. */
  envOf(role: FunctionRole): Record<string, string>;
  close(): Promise<void>;
}

const ROUTE_ROLES: Record<string, FunctionRole> = {
  "/create_server": "create",
  "/get_servers": "get",
  "/stop_server": "stop",
  "/room_heartbeat": "heartbeat",
};

/** Which function serves a path, as the HTTP API's routes say; undefined for no route. */
export function roleOfPath(path: string): FunctionRole | undefined {
  return ROUTE_ROLES[path];
}

// The program runs once per test file: Pulumi's mocks and the program's modules are per process.
let program: ReturnType<typeof runProgram> | undefined;

/** The dev stack under Pulumi's mocks, evaluated once per test file. */
export function devProgram(): ReturnType<typeof runProgram> {
  program ??= runProgram("dev");
  return program;
}

/** What the Lambda targets take from the program: its functions, and ECS's view of its stack. */
interface ProgramFacts {
  readonly functions: RecordedResource[];
  readonly ecsWorld: EcsWorld;
}

async function programFacts(program?: ReturnType<typeof runProgram>): Promise<ProgramFacts> {
  if (program) {
    const stack = await program;
    return {
      functions: ofType(stack.resources, "aws:lambda/function:Function"),
      ecsWorld: ecsWorldOf(stack.resources),
    };
  }
  const cache = process.env.CONTRACT_PROGRAM_CACHE;
  if (cache && existsSync(cache)) return JSON.parse(readFileSync(cache, "utf8")) as ProgramFacts;
  const stack = await devProgram();
  const facts = {
    functions: ofType(stack.resources, "aws:lambda/function:Function"),
    ecsWorld: ecsWorldOf(stack.resources),
  };
  if (cache) {
    // Only the in-process target reads a cache (the mutation run, where the program is not
    // mutated): it keeps each function's name and environment, not its code archive.
    const slim = facts.functions.map((f) => ({
      ...f,
      inputs: { environment: f.inputs.environment },
      state: {},
    }));
    // Written whole, then renamed: another test file may be reading it at the same moment.
    writeFileSync(`${cache}.${process.pid}`, JSON.stringify({ ...facts, functions: slim }));
    renameSync(`${cache}.${process.pid}`, cache);
  }
  return facts;
}

export interface WorldOptions {
  /** Another evaluation of the program (e.g. with warm rooms); default: the dev stack. */
  readonly program?: ReturnType<typeof runProgram>;
  /** Its maxRooms; default CONTRACT_MAX_ROOMS. */
  readonly maxRooms?: number;
}

export async function startLambdaWorld(options: WorldOptions = {}): Promise<LambdaWorld> {
  const { functions, ecsWorld } = await programFacts(options.program);
  const fn = (role: FunctionRole) => {
    const found = functions.find((f) => f.name === `godot-rooms-dev-${FUNCTIONS[role]}`);
    if (!found) throw new Error(`the dev stack has no ${FUNCTIONS[role]} function`);
    return found;
  };
  const tableName = fn("create").inputs.environment.variables[ENV_NAMES.tableName];
  const table = await startRoomsTable(tableName);
  const dynamo = await startDynamoProxy(table.endpoint);
  const ecs = await startEcsWorld(ecsWorld, PUBLIC_IP);
  const workDir = mkdtempSync(join(tmpdir(), "godot-rooms-contract-"));
  const served = new Map<string, ArchiveHost>();
  const lambda = await startFakeLambda(archiveInvoker(served));
  const envOf = (role: FunctionRole): Record<string, string> => {
    const variables: Record<string, string> = fn(role).inputs.environment.variables;
    if (variables[ENV_NAMES.maxRooms] !== undefined)
      expect(Number(variables[ENV_NAMES.maxRooms])).toBe(options.maxRooms ?? CONTRACT_MAX_ROOMS);
    return {
      ...variables,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpointFor(role),
      AWS_ENDPOINT_URL_ECS: ecs.endpointFor(role),
      AWS_ENDPOINT_URL_EC2: ecs.endpointFor(role),
      AWS_ENDPOINT_URL_LAMBDA: lambda.endpointFor(role),
    };
  };
  return {
    table,
    dynamo,
    ecs,
    store: new DynamoDbRoomStore(table.db, tableName),
    workDir,
    lambda,
    fn,
    serve(role, host) {
      served.set(fn(role).state.name ?? fn(role).name, host);
    },
    envOf,
    async close() {
      await lambda.close();
      await dynamo.close();
      await ecs.close();
      await table.close();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** The parts of a target that read and reset the world directly, whatever runs the code. */
export function worldAccess(world: LambdaWorld) {
  const tasksOf = (name: string) =>
    world.ecs.tasks.filter((task) => JSON.stringify(task.overrides).includes(`"value":"${name}"`));
  const eventOf = (name: string, lastStatus: string, stopped: boolean) => {
    // The newest such task: a name can be reused once its earlier room is gone.
    const task = tasksOf(name).findLast((t) => t.stopped === stopped);
    if (!task) throw new Error(`no ${stopped ? "stopped" : "running"} task for room ${name}`);
    const roomId = (task.startedBy ?? "").replace(/^room\//, "");
    return taskEvent({
      taskArn: task.taskArn,
      roomId,
      roomName: name,
      lastStatus,
      version: stopped ? 5 : 3,
      ...(stopped ? { stopCode: "UserInitiated" } : {}),
    });
  };
  return {
    rows: () => world.store.scanAll(),
    slotCount: () => world.store.slotCount(),
    async activeServers() {
      return world.ecs.active().map((task) => ({
        serverId: task.taskArn,
        roomId: (task.startedBy ?? "").replace(/^room\//, ""),
      }));
    },
    async reset() {
      world.ecs.reset();
      world.dynamo.faults.length = 0;
      const { Items } = await world.table.raw.send(
        new ScanCommand({ TableName: world.table.tableName }),
      );
      for (const item of Items ?? []) {
        await world.table.raw.send(
          new DeleteItemCommand({ TableName: world.table.tableName, Key: { pk: item.pk } }),
        );
      }
    },
    async seed(record: RoomRecord, options: { replace?: boolean } = {}) {
      if (options.replace) {
        await world.table.db.send(
          new PutCommand({ TableName: world.table.tableName, Item: toItem(record) }),
        );
        return;
      }
      await world.store.reserve(record);
      await world.store.acquireSlot(CONTRACT_MAX_ROOMS);
    },
    /** The ROOM_SECRET the room's server was started with (RunTask's container overrides). */
    secretOf(name: string): string {
      const task = tasksOf(name).findLast((t) => !t.stopped);
      const overrides = task?.overrides as
        | { containerOverrides: Array<{ environment: Array<{ name: string; value: string }> }> }
        | undefined;
      const secret = overrides?.containerOverrides[0].environment.find(
        (v) => v.name === "ROOM_SECRET",
      )?.value;
      if (!secret) throw new Error(`room ${name} has no running task with a ROOM_SECRET`);
      return secret;
    },
    /** The RUNNING event ECS sends for the room's running task. */
    runningEventOf: (name: string) => eventOf(name, "RUNNING", false),
    /** The STOPPED event ECS sends once the room's stopped task is gone. */
    stoppedEventOf: (name: string) => eventOf(name, "STOPPED", true),
    /** The calls each function made, by its name, as the IAM simulation reads them. */
    awsCalls(): Record<string, RecordedCall[]> {
      const byFunction: Record<string, RecordedCall[]> = {};
      const add = (caller: string, call: Omit<RecordedCall, "fn">) => {
        if (!(caller in FUNCTIONS)) return;
        const fn = world.fn(caller as FunctionRole).name;
        (byFunction[fn] ??= []).push({ fn, ...call });
      };
      for (const c of world.dynamo.calls) {
        const params = {
          ...(c.tableName ? { TableName: c.tableName } : {}),
          ...(c.indexName ? { IndexName: c.indexName } : {}),
        };
        add(c.caller, { service: "dynamodb", action: c.action, params, status: 200 });
      }
      for (const c of world.lambda.calls)
        add(c.caller, { service: "lambda", action: c.action, params: c.input, status: c.status });
      for (const c of world.ecs.calls) {
        add(c.caller, {
          service: c.service,
          action: c.action,
          params: c.input,
          status: c.status,
          ...(c.taskArns ? { taskArns: c.taskArns } : {}),
        });
      }
      return byFunction;
    },
    faults: {
      failNextRunTask(reason: string) {
        world.ecs.faults.runTaskFailure = reason;
      },
      throttleNextRunTask() {
        world.ecs.faults.runTaskThrottled = true;
      },
      failNextServerRecord() {
        world.dynamo.faults.push({
          action: "UpdateItem",
          when: (input) => input?.UpdateExpression === "SET serverId = :sid",
          status: 500,
          type: "InternalServerError",
        });
      },
      throttleNextSlot() {
        world.dynamo.faults.push({
          action: "UpdateItem",
          when: (input) =>
            input?.Key?.pk?.S === "meta#capacity" && input?.UpdateExpression === "ADD slots :one",
          status: 400,
          type: "ThrottlingException",
        });
      },
    } satisfies ContractTarget["faults"],
  };
}
