import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { ROOMS_TABLE_SCHEMA } from "../../common/rooms-table-schema";
import type { ArchiveHost } from "./archive-host";
import { type FakeTask, type RecordedAwsCall, startFakeEcsEc2 } from "./fake-ecs-ec2-endpoint";
import { archiveInvoker, startFakeLambda } from "./fake-lambda-endpoint";
import type { EcsWorld } from "./fake-ecs-ec2-validation";

/** One AWS API call a function made, as the service received it. */
export interface RecordedCall {
  /** The function that made it (the name given to `endpointsFor`). */
  readonly fn: string;
  readonly service: "dynamodb" | "ecs" | "ec2" | "lambda";
  readonly action: string;
  /**
   * ECS/EC2: the full request. DynamoDB: TableName, IndexName, and the partition key values of
   * the items it names (what `dynamodb:LeadingKeys` holds).
   */
  readonly params: Record<string, any>;
  readonly status: number;
  /** RunTask: the tasks it started. */
  readonly taskArns?: readonly string[];
}

export interface AwsCallRecorderOptions {
  /** The real DynamoDB API (dynalite) that recorded DynamoDB calls are forwarded to. */
  readonly dynamodbEndpoint: string;
  readonly world?: EcsWorld;
  /** The public IP the EC2 endpoint gives every ENI. */
  readonly publicIp?: string;
}

/**
 * Records every AWS call of every function. Each function gets its own endpoints (its own ports),
 * so a call is attributed by where it arrived, not by anything the caller says: a DynamoDB proxy
 * in front of dynalite, and its own validating ECS/EC2 endpoint (fake-ecs-ec2-endpoint.ts).
 */
export async function startAwsCallRecorder(options: AwsCallRecorderOptions) {
  const calls: RecordedCall[] = [];
  const endpoints = new Map<string, Promise<Record<string, string>>>();
  const closers: (() => Promise<void>)[] = [];
  const fakes: Awaited<ReturnType<typeof startFakeEcsEc2>>[] = [];
  let runTaskFailure: string | undefined;
  /** One fleet for all functions: a task create_server starts is one the reconciler lists. */
  const fleet = new Map<string, FakeTask>();
  const hooks: { beforeRunTask?: () => Promise<void> } = {};
  /** Functions other functions may invoke, by function name: their archive hosts. */
  const served = new Map<string, ArchiveHost>();
  const lambda = await startFakeLambda(archiveInvoker(served), (c) =>
    calls.push({
      fn: c.caller,
      service: "lambda",
      action: c.action,
      params: c.input,
      status: c.status,
    }),
  );
  closers.push(lambda.close);

  async function open(fn: string): Promise<Record<string, string>> {
    const fake = await startFakeEcsEc2(undefined, options.publicIp, {
      world: options.world,
      runTaskFailure,
      fleet,
      beforeRunTask: () => hooks.beforeRunTask?.() ?? Promise.resolve(),
      onCall: (call: RecordedAwsCall) =>
        calls.push({
          fn,
          service: call.service,
          action: call.action,
          params: call.body as Record<string, any>,
          status: call.status,
          ...(call.taskArns ? { taskArns: call.taskArns } : {}),
        }),
    });
    fakes.push(fake);
    const proxy = await startDynamoDbProxy(options.dynamodbEndpoint, (call) =>
      calls.push({ fn, service: "dynamodb", ...call }),
    );
    closers.push(fake.close, proxy.close);
    return {
      AWS_ENDPOINT_URL_DYNAMODB: proxy.endpoint,
      AWS_ENDPOINT_URL_ECS: fake.endpoint,
      AWS_ENDPOINT_URL_EC2: fake.endpoint,
      AWS_ENDPOINT_URL_LAMBDA: lambda.endpointFor(fn),
    };
  }

  return {
    calls,
    /** The AWS_ENDPOINT_URL_* variables for one function: put them in its environment. */
    endpointsFor(fn: string): Promise<Record<string, string>> {
      if (!endpoints.has(fn)) endpoints.set(fn, open(fn));
      return endpoints.get(fn)!;
    },
    /** Makes every RunTask fail with this reason (e.g. "RESOURCE:CPU"); undefined to stop. */
    failRunTask(reason: string | undefined) {
      runTaskFailure = reason;
      for (const fake of fakes) fake.options.runTaskFailure = reason;
    },
    /** The tasks running now, by ARN. */
    fleet,
    /** Runs before each RunTask answers (to change the world meanwhile); undefined to stop. */
    beforeRunTask(hook: (() => Promise<void>) | undefined) {
      hooks.beforeRunTask = hook;
    },
    /** Lets other functions invoke this function (its Lambda name), running its archive. */
    serve(functionName: string, host: ArchiveHost) {
      served.set(functionName, host);
    },
    byFunction(): Record<string, RecordedCall[]> {
      const grouped: Record<string, RecordedCall[]> = {};
      for (const call of calls) (grouped[call.fn] ??= []).push(call);
      return grouped;
    },
    async close() {
      await Promise.all(closers.map((close) => close()));
    },
  };
}

type DynamoDbCall = Pick<RecordedCall, "action" | "params" | "status">;

/** Forwards each request unchanged to dynalite, and records what it asked for. */
async function startDynamoDbProxy(target: string, record: (call: DynamoDbCall) => void) {
  const upstream = new URL(target);
  const server: Server = createServer((request, response) => {
    void readBody(request).then((body) => {
      const action = String(request.headers["x-amz-target"] ?? "").split(".")[1] ?? "";
      const forwarded = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: request.method,
          path: request.url,
          headers: { ...request.headers, host: upstream.host },
        },
        (answer) => {
          record({ action, params: dynamoDbParams(body), status: answer.statusCode ?? 0 });
          response.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(response);
        },
      );
      forwarded.on("error", () => {
        response.statusCode = 502;
        response.end();
      });
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function dynamoDbParams(body: Buffer): Record<string, any> {
  let input: Record<string, any>;
  try {
    input = JSON.parse(body.toString("utf8"));
  } catch {
    return {};
  }
  const hashKey = ROOMS_TABLE_SCHEMA.hashKey;
  const key = input.Key?.[hashKey] ?? input.Item?.[hashKey];
  const leadingKey = key && (key.S ?? key.N);
  return {
    TableName: input.TableName,
    ...(input.IndexName ? { IndexName: input.IndexName } : {}),
    ...(leadingKey ? { LeadingKeys: [leadingKey] } : {}),
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
  });
}
