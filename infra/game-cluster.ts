import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { GameProtocol } from "../common/game-server";
import { buildGameContainerDefinitions } from "./container-definition";
import { assumeRolePolicy, buildTaskExecutionPolicy } from "./policies";

export interface GameClusterArgs {
  readonly vpcId: pulumi.Input<string>;
  readonly image: pulumi.Input<string>;
  readonly repositoryArn: pulumi.Input<string>;
  readonly gamePort: number;
  readonly gameProtocol: GameProtocol;
  readonly emptyServerTimeoutSeconds: number;
  /** Default task. Heartbeat rooms drain on SIGTERM. */
  readonly serverReadiness?: "task" | "heartbeat";
  readonly cpu: number;
  readonly memory: number;
  /** Days to keep game server logs. Default: 14. */
  readonly logRetentionDays?: number;
}

/** Where rooms run: the cluster, the room task definition, its roles, logs and security group. */
export class GameCluster extends pulumi.ComponentResource {
  public readonly clusterName: pulumi.Output<string>;
  public readonly clusterArn: pulumi.Output<string>;
  public readonly taskDefinitionArn: pulumi.Output<string>;
  public readonly taskFamily: pulumi.Output<string>;
  public readonly securityGroupId: pulumi.Output<string>;
  public readonly executionRoleArn: pulumi.Output<string>;
  public readonly taskRoleArn: pulumi.Output<string>;

  constructor(name: string, args: GameClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("godot-rooms:index:GameCluster", name, {}, opts);
    const logRetentionDays = args.logRetentionDays ?? 14;
    if (!Number.isInteger(args.gamePort) || args.gamePort < 1 || args.gamePort > 65535) {
      throw new Error(`gamePort must be from 1 to 65535; got ${args.gamePort}.`);
    }
    const cluster = new aws.ecs.Cluster(
      name,
      { settings: [{ name: "containerInsights", value: "disabled" }] },
      { parent: this },
    );
    new aws.ecs.ClusterCapacityProviders(
      name,
      { clusterName: cluster.name, capacityProviders: ["FARGATE", "FARGATE_SPOT"] },
      { parent: this },
    );
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-rooms`,
      { retentionInDays: logRetentionDays },
      { parent: this },
    );
    const securityGroup = new aws.ec2.SecurityGroup(
      `${name}-rooms`,
      {
        vpcId: args.vpcId,
        description: `Game rooms: ${args.gameProtocol.toUpperCase()} ${args.gamePort} from anywhere, nothing else`,
        ingress: [
          {
            description: "game port",
            protocol: args.gameProtocol,
            fromPort: args.gamePort,
            toPort: args.gamePort,
            cidrBlocks: ["0.0.0.0/0"],
            ipv6CidrBlocks: ["::/0"],
          },
        ],
        egress: [
          {
            description: "all out",
            protocol: "-1",
            fromPort: 0,
            toPort: 0,
            cidrBlocks: ["0.0.0.0/0"],
            ipv6CidrBlocks: ["::/0"],
          },
        ],
      },
      { parent: this },
    );
    const executionRole = new aws.iam.Role(
      `${name}-execution-role`,
      { assumeRolePolicy: JSON.stringify(assumeRolePolicy("ecs-tasks.amazonaws.com")) },
      { parent: this },
    );
    new aws.iam.RolePolicy(
      `${name}-execution-policy`,
      {
        role: executionRole.id,
        policy: pulumi
          .all([args.repositoryArn, logGroup.arn])
          .apply(([repositoryArn, logGroupArn]) =>
            JSON.stringify(buildTaskExecutionPolicy({ repositoryArn, logGroupArn })),
          ),
      },
      { parent: this },
    );
    // The game server calls no AWS API: its task role has no policy at all.
    const taskRole = new aws.iam.Role(
      `${name}-task-role`,
      { assumeRolePolicy: JSON.stringify(assumeRolePolicy("ecs-tasks.amazonaws.com")) },
      { parent: this },
    );
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const taskDefinition = new aws.ecs.TaskDefinition(
      `${name}-room`,
      {
        family: pulumi.interpolate`${cluster.name}-room`,
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        cpu: String(args.cpu),
        memory: String(args.memory),
        runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" },
        executionRoleArn: executionRole.arn,
        taskRoleArn: taskRole.arn,
        containerDefinitions: pulumi
          .all([args.image, logGroup.name, region])
          .apply(([image, logGroupName, regionName]) =>
            JSON.stringify(
              buildGameContainerDefinitions({
                image,
                gamePort: args.gamePort,
                gameProtocol: args.gameProtocol,
                emptyServerTimeoutSeconds: args.emptyServerTimeoutSeconds,
                serverReadiness: args.serverReadiness,
                logGroupName,
                region: regionName,
              }),
            ),
          ),
      },
      { parent: this },
    );
    this.clusterName = cluster.name;
    this.clusterArn = cluster.arn;
    this.taskDefinitionArn = taskDefinition.arn;
    this.taskFamily = taskDefinition.family;
    this.securityGroupId = securityGroup.id;
    this.executionRoleArn = executionRole.arn;
    this.taskRoleArn = taskRole.arn;
    this.registerOutputs({
      clusterName: this.clusterName,
      clusterArn: this.clusterArn,
      taskDefinitionArn: this.taskDefinitionArn,
      securityGroupId: this.securityGroupId,
    });
  }
}
