import * as pulumi from "@pulumi/pulumi";
import { ENV_NAMES } from "../common/env-names";

export interface RoomsEnvironmentValues {
  readonly stackName: string;
  readonly tableName: pulumi.Input<string>;
  readonly maxRooms: number;
  readonly gamePort: number;
  readonly stuckAfterSeconds: number;
  readonly clusterArn: pulumi.Input<string>;
  readonly taskDefinitionArn: pulumi.Input<string>;
  readonly taskFamily: pulumi.Input<string>;
  readonly containerName: string;
  readonly subnetIds: pulumi.Input<string[]>;
  readonly securityGroupId: pulumi.Input<string>;
  readonly capacityProvider: "FARGATE" | "FARGATE_SPOT";
  readonly serverReadiness: "task" | "heartbeat";
  readonly heartbeatSeconds: number;
  readonly readyTimeoutSeconds: number;
  readonly heartbeatTimeoutSeconds: number;
  readonly gameProtocol: "udp" | "tcp";
  readonly warmRooms: number;
  readonly warmVersion?: string;
  readonly requireTickets: boolean;
  readonly createsPerClientPerMinute: number;
  readonly roomsPerClient: number;
}

/** The functions' environment, under the names handlers/settings.ts reads. */
export function roomsEnvironment(
  values: RoomsEnvironmentValues,
): Record<string, pulumi.Input<string>> {
  return {
    [ENV_NAMES.tableName]: values.tableName,
    [ENV_NAMES.stackName]: values.stackName,
    [ENV_NAMES.maxRooms]: String(values.maxRooms),
    [ENV_NAMES.gamePort]: String(values.gamePort),
    [ENV_NAMES.stuckAfterSeconds]: String(values.stuckAfterSeconds),
    [ENV_NAMES.clusterArn]: values.clusterArn,
    [ENV_NAMES.taskDefinitionArn]: values.taskDefinitionArn,
    [ENV_NAMES.taskFamily]: values.taskFamily,
    [ENV_NAMES.containerName]: values.containerName,
    [ENV_NAMES.subnetIds]: pulumi.output(values.subnetIds).apply((ids) => ids.join(",")),
    [ENV_NAMES.securityGroupId]: values.securityGroupId,
    [ENV_NAMES.capacityProvider]: values.capacityProvider,
    [ENV_NAMES.serverReadiness]: values.serverReadiness,
    [ENV_NAMES.heartbeatSeconds]: String(values.heartbeatSeconds),
    [ENV_NAMES.readyTimeoutSeconds]: String(values.readyTimeoutSeconds),
    [ENV_NAMES.heartbeatTimeoutSeconds]: String(values.heartbeatTimeoutSeconds),
    [ENV_NAMES.gameProtocol]: values.gameProtocol,
    [ENV_NAMES.warmRooms]: String(values.warmRooms),
    [ENV_NAMES.requireTickets]: String(values.requireTickets),
    [ENV_NAMES.createsPerClientPerMinute]: String(values.createsPerClientPerMinute),
    [ENV_NAMES.roomsPerClient]: String(values.roomsPerClient),
    ...(values.warmVersion ? { [ENV_NAMES.warmVersion]: values.warmVersion } : {}),
  };
}
