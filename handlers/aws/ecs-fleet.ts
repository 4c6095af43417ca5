import {
  DescribeTasksCommand,
  type ECSClient,
  ListTasksCommand,
  RunTaskCommand,
  StopTaskCommand,
  type Task,
} from "@aws-sdk/client-ecs";
import {
  ROOM_NAME_ENV,
  ROOM_SERVER_ENV,
  STARTED_BY_PREFIX,
  roomIdFromStartedBy,
} from "../../common/env-names";
import type { Fleet, FleetServer, ServerAddress, ServerStart } from "../ports";
import { fleetCapacity } from "../rooms/errors";
import { awsRequest } from "./transient-errors";

export interface EcsFleetSettings {
  readonly clusterArn: string;
  readonly taskDefinitionArn: string;
  readonly taskFamily: string;
  readonly containerName: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupId: string;
  readonly capacityProvider: "FARGATE" | "FARGATE_SPOT";
  readonly gamePort: number;
  /** ROOM_HEARTBEAT_SECONDS for the servers. */
  readonly heartbeatSeconds: number;
  /** ROOM_REQUIRE_TICKETS=1 for the servers: they admit ticket holders only. */
  readonly requireTickets?: boolean;
}

/** RunTask failure reasons that mean "no capacity now", not "misconfigured". */
const CAPACITY_FAILURE = /capacity|RESOURCE:|limit/i;
const DESCRIBE_BATCH = 100;

/** Looks up the address players join for a running task; see eni-address-resolver.ts. */
export type AddressResolver = (change: {
  networkInterfaceId?: string;
}) => Promise<ServerAddress | undefined>;

/**
 * Starting and stopping game servers as Fargate tasks: all that create_server, stop_server and
 * the warm pool need. Listing them (the reconciler) is EcsFleet's, so that their archives do not
 * carry it (an archive holds every method of each class it uses). Public IPs come from EC2, through a separate resolver, so that a
 * function that only starts or stops tasks never loads the EC2 client, and the task-events
 * function never loads ECS.
 */
export class EcsRoomTasks implements Omit<Fleet, "listActive" | "resolveAddress"> {
  // Every ECS call is wrapped in awsRequest: AWS busy or unreachable becomes the core's
  // "unavailable". (Not a wrapper field: Pulumi's serializer drops class field initialisers.)
  constructor(
    protected readonly settings: EcsFleetSettings,
    protected readonly ecs: ECSClient,
  ) {}

  /**
   * RunTask for one room. The room id is the `clientToken`: one reservation, one task, so an SDK
   * retry cannot start a second one. ROOM_SECRET is repeated in every task state change event
   * and in DescribeTasks: it is a one-time bootstrap, exchanged for the room key by the first
   * heartbeat.
   */
  async start(request: ServerStart): Promise<string> {
    const { settings } = this;
    const result = await awsRequest(
      this.ecs.send(
        new RunTaskCommand({
          cluster: settings.clusterArn,
          taskDefinition: settings.taskDefinitionArn,
          count: 1,
          capacityProviderStrategy: [{ capacityProvider: settings.capacityProvider, weight: 1 }],
          networkConfiguration: {
            awsvpcConfiguration: {
              subnets: [...settings.subnetIds],
              securityGroups: [settings.securityGroupId],
              assignPublicIp: "ENABLED",
            },
          },
          startedBy: `${STARTED_BY_PREFIX}${request.roomId}`,
          clientToken: request.roomId,
          overrides: {
            containerOverrides: [
              {
                name: settings.containerName,
                environment: [
                  { name: ROOM_NAME_ENV, value: request.name },
                  { name: ROOM_SERVER_ENV.secret, value: request.secret },
                  {
                    name: ROOM_SERVER_ENV.heartbeatSeconds,
                    value: String(settings.heartbeatSeconds),
                  },
                  ...(request.apiUrl
                    ? [{ name: ROOM_SERVER_ENV.apiUrl, value: request.apiUrl }]
                    : []),
                  ...(request.warm ? [{ name: ROOM_SERVER_ENV.warm, value: "1" }] : []),
                  ...(settings.requireTickets
                    ? [{ name: ROOM_SERVER_ENV.requireTickets, value: "1" }]
                    : []),
                ],
              },
            ],
          },
        }),
      ),
    );
    const taskArn = result.tasks?.[0]?.taskArn;
    if (taskArn) return taskArn;
    const reason =
      result.failures?.map((f) => f.reason ?? "unknown").join("; ") || "no task returned";
    if (CAPACITY_FAILURE.test(reason)) throw fleetCapacity(`RunTask: ${reason}`);
    throw new Error(`RunTask failed: ${reason}`);
  }

  async stop(serverId: string, reason: string): Promise<void> {
    await awsRequest(
      this.ecs.send(
        new StopTaskCommand({
          cluster: this.settings.clusterArn,
          task: serverId,
          reason: reason.slice(0, 255),
        }),
      ),
    );
  }
}

/**
 * The whole fleet: starting and stopping, listing our running tasks (the reconciler), and public
 * IPs through the resolver it is given.
 */
export class EcsFleet extends EcsRoomTasks implements Fleet {
  // Written out: Pulumi's serializer turns an implicit derived constructor into
  // `super.call(this)`, which drops the arguments (docs/room-core.md).
  constructor(
    settings: EcsFleetSettings,
    ecs: ECSClient,
    private readonly resolver?: AddressResolver,
  ) {
    super(settings, ecs);
  }

  async resolveAddress(change: {
    networkInterfaceId?: string;
  }): Promise<ServerAddress | undefined> {
    if (!this.resolver) throw new Error("EcsFleet was built without an address resolver");
    return this.resolver(change);
  }

  async listActive(): Promise<FleetServer[]> {
    const taskArns: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await awsRequest(
        this.ecs.send(
          new ListTasksCommand({
            cluster: this.settings.clusterArn,
            family: this.settings.taskFamily,
            desiredStatus: "RUNNING",
            ...(nextToken ? { nextToken } : {}),
          }),
        ),
      );
      taskArns.push(...(page.taskArns ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    const servers: FleetServer[] = [];
    for (let i = 0; i < taskArns.length; i += DESCRIBE_BATCH) {
      const { tasks } = await awsRequest(
        this.ecs.send(
          new DescribeTasksCommand({
            cluster: this.settings.clusterArn,
            tasks: taskArns.slice(i, i + DESCRIBE_BATCH),
          }),
        ),
      );
      servers.push(...(tasks ?? []).flatMap(toFleetServer));
    }
    return servers;
  }
}

function toFleetServer(task: Task): FleetServer[] {
  const roomId = roomIdFromStartedBy(task.startedBy);
  if (!task.taskArn || !roomId) return [];
  const name = task.overrides?.containerOverrides
    ?.flatMap((c) => c.environment ?? [])
    .find((variable) => variable.name === ROOM_NAME_ENV)?.value;
  return [
    {
      serverId: task.taskArn,
      roomId,
      ...(name ? { name } : {}),
    },
  ];
}
