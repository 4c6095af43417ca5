import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  assumeRolePolicy,
  buildFunctionPolicy,
  type FunctionPolicyArns,
  type RoomsFunction as FunctionKind,
} from "./policies";
import { ENV_NAMES } from "../common/env-names";
import { LAMBDA_RUNTIME, RUNTIME_PROVIDED_PACKAGES } from "./lambda-packaging";

export interface RoomsFunctionArgs {
  readonly kind: FunctionKind;
  /** Runs once per cold start and returns the handler (see handlers/lambdas.ts). */
  readonly factory: () => (event: unknown) => Promise<unknown>;
  readonly environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** The ARNs its policy is scoped to (all but its own log group). */
  readonly policyArns: pulumi.Input<Omit<FunctionPolicyArns, "logGroupArn">>;
  /** Days to keep its logs. Default: 14. */
  readonly logRetentionDays?: number;
  /** Default: 256 MB. */
  readonly memorySize?: number;
  /** Default: 10 seconds. */
  readonly timeout?: number;
  /** The stack keeps warm servers (see buildFunctionPolicy). Default: false. */
  readonly warmPool?: boolean;
  /** Reserved concurrent executions (no charge); default none. */
  readonly reservedConcurrency?: number;
  /**
   * Another function this one invokes (join_room's quick play invokes create_server): its name
   * goes in ROOMS_CREATE_FUNCTION, and the policy allows lambda:InvokeFunction on its ARN alone.
   */
  readonly invokes?: {
    readonly functionName: pulumi.Input<string>;
    readonly functionArn: pulumi.Input<string>;
  };
}

/**
 * One inline Lambda (a CallbackFunction) with its own role, a least-privilege inline policy and
 * its own log group. It never gets CallbackFunction's default managed full-access policies.
 */
export class RoomsFunction extends pulumi.ComponentResource {
  public readonly functionArn: pulumi.Output<string>;
  public readonly functionName: pulumi.Output<string>;
  public readonly invokeArn: pulumi.Output<string>;

  constructor(name: string, args: RoomsFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("godot-rooms:index:RoomsFunction", name, {}, opts);
    const logRetentionDays = args.logRetentionDays ?? 14;
    const memorySize = args.memorySize ?? 256;
    const timeout = args.timeout ?? 10;
    const logGroup = new aws.cloudwatch.LogGroup(
      name,
      { retentionInDays: logRetentionDays },
      { parent: this },
    );
    const role = new aws.iam.Role(
      `${name}-role`,
      { assumeRolePolicy: JSON.stringify(assumeRolePolicy("lambda.amazonaws.com")) },
      { parent: this },
    );
    const policy = new aws.iam.RolePolicy(
      `${name}-policy`,
      {
        role: role.id,
        policy: pulumi
          .all([args.policyArns, logGroup.arn, args.invokes?.functionArn])
          .apply(([arns, logGroupArn, invokesArn]) =>
            JSON.stringify(
              buildFunctionPolicy(
                args.kind,
                { ...arns, logGroupArn },
                { warmPool: args.warmPool ?? false, ...(invokesArn ? { invokesArn } : {}) },
              ),
            ),
          ),
      },
      { parent: this },
    );
    const fn = new aws.lambda.CallbackFunction(
      name,
      {
        callbackFactory: args.factory,
        role,
        runtime: LAMBDA_RUNTIME,
        architectures: ["arm64"],
        memorySize,
        timeout,
        ...(args.reservedConcurrency !== undefined
          ? { reservedConcurrentExecutions: args.reservedConcurrency }
          : {}),
        environment: {
          variables: args.invokes
            ? pulumi
                .all([args.environment, args.invokes.functionName])
                .apply(([variables, createFunction]) => ({
                  ...variables,
                  [ENV_NAMES.createFunction]: createFunction,
                }))
            : args.environment,
        },
        loggingConfig: {
          logFormat: "JSON",
          logGroup: logGroup.name,
          applicationLogLevel: "INFO",
          systemLogLevel: "WARN",
        },
        codePathOptions: { extraExcludePackages: RUNTIME_PROVIDED_PACKAGES },
      },
      { parent: this, dependsOn: [policy] },
    );
    this.functionArn = fn.arn;
    this.functionName = fn.name;
    this.invokeArn = fn.invokeArn;
    this.registerOutputs({ functionArn: this.functionArn, functionName: this.functionName });
  }
}
