/**
 * Measure 5: the whole program under Pulumi's mocks, for dev and prod (the preview proxy). Each
 * sample is a fresh Node process (program-under-mocks.ts), timed inside it from before the
 * program loads (ts-node transpiling it, as `pulumi preview` does) until every resource has
 * registered. Stacks alternate from sample to sample. The graphs feed measure 7.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import type { PricedResource } from "./price-table";
import { median } from "./support/stats";

const run = promisify(execFile);
export const EVALUATION_SAMPLES = 3;

interface Evaluation {
  readonly stack: string;
  readonly evaluationMs: number;
  readonly resources: PricedResource[];
}

async function evaluate(stack: "dev" | "prod"): Promise<Evaluation> {
  const { stdout } = await run(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", join(__dirname, "program-under-mocks.ts"), stack],
    { cwd: join(__dirname, ".."), maxBuffer: 64 * 1024 * 1024, timeout: 120_000 },
  );
  return JSON.parse(stdout.trim().split("\n").pop() ?? "") as Evaluation;
}

export interface ProgramEvaluationRow {
  readonly stack: string;
  readonly samples: number;
  readonly medianMs: number;
  readonly resources: number;
}

export async function measureProgramEvaluation(): Promise<{
  rows: ProgramEvaluationRow[];
  graphs: Record<"dev" | "prod", PricedResource[]>;
}> {
  const times: Record<"dev" | "prod", number[]> = { dev: [], prod: [] };
  const graphs: Partial<Record<"dev" | "prod", PricedResource[]>> = {};
  for (let i = 0; i < EVALUATION_SAMPLES; i++) {
    for (const stack of ["dev", "prod"] as const) {
      const evaluation = await evaluate(stack);
      times[stack].push(evaluation.evaluationMs);
      graphs[stack] ??= evaluation.resources;
    }
  }
  const rows = (["dev", "prod"] as const).map((stack) => ({
    stack,
    samples: EVALUATION_SAMPLES,
    medianMs: Math.round(median(times[stack])),
    resources: graphs[stack]?.length ?? 0,
  }));
  return { rows, graphs: { dev: graphs.dev ?? [], prod: graphs.prod ?? [] } };
}
