/**
 * Measure 7: fixed idle cost per month, from the resource graph the program registers under
 * mocks, against the same graph with awsx's default VPC in place of our network.
 */
import { awsxDefaultVpc, isOurNetwork } from "./awsx-default-vpc";
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

export function idleCost(graph: PricedResource[]): IdleCost {
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
  return [...graph.filter((r) => !isOurNetwork(r)), ...awsxDefaultVpc(`${stackName}-vpc`)];
}

export interface IdleCostRow {
  readonly stack: string;
  readonly side: "ours" | "awsx default VPC (baseline)";
  readonly infrastructureUsd: number;
  readonly monitoringUsd: number;
  readonly scheduledWorkUsd: number;
  readonly items: string;
}

export function idleCostRows(stack: string, graph: PricedResource[]): IdleCostRow[] {
  const round = (usd: number) => Math.round(usd * 100) / 100;
  const row = (side: IdleCostRow["side"], cost: IdleCost): IdleCostRow => ({
    stack,
    side,
    infrastructureUsd: round(cost.totals.infrastructure),
    monitoringUsd: round(cost.totals.monitoring),
    scheduledWorkUsd: round(cost.totals["scheduled work"]),
    items: cost.lines.map((l) => `${l.count}× ${l.item}`).join(", "),
  });
  return [
    row("ours", idleCost(graph)),
    row("awsx default VPC (baseline)", idleCost(withAwsxDefaultVpc(graph, `godot-rooms-${stack}`))),
  ];
}
