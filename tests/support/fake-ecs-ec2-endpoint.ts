import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type AwsRequestError,
  type EcsWorld,
  validateEc2Request,
  validateEcsRequest,
} from "./fake-ecs-ec2-validation";
import { parseJson, readBody } from "./http-body";

export interface RecordedAwsCall {
  readonly service: "ecs" | "ec2";
  readonly action: string;
  readonly body: unknown;
  /** The HTTP status the endpoint answered: 400 when ECS or EC2 would refuse the request. */
  readonly status: number;
  /** The type of the error returned, when it was refused. */
  readonly error?: string;
  /** For RunTask: the ARNs of the tasks it started (the resources ECS tags and authorises). */
  readonly taskArns?: readonly string[];
}

export interface FakeEcsEc2Options {
  /** What exists in the account: unknown clusters and task definitions are then refused. */
  readonly world?: EcsWorld;
  /** Called with each call as it is answered (several endpoints can share one recorder). */
  readonly onCall?: (call: RecordedAwsCall) => void;
  /** Makes RunTask answer with this failure reason instead of a task (e.g. "RESOURCE:CPU"). */
  runTaskFailure?: string;
  /**
   * The tasks of the account, by ARN, when endpoints should share one fleet: RunTask adds to it,
   * StopTask removes from it, and ListTasks and DescribeTasks answer from it.
   */
  readonly fleet?: Map<string, FakeTask>;
  /** Runs before RunTask answers: a test's chance to change the world meanwhile. */
  beforeRunTask?: () => Promise<void>;
}

export interface FakeTask {
  readonly clusterArn: string;
  readonly family: string;
  readonly startedBy?: string;
  readonly overrides?: unknown;
}

const ECS_TARGET = "AmazonEC2ContainerServiceV20141113.";

/**
 * A small ECS + EC2 endpoint on 127.0.0.1, for the real SDK inside a serialized Lambda
 * (through AWS_ENDPOINT_URL_ECS / _EC2). It validates each request as the ECS and EC2 API
 * references document them (see fake-ecs-ec2-validation.ts) and answers a refused one with the
 * 400 error AWS would send; it records every call. It answers RunTask (with `taskArn` when given,
 * else a new task ARN in the request's cluster), StopTask, DescribeNetworkInterfaces (`publicIp`),
 * and DescribeTasks and ListTasks as a fleet with no tasks of ours would.
 */
export async function startFakeEcsEc2(
  taskArn?: string,
  publicIp = "203.0.113.10",
  options: FakeEcsEc2Options = {},
) {
  const calls: RecordedAwsCall[] = [];
  const record = (call: RecordedAwsCall) => {
    calls.push(call);
    options.onCall?.(call);
  };
  const answer = (request: IncomingMessage, response: ServerResponse, body: string) => {
    const target = request.headers["x-amz-target"];
    if (typeof target === "string" && target.startsWith(ECS_TARGET)) {
      const action = target.slice(ECS_TARGET.length);
      return answerEcs(action, parseJson(body), response, { ...options, taskArn }, record);
    }
    const params = Object.fromEntries(new URLSearchParams(body));
    return answerEc2(params, response, publicIp, record);
  };
  const server: Server = createServer(
    (request, response) => void readBody(request).then((body) => answer(request, response, body)),
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    options,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function answerEcs(
  action: string,
  input: any,
  response: ServerResponse,
  options: FakeEcsEc2Options & { taskArn?: string },
  record: (call: RecordedAwsCall) => void,
) {
  response.setHeader("content-type", "application/x-amz-json-1.1");
  const refused: AwsRequestError | undefined =
    input === undefined
      ? { type: "SerializationException", message: "The request body is not JSON." }
      : KNOWN_ECS_ACTIONS.has(action)
        ? validateEcsRequest(action, input, options.world)
        : { type: "UnknownOperationException", message: `${action} is not served by this fake.` };
  if (refused) {
    record({ service: "ecs", action, body: input, status: 400, error: refused.type });
    response.statusCode = 400;
    return response.end(JSON.stringify({ __type: refused.type, message: refused.message }));
  }
  const taskArns =
    action === "RunTask" && !options.runTaskFailure
      ? Array.from({ length: input.count ?? 1 }, () => options.taskArn ?? newTaskArn(input))
      : undefined;
  record({ service: "ecs", action, body: input, status: 200, ...(taskArns ? { taskArns } : {}) });
  const before = action === "RunTask" ? options.beforeRunTask?.() : undefined;
  void Promise.resolve(before).then(() => {
    updateFleet(action, input, taskArns, options.fleet);
    response.end(
      JSON.stringify(ecsResult(action, input, taskArns, options.runTaskFailure, options.fleet)),
    );
  });
}

function updateFleet(
  action: string,
  input: any,
  taskArns?: string[],
  fleet?: Map<string, FakeTask>,
) {
  if (!fleet) return;
  if (action === "StopTask") fleet.delete(input.task);
  for (const arn of taskArns ?? []) {
    fleet.set(arn, {
      clusterArn: arn.replace(":task/", ":cluster/").replace(/\/[^/]+$/, ""),
      family: String(input.taskDefinition)
        .replace(/^.*task-definition\//, "")
        .replace(/:\d+$/, ""),
      startedBy: input.startedBy,
      overrides: input.overrides,
    });
  }
}

const KNOWN_ECS_ACTIONS = new Set(["RunTask", "StopTask", "ListTasks", "DescribeTasks"]);

function ecsResult(
  action: string,
  input: any,
  taskArns?: string[],
  failure?: string,
  fleet?: Map<string, FakeTask>,
) {
  switch (action) {
    case "RunTask":
      return failure
        ? { tasks: [], failures: [{ reason: failure }] }
        : {
            tasks: (taskArns ?? []).map((arn) => ({
              taskArn: arn,
              lastStatus: "PROVISIONING",
              desiredStatus: "RUNNING",
              startedBy: input.startedBy,
              overrides: input.overrides ?? {},
            })),
            failures: [],
          };
    case "StopTask":
      return { task: { taskArn: input.task, desiredStatus: "STOPPED" } };
    case "ListTasks":
      return { taskArns: listedTasks(input, fleet) };
    default:
      return { tasks: describedTasks(input.tasks, fleet), failures: [] };
  }
}

/** A task ARN in the request's cluster, in the long ARN format ECS uses since 2018. */
function newTaskArn(input: { cluster?: string }): string {
  const cluster = input.cluster ?? "default";
  const clusterArn = cluster.startsWith("arn:")
    ? cluster
    : `arn:aws:ecs:us-east-1:111122223333:cluster/${cluster}`;
  return `${clusterArn.replace(":cluster/", ":task/")}/${randomBytes(16).toString("hex")}`;
}

function answerEc2(
  params: Record<string, string>,
  response: ServerResponse,
  publicIp: string,
  record: (call: RecordedAwsCall) => void,
) {
  const action = params.Action;
  response.setHeader("content-type", "text/xml");
  const refused =
    validateEc2Request(params) ??
    (action === "DescribeNetworkInterfaces"
      ? undefined
      : { type: "InvalidAction", message: `${action} is not served by this fake.` });
  record({
    service: "ec2",
    action,
    body: params,
    status: refused ? 400 : 200,
    ...(refused ? { error: refused.type } : {}),
  });
  if (refused) {
    response.statusCode = 400;
    return response.end(
      `<Response><Errors><Error><Code>${refused.type}</Code><Message>${escapeXml(refused.message)}</Message></Error></Errors><RequestID>r</RequestID></Response>`,
    );
  }
  response.end(
    `<DescribeNetworkInterfacesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>` +
      `<networkInterfaceSet><item><networkInterfaceId>${params["NetworkInterfaceId.1"]}</networkInterfaceId>` +
      `<association><publicIp>${publicIp}</publicIp></association></item></networkInterfaceSet>` +
      `</DescribeNetworkInterfacesResponse>`,
  );
}

const escapeXml = (text: string) => text.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The fleet's running tasks in the request's cluster (and family); none without a fleet. */
function listedTasks(input: any, fleet?: Map<string, FakeTask>): string[] {
  if (!fleet || input.desiredStatus === "STOPPED") return [];
  return [...fleet.entries()]
    .filter(([, task]) => !input.cluster || sameClusterAs(task.clusterArn, input.cluster))
    .filter(([, task]) => !input.family || task.family === input.family)
    .map(([arn]) => arn);
}

const sameClusterAs = (clusterArn: string, cluster: string) =>
  clusterArn === cluster || clusterArn.endsWith(`:cluster/${cluster}`);

/** Each task asked for, RUNNING with an attached ENI (`eni-` and 17 hex digits, as EC2 names them). */
function describedTasks(taskArns: string[], fleet?: Map<string, FakeTask>) {
  return taskArns.map((arn, i) => ({
    taskArn: arn,
    ...(fleet?.get(arn)
      ? { startedBy: fleet.get(arn)!.startedBy, overrides: fleet.get(arn)!.overrides }
      : {}),
    lastStatus: "RUNNING",
    attachments: [
      {
        type: "ElasticNetworkInterface",
        status: "ATTACHED",
        details: [{ name: "networkInterfaceId", value: `eni-${i.toString(16).padStart(17, "0")}` }],
      },
    ],
  }));
}
