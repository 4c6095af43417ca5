import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type AwsRequestError,
  type EcsWorld,
  validateEc2Request,
  validateEcsRequest,
} from "../../support/fake-ecs-ec2-validation";
import { parseJson, readBody } from "../../support/http-body";

/** A task of the fake account, as ECS would keep it. */
export interface WorldTask {
  readonly taskArn: string;
  readonly startedBy?: string;
  readonly overrides: unknown;
  readonly eni: string;
  stopped: boolean;
}

/** One call a function made, with the requester (the function's own endpoint path). */
export interface WorldCall {
  readonly caller: string;
  readonly service: "ecs" | "ec2";
  readonly action: string;
  readonly input: any;
  readonly status: number;
  readonly taskArns?: readonly string[];
}

const ECS_TARGET = "AmazonEC2ContainerServiceV20141113.";

/**
 * A stateful ECS + EC2 endpoint on 127.0.0.1 for the archives target: RunTask starts a task that
 * ListTasks and DescribeTasks then report until StopTask, so the reconciler sees a real fleet.
 * Every request is checked against ECS's and EC2's documented rules first
 * (fake-ecs-ec2-validation.ts) and refused with AWS's 400 when it breaks one. Each function gets
 * its own base URL (`/fn/<name>`), so every recorded call names the function that made it.
 * Faults are armed by the test: the next RunTask fails with a reason, or is throttled.
 */
export async function startEcsWorld(world: EcsWorld, publicIp: string) {
  const tasks: WorldTask[] = [];
  const calls: WorldCall[] = [];
  const faults: { runTaskFailure?: string; runTaskThrottled?: boolean } = {};
  const server: Server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const caller = /^\/fn\/([^/]+)/.exec(request.url ?? "")?.[1] ?? "unknown";
      const target = request.headers["x-amz-target"];
      const answer =
        typeof target === "string" && target.startsWith(ECS_TARGET)
          ? ecs(caller, target.slice(ECS_TARGET.length), body)
          : ec2(caller, Object.fromEntries(new URLSearchParams(body)));
      response.writeHead(answer.status, { "content-type": answer.type }).end(answer.body);
    });
  });

  function ecs(caller: string, action: string, body: string) {
    const input = parseJson(body);
    const refused = validateEcsRequest(action, input, world);
    if (refused) return ecsError(caller, action, input, 400, refused);
    if (action === "RunTask" && faults.runTaskThrottled) {
      faults.runTaskThrottled = false;
      return ecsError(caller, action, input, 400, {
        type: "ThrottlingException",
        message: "Rate exceeded",
      });
    }
    let result: unknown;
    let taskArns: string[] | undefined;
    if (action === "RunTask" && faults.runTaskFailure) {
      result = { tasks: [], failures: [{ reason: faults.runTaskFailure }] };
      faults.runTaskFailure = undefined;
    } else if (action === "RunTask") {
      const task = newTask(input);
      tasks.push(task);
      taskArns = [task.taskArn];
      result = { tasks: [describe(task)], failures: [] };
    } else if (action === "StopTask") {
      const task = tasks.find((t) => t.taskArn === input.task);
      if (task) task.stopped = true;
      result = { task: task ? describe(task) : { taskArn: input.task, lastStatus: "STOPPED" } };
    } else if (action === "ListTasks") {
      result = { taskArns: tasks.filter((t) => !t.stopped).map((t) => t.taskArn) };
    } else {
      const wanted = new Set<string>(input.tasks);
      result = { tasks: tasks.filter((t) => wanted.has(t.taskArn)).map(describe), failures: [] };
    }
    calls.push({
      caller,
      service: "ecs",
      action,
      input,
      status: 200,
      ...(taskArns ? { taskArns } : {}),
    });
    return { status: 200, type: "application/x-amz-json-1.1", body: JSON.stringify(result) };
  }

  function ecsError(
    caller: string,
    action: string,
    input: any,
    status: number,
    e: AwsRequestError,
  ) {
    calls.push({ caller, service: "ecs", action, input, status });
    return {
      status,
      type: "application/x-amz-json-1.1",
      body: JSON.stringify({ __type: e.type, message: e.message }),
    };
  }

  function ec2(caller: string, params: Record<string, string>) {
    const refused =
      validateEc2Request(params) ??
      (params.Action === "DescribeNetworkInterfaces"
        ? undefined
        : { type: "InvalidAction", message: `${params.Action} is not served here.` });
    calls.push({
      caller,
      service: "ec2",
      action: params.Action,
      input: params,
      status: refused ? 400 : 200,
    });
    if (refused) {
      return {
        status: 400,
        type: "text/xml",
        body: `<Response><Errors><Error><Code>${refused.type}</Code><Message>refused</Message></Error></Errors><RequestID>r</RequestID></Response>`,
      };
    }
    const eni = params["NetworkInterfaceId.1"];
    return {
      status: 200,
      type: "text/xml",
      body:
        `<DescribeNetworkInterfacesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId>` +
        `<networkInterfaceSet><item><networkInterfaceId>${eni}</networkInterfaceId>` +
        `<association><publicIp>${publicIp}</publicIp></association></item></networkInterfaceSet>` +
        `</DescribeNetworkInterfacesResponse>`,
    };
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    /** The endpoint URL to give one function: its calls are recorded under `caller`. */
    endpointFor: (caller: string) => `${base}/fn/${caller}`,
    tasks,
    calls,
    faults,
    active: () => tasks.filter((t) => !t.stopped),
    reset() {
      tasks.length = 0;
      faults.runTaskFailure = undefined;
      faults.runTaskThrottled = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type EcsWorldServer = Awaited<ReturnType<typeof startEcsWorld>>;

function newTask(input: any): WorldTask {
  const cluster: string = input.cluster;
  return {
    taskArn: `${cluster.replace(":cluster/", ":task/")}/${randomBytes(16).toString("hex")}`,
    startedBy: input.startedBy,
    overrides: input.overrides ?? {},
    eni: `eni-${randomBytes(9).toString("hex").slice(0, 17)}`,
    stopped: false,
  };
}

function describe(task: WorldTask) {
  return {
    taskArn: task.taskArn,
    lastStatus: task.stopped ? "STOPPED" : "RUNNING",
    desiredStatus: task.stopped ? "STOPPED" : "RUNNING",
    startedBy: task.startedBy,
    overrides: task.overrides,
    attachments: [
      {
        type: "ElasticNetworkInterface",
        status: "ATTACHED",
        details: [{ name: "networkInterfaceId", value: task.eni }],
      },
    ],
  };
}
