/**
 * A small price table for measure 7 (fixed idle cost): what a resource costs per month while no
 * room runs and no player calls. us-east-1 list prices, late 2025; a month is 730 hours. Anything
 * billed only per request, per GB stored or per room-hour is $0 here: it is not a fixed cost.
 */
export const HOURS_PER_MONTH = 730;

export const PRICES = {
  natGatewayHour: 0.045,
  publicIpv4Hour: 0.005,
  loadBalancerHour: 0.0225,
  interfaceEndpointAzHour: 0.01,
  dynamoDbWcuHour: 0.00065,
  dynamoDbRcuHour: 0.00013,
  lambdaProvisionedGbSecond: 0.0000041667,
  fargateVcpuHour: 0.04048,
  fargateGbHour: 0.004445,
  cloudWatchAlarmMonth: 0.1,
  cloudWatchDashboardMonth: 3,
  kmsKeyMonth: 1,
  secretMonth: 0.4,
  hostedZoneMonth: 0.5,
  lambdaRequest: 0.2 / 1_000_000,
  lambdaArmGbSecond: 0.0000133334,
} as const;

/** Billed seconds assumed for one scheduled run of a function (the reconciler: a Query and a ListTasks). */
export const SCHEDULED_RUN_SECONDS = 0.5;

export type CostKind = "infrastructure" | "monitoring" | "scheduled work";

export interface PricedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, any>;
}

export interface CostLine {
  readonly kind: CostKind;
  readonly item: string;
  readonly monthlyUsd: number;
}

const monthly = (hourly: number) => hourly * HOURS_PER_MONTH;

/** The fixed monthly cost of one resource, or undefined when it has none. */
export function fixedMonthlyCost(r: PricedResource): CostLine | undefined {
  const line = (kind: CostKind, item: string, monthlyUsd: number) => ({ kind, item, monthlyUsd });
  switch (r.type) {
    case "aws:ec2/natGateway:NatGateway":
      return line("infrastructure", "NAT gateway", monthly(PRICES.natGatewayHour));
    case "aws:ec2/eip:Eip":
      return line("infrastructure", "Elastic IP (public IPv4)", monthly(PRICES.publicIpv4Hour));
    case "aws:lb/loadBalancer:LoadBalancer":
    case "aws:alb/loadBalancer:LoadBalancer":
      return line("infrastructure", "load balancer", monthly(PRICES.loadBalancerHour));
    case "aws:ec2/vpcEndpoint:VpcEndpoint":
      return r.inputs.vpcEndpointType === "Interface"
        ? line(
            "infrastructure",
            "interface VPC endpoint",
            monthly(PRICES.interfaceEndpointAzHour) * (r.inputs.subnetIds?.length ?? 1),
          )
        : undefined;
    case "aws:dynamodb/table:Table":
      return r.inputs.billingMode === "PAY_PER_REQUEST"
        ? undefined
        : line(
            "infrastructure",
            "DynamoDB provisioned capacity",
            monthly(
              (r.inputs.readCapacity ?? 0) * PRICES.dynamoDbRcuHour +
                (r.inputs.writeCapacity ?? 0) * PRICES.dynamoDbWcuHour,
            ),
          );
    case "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig":
      return line(
        "infrastructure",
        "Lambda provisioned concurrency (per 1 GB)",
        r.inputs.provisionedConcurrentExecutions *
          PRICES.lambdaProvisionedGbSecond *
          HOURS_PER_MONTH *
          3600,
      );
    case "aws:ecs/service:Service":
      return (r.inputs.desiredCount ?? 1) > 0
        ? line(
            "infrastructure",
            "always-on ECS service (0.25 vCPU, 0.5 GB per task)",
            (r.inputs.desiredCount ?? 1) *
              monthly(0.25 * PRICES.fargateVcpuHour + 0.5 * PRICES.fargateGbHour),
          )
        : undefined;
    case "aws:kms/key:Key":
      return line("infrastructure", "KMS key", PRICES.kmsKeyMonth);
    case "aws:secretsmanager/secret:Secret":
      return line("infrastructure", "Secrets Manager secret", PRICES.secretMonth);
    case "aws:route53/zone:Zone":
      return line("infrastructure", "Route 53 hosted zone", PRICES.hostedZoneMonth);
    case "aws:cloudwatch/metricAlarm:MetricAlarm":
      return line("monitoring", "CloudWatch alarm", PRICES.cloudWatchAlarmMonth);
    case "aws:cloudwatch/dashboard:Dashboard":
      return line("monitoring", "CloudWatch dashboard", PRICES.cloudWatchDashboardMonth);
    default:
      return undefined;
  }
}

/** Runs a month of a schedule like `rate(5 minutes)` costs a function of `memoryMb`. */
export function scheduledRunsMonthlyCost(scheduleExpression: string, memoryMb: number): number {
  const match = /^rate\((\d+) (minute|minutes|hour|hours)\)$/.exec(scheduleExpression);
  if (!match) throw new Error(`cannot price schedule ${scheduleExpression}`);
  const minutes = Number(match[1]) * (match[2].startsWith("hour") ? 60 : 1);
  const runs = (HOURS_PER_MONTH * 60) / minutes;
  const gbSeconds = runs * SCHEDULED_RUN_SECONDS * (memoryMb / 1024);
  return runs * PRICES.lambdaRequest + gbSeconds * PRICES.lambdaArmGbSecond;
}
