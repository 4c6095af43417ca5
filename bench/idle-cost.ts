/**
 * Measure 7: fixed idle cost per month, from the resource graph the program registers under
 * mocks, against the same graph with awsx's default VPC in place of our network. awsx components
 * in the graph are priced by the children awsx documents for their inputs.
 */
import {
  type AwsxVpcInputs,
  awsxDefaultVpc,
  awsxVpcChildren,
  isOurNetwork,
} from "./awsx-default-vpc";
import {
  type CostKind,
  type CostLine,
  fixedMonthlyCost,
  type PricedResource,
  scheduledRunsMonthlyCost,
} from "./price-table";

/** Scheduled rules cost what their target function's runs cost. */
function scheduledWork(graph: PricedResource[]): CostLine[] {
  const lines: CostLine[] = [];
  for (const rule of graph.filter((r) => r.inputs.scheduleExpression)) {
    const target = graph.find(
      (r) => r.type === "aws:cloudwatch/eventTarget:EventTarget" && r.inputs.rule === rule.name,
    );
    const fn = graph.find(
      (r) =>
        r.type === "aws:lambda/function:Function" &&
        typeof target?.inputs.arn === "string" &&
        target.inputs.arn.endsWith(`:function:${r.name}`),
    );
    if (!fn) throw new Error(`no function behind the schedule ${rule.name}`);
    lines.push({
      kind: "scheduled work",
      item: `${fn.name} ${rule.inputs.scheduleExpression}`,
      monthlyUsd: scheduledRunsMonthlyCost(rule.inputs.scheduleExpression, fn.inputs.memorySize),
    });
  }
  return lines;
}

export interface IdleCost {
  readonly totals: Record<CostKind, number>;
  readonly lines: { kind: CostKind; item: string; count: number; monthlyUsd: number }[];
}

/**
 * The graph with each awsx component replaced by its children. An awsx component the bench
 * cannot list children for stops the bench: priced as nothing, it could hide a NAT gateway.
 */
export function expandAwsxComponents(graph: PricedResource[]): PricedResource[] {
  return graph.flatMap((r) => {
    if (r.type === "awsx:ec2:Vpc") return awsxVpcChildren(r.name, r.inputs as AwsxVpcInputs);
    // DefaultVpc only looks the default VPC up: it creates nothing.
    if (r.type === "awsx:ec2:DefaultVpc") return [];
    if (r.type.startsWith("awsx:"))
      throw new Error(`cannot price ${r.type}: list its children in bench/awsx-default-vpc.ts`);
    return [r];
  });
}

/** What a graph declares of a network, by kind: "2× subnet, 0× NAT gateway, ...". */
export function networkSummary(graph: PricedResource[]): string {
  const kinds: [string, string][] = [
    ["aws:ec2/vpc:Vpc", "VPC"],
    ["aws:ec2/subnet:Subnet", "subnet"],
    ["aws:ec2/internetGateway:InternetGateway", "internet gateway"],
    ["aws:ec2/route:Route", "route"],
    ["aws:ec2/natGateway:NatGateway", "NAT gateway"],
    ["aws:ec2/eip:Eip", "Elastic IP"],
  ];
  const expanded = expandAwsxComponents(graph);
  return kinds
    .map(([type, label]) => `${expanded.filter((r) => r.type === type).length}× ${label}`)
    .join(", ");
}

export function idleCost(awsGraph: PricedResource[]): IdleCost {
  const graph = expandAwsxComponents(awsGraph);
  const priced = [
    ...graph.map(fixedMonthlyCost).filter((l): l is CostLine => l !== undefined),
    ...scheduledWork(graph),
  ];
  const grouped = new Map<
    string,
    { kind: CostKind; item: string; count: number; monthlyUsd: number }
  >();
  for (const l of priced) {
    const key = `${l.kind}/${l.item}`;
    const group = grouped.get(key) ?? { kind: l.kind, item: l.item, count: 0, monthlyUsd: 0 };
    group.count += 1;
    group.monthlyUsd += l.monthlyUsd;
    grouped.set(key, group);
  }
  const totals: Record<CostKind, number> = {
    infrastructure: 0,
    monitoring: 0,
    "scheduled work": 0,
  };
  for (const l of priced) totals[l.kind] += l.monthlyUsd;
  return { totals, lines: [...grouped.values()] };
}

/** The same graph, with awsx's default VPC instead of our network. */
export function withAwsxDefaultVpc(graph: PricedResource[], stackName: string): PricedResource[] {
  return [
    ...expandAwsxComponents(graph).filter((r) => !isOurNetwork(r)),
    ...awsxDefaultVpc(`${stackName}-vpc`),
  ];
}

export interface IdleCostRow {
  readonly stack: string;
  readonly side: "ours" | "awsx default VPC (baseline)";
  readonly infrastructureUsd: number;
  readonly monitoringUsd: number;
  readonly scheduledWorkUsd: number;
  /** The network the side declares, after awsx components are expanded into their children. */
  readonly network: string;
  readonly items: string;
}

export function idleCostRows(stack: string, graph: PricedResource[]): IdleCostRow[] {
  const round = (usd: number) => Math.round(usd * 100) / 100;
  const row = (side: IdleCostRow["side"], sideGraph: PricedResource[]): IdleCostRow => {
    const cost = idleCost(sideGraph);
    return {
      stack,
      side,
      infrastructureUsd: round(cost.totals.infrastructure),
      monitoringUsd: round(cost.totals.monitoring),
      scheduledWorkUsd: round(cost.totals["scheduled work"]),
      network: networkSummary(sideGraph),
      items: cost.lines.map((l) => `${l.count}× ${l.item}`).join(", "),
    };
  };
  return [
    row("ours", graph),
    row("awsx default VPC (baseline)", withAwsxDefaultVpc(graph, `godot-rooms-${stack}`)),
  ];
}
