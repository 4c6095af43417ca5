import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  createServerFactory,
  getServersFactory,
  joinRoomFactory,
  roomHeartbeatFactory,
  stopServerFactory,
} from "../handlers/lambdas";
import type { FunctionPolicyArns } from "./policies";
import { RoomsFunction } from "./rooms-function";

export interface RoomsApiArgs {
  readonly environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  readonly policyArns: pulumi.Input<Omit<FunctionPolicyArns, "logGroupArn">>;
  readonly throttleRate: number;
  readonly throttleBurst: number;
  readonly corsOrigins: readonly string[];
  /** Days to keep function and access logs. Default: 14. */
  readonly logRetentionDays?: number;
  /** The stack keeps warm servers: create_server may look for one. Default: false. */
  readonly warmPool?: boolean;
}

/** The routes of the TetraForce contract, each its own function. */
export const ROOMS_ROUTES = [
  {
    routeKey: "POST /create_server",
    kind: "create_server",
    factory: createServerFactory,
    timeout: 15,
  },
  { routeKey: "GET /get_servers", kind: "get_servers", factory: getServersFactory, timeout: 10 },
  { routeKey: "POST /stop_server", kind: "stop_server", factory: stopServerFactory, timeout: 10 },
  // Room servers' heartbeats ("heartbeat", not "room_heartbeat", keeps role names within IAM's
  // 64 characters for the longest stack name config allows).
  {
    routeKey: "POST /room_heartbeat",
    kind: "heartbeat",
    factory: roomHeartbeatFactory,
    timeout: 10,
  },
  // Seats and tickets; quick play may also create a room, by invoking create_server (whose
  // 15 s it waits for: hence 20).
  { routeKey: "POST /join_room", kind: "join_room", factory: joinRoomFactory, timeout: 20 },
] as const;

/** The HTTP API (API Gateway v2): one Lambda proxy integration (payload 2.0) per route. */
export class RoomsApi extends pulumi.ComponentResource {
  public readonly url: pulumi.Output<string>;
  public readonly apiId: pulumi.Output<string>;
  public readonly functionNames: pulumi.Output<string>[];
  /** The stage the routes are served from. */
  public readonly stageName = "$default";
  public readonly routeKeys: readonly string[] = ROOMS_ROUTES.map((r) => r.routeKey);
  /** The JSON access log group (one line per request, with its route and status). */
  public readonly accessLogGroupName: pulumi.Output<string>;

  constructor(name: string, args: RoomsApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("godot-rooms:index:RoomsApi", name, {}, opts);
    const logRetentionDays = args.logRetentionDays ?? 14;
    if (args.throttleRate < 1 || args.throttleBurst < 1)
      throw new Error("throttleRate and throttleBurst must be at least 1.");
    const api = new aws.apigatewayv2.Api(
      name,
      {
        protocolType: "HTTP",
        corsConfiguration: {
          allowOrigins: [...args.corsOrigins],
          allowMethods: ["GET", "POST", "OPTIONS"],
          allowHeaders: ["content-type", "authorization"],
          // A browser hides every response header not listed here; an HTML5 client must see
          // Retry-After on a 503 to back off as told.
          exposeHeaders: ["retry-after"],
          maxAge: 3600,
        },
      },
      { parent: this },
    );
    const accessLogs = new aws.cloudwatch.LogGroup(
      `${name}-access`,
      { retentionInDays: logRetentionDays },
      { parent: this },
    );
    const functions: Partial<Record<(typeof ROOMS_ROUTES)[number]["kind"], RoomsFunction>> = {};
    const routes = ROOMS_ROUTES.map((route) => {
      const createServer = functions.create_server;
      const fn = new RoomsFunction(
        `${name}-${route.kind.replace("_", "-")}`,
        {
          kind: route.kind,
          factory: route.factory,
          environment: args.environment,
          policyArns: args.policyArns,
          logRetentionDays,
          timeout: route.timeout,
          warmPool: args.warmPool ?? false,
          ...(route.kind === "join_room" && createServer ? { invokes: createServer } : {}),
        },
        { parent: this },
      );
      functions[route.kind] = fn;
      const integration = new aws.apigatewayv2.Integration(
        `${name}-${route.kind}`,
        {
          apiId: api.id,
          integrationType: "AWS_PROXY",
          integrationUri: fn.functionArn,
          payloadFormatVersion: "2.0",
        },
        { parent: this },
      );
      const apiRoute = new aws.apigatewayv2.Route(
        `${name}-${route.kind}`,
        {
          apiId: api.id,
          routeKey: route.routeKey,
          target: pulumi.interpolate`integrations/${integration.id}`,
        },
        { parent: this },
      );
      const [method, path] = route.routeKey.split(" ");
      new aws.lambda.Permission(
        `${name}-${route.kind}`,
        {
          action: "lambda:InvokeFunction",
          function: fn.functionName,
          principal: "apigateway.amazonaws.com",
          sourceArn: pulumi.interpolate`${api.executionArn}/*/${method}${path}`,
        },
        { parent: this },
      );
      return { fn, apiRoute };
    });
    new aws.apigatewayv2.Stage(
      name,
      {
        apiId: api.id,
        name: this.stageName,
        autoDeploy: true,
        defaultRouteSettings: {
          throttlingRateLimit: args.throttleRate,
          throttlingBurstLimit: args.throttleBurst,
          // Route-level metrics (ApiId, Stage, Route), which the per-route alarms read.
          detailedMetricsEnabled: true,
        },
        accessLogSettings: {
          destinationArn: accessLogs.arn,
          format: JSON.stringify({
            requestId: "$context.requestId",
            apiId: "$context.apiId",
            ip: "$context.identity.sourceIp",
            routeKey: "$context.routeKey",
            status: "$context.status",
            latencyMs: "$context.responseLatency",
            integrationError: "$context.integrationErrorMessage",
          }),
        },
      },
      { parent: this, dependsOn: routes.map((r) => r.apiRoute) },
    );
    this.url = api.apiEndpoint;
    this.apiId = api.id;
    this.functionNames = routes.map((r) => r.fn.functionName);
    this.accessLogGroupName = accessLogs.name;
    this.registerOutputs({ url: this.url, apiId: this.apiId });
  }
}
