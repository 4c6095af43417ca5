/**
 * Measure 9: the sizing table for a warm-room pool. For each arrival rate and pool size, one
 * simulated day (`warm-pool-model.ts`) gives the share of creates served warm, the wait to a
 * joinable room, and what the idle warm servers cost per month. Erlang B's warm share sits next to
 * the simulated one as a check. The whole table takes well under a second.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import {
  COLD_START,
  GODOT_PACK_LOAD_SECONDS,
  mean,
  median,
  quantileAtZ,
  simulateWarmPool,
  taskUsdPerHour,
  WARM_ASSIGN,
  warmPoolTheory,
} from "./warm-pool-model";

export const SIZING_RATES = [0.5, 2, 10, 30];
export const SIZING_POOLS = [0, 1, 2, 3, 4, 5, 10];
/** The p95 wait a pool should keep a create under: a warm answer, never a cold start. */
export const TARGET_P95_SECONDS = 1;
/** Beyond this, no pool size is searched: at such rates the answer is "more than this". */
const LARGEST_POOL_SEARCHED = 200;

/**
 * The room task's size: the defaults of `taskCpu` and `taskMemory` in Pulumi.yaml (256 CPU units,
 * 512 MiB). Those are the stack's defaults; prod sets 512 / 1024 (Pulumi.prod.yaml), which
 * doubles the Fargate part of the price.
 */
export function defaultRoomTaskSize(): { cpuUnits: number; memoryMiB: number } {
  const config = parse(readFileSync(join(__dirname, "..", "Pulumi.yaml"), "utf8")).config;
  return { cpuUnits: config.taskCpu.default, memoryMiB: config.taskMemory.default };
}

export interface WarmPoolRow {
  readonly createsPerMinute: number;
  readonly warmRooms: number;
  readonly creates: number;
  readonly warmPercent: number;
  readonly erlangWarmPercent: number;
  readonly p50WaitS: number;
  readonly p95WaitS: number;
  readonly meanIdleWarm: number;
  readonly idleUsdPerMonth: number;
}

const round = (value: number, digits: number) => Number(value.toFixed(digits));

/** One day per cell by default: 43,000 creates at 30 a minute, enough for a stable p95. */
export function measureWarmPoolSizing({ hours = 24, seed = 9 } = {}) {
  const task = defaultRoomTaskSize();
  const price = taskUsdPerHour(task);
  const cell = (createsPerMinute: number, warmRooms: number): WarmPoolRow => {
    const r = simulateWarmPool({ createsPerMinute, warmRooms, hours, seed, taskUsdPerHour: price });
    return {
      createsPerMinute,
      warmRooms,
      creates: r.creates,
      warmPercent: round(100 * (r.warmShare ?? 0), 1),
      erlangWarmPercent: round(100 * warmPoolTheory(createsPerMinute, warmRooms).warmShare, 1),
      p50WaitS: round(r.p50WaitSeconds ?? 0, 2),
      p95WaitS: round(r.p95WaitSeconds ?? 0, 2),
      meanIdleWarm: round(r.meanIdleWarm, 2),
      idleUsdPerMonth: round(r.idleUsdPerMonth, 2),
    };
  };
  const rows = SIZING_RATES.flatMap((rate) => SIZING_POOLS.map((n) => cell(rate, n)));
  // The smallest pool that meets the target at each rate, found by simulating N = 0, 1, 2, ...
  // (the same seed, so the answer does not jump with luck from one N to the next).
  const smallestPools = SIZING_RATES.map((rate) => {
    for (let n = 0; n <= LARGEST_POOL_SEARCHED; n++) {
      const row = cell(rate, n);
      if (row.p95WaitS <= TARGET_P95_SECONDS) return row;
    }
    return undefined;
  }).filter((row) => row !== undefined);
  return {
    parameters: {
      hoursPerCell: hours,
      seed,
      targetP95Seconds: TARGET_P95_SECONDS,
      task: { ...task, source: "Pulumi.yaml defaults of taskCpu and taskMemory" },
      taskUsdPerHour: round(price, 5),
      warmRoomUsdPerMonth: round(price * 730, 2),
      coldStartSeconds: {
        median: round(median(COLD_START), 1),
        mean: round(mean(COLD_START), 1),
        p05: round(quantileAtZ(COLD_START, -1.6449), 1),
        p95: round(quantileAtZ(COLD_START, 1.6449), 1),
        godotPackLoad: GODOT_PACK_LOAD_SECONDS,
      },
      warmAssignMedianSeconds: median(WARM_ASSIGN),
    },
    rows,
    smallestPools,
  };
}
