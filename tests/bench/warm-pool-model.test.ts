import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import {
  COLD_START,
  erlangB,
  median,
  simulateWarmPool,
  taskUsdPerHour,
  type WarmPoolInput,
  warmPoolTheory,
} from "../../bench/warm-pool-model";
import {
  defaultRoomTaskSize,
  measureWarmPoolSizing,
  SIZING_POOLS,
  SIZING_RATES,
} from "../../bench/warm-pool-sizing";

// The default room task (256 CPU units, 512 MiB) at us-east-1 list prices, written out so that a
// wrong formula in the model cannot agree with itself: 0.25 vCPU, 0.5 GB and one public IPv4.
const TASK_HOUR = 0.25 * 0.04048 + 0.5 * 0.004445 + 0.005;
const base: WarmPoolInput = {
  createsPerMinute: 2,
  warmRooms: 3,
  hours: 24,
  seed: 1,
  taskUsdPerHour: TASK_HOUR,
};
const run = (input: Partial<WarmPoolInput>) => simulateWarmPool({ ...base, ...input });

test("without a pool, no create is warm and the median wait is the cold start's median", () => {
  const r = run({ warmRooms: 0 });
  expect(r.creates).toBeGreaterThan(2500);
  expect(r.warmCreates).toBe(0);
  expect(r.warmShare).toBe(0);
  expect(r.tasksStarted).toBe(r.creates);
  expect(r.meanIdleWarm).toBe(0);
  expect(r.idleUsdPerMonth).toBe(0);
  expect(median(COLD_START)).toBeCloseTo(34.36, 1);
  expect(Math.abs((r.p50WaitSeconds as number) / median(COLD_START) - 1)).toBeLessThan(0.03);
});

test("a large pool at a low rate serves every create warm, in well under a second", () => {
  const r = run({ createsPerMinute: 0.5, warmRooms: 20 });
  expect(r.creates).toBeGreaterThan(600);
  expect(r.warmShare).toBe(1);
  expect(r.p95WaitSeconds).toBeLessThan(0.2);
  // Every assignment started one refill; the pool itself started full.
  expect(r.tasksStarted).toBe(r.creates);
});

test("the warm share never falls as the pool grows (averaged over seeds)", () => {
  const seeds = [1, 2, 3, 4, 5];
  const averageShare = (warmRooms: number) =>
    seeds.reduce((sum, seed) => sum + (run({ warmRooms, seed, hours: 6 }).warmShare ?? 0), 0) /
    seeds.length;
  const shares = [0, 1, 2, 3, 4, 5, 10].map(averageShare);
  for (let i = 1; i < shares.length; i++) expect(shares[i]).toBeGreaterThanOrEqual(shares[i - 1]);
  expect(shares[0]).toBe(0);
  expect(shares.at(-1)).toBeGreaterThan(0.999);
});

test("the simulated warm share and idle servers agree with Erlang B", () => {
  for (const [createsPerMinute, warmRooms] of [
    [2, 2],
    [2, 4],
    [10, 5],
    [30, 10],
  ]) {
    const r = run({ createsPerMinute, warmRooms, hours: 48 });
    const theory = warmPoolTheory(createsPerMinute, warmRooms);
    expect(Math.abs((r.warmShare as number) - theory.warmShare)).toBeLessThan(0.015);
    expect(Math.abs(r.meanIdleWarm - theory.meanIdleWarm)).toBeLessThan(0.05 * warmRooms);
  }
  // Textbook values: B(1, 1) = 1/2, B(2, 1) = 1/5, B(5, 3) ≈ 0.1101.
  expect(erlangB(1, 1)).toBeCloseTo(0.5, 10);
  expect(erlangB(2, 1)).toBeCloseTo(0.2, 10);
  expect(erlangB(5, 3)).toBeCloseTo(0.1101, 4);
});

test("with almost no creates, the pool costs N warm tasks for the whole month", () => {
  for (const warmRooms of [1, 3, 10]) {
    const r = run({ createsPerMinute: 1e-6, warmRooms, hours: 24 });
    expect(r.meanIdleWarm).toBeCloseTo(warmRooms, 3);
    const expected = warmRooms * TASK_HOUR * 730;
    expect(Math.abs(r.idleUsdPerMonth / expected - 1)).toBeLessThan(0.01);
  }
  expect(taskUsdPerHour({ cpuUnits: 256, memoryMiB: 512 })).toBeCloseTo(TASK_HOUR, 10);
  expect(taskUsdPerHour({ cpuUnits: 512, memoryMiB: 1024 })).toBeCloseTo(
    2 * (TASK_HOUR - 0.005) + 0.005,
    10,
  );
});

test("a pool that starts empty fills one cold start later and costs less than a full one", () => {
  const full = run({ createsPerMinute: 1e-6, warmRooms: 4, hours: 1 });
  const empty = run({ createsPerMinute: 1e-6, warmRooms: 4, hours: 1, startFull: false });
  expect(empty.tasksStarted).toBe(4);
  expect(full.tasksStarted).toBe(0);
  // About a 37 s fill out of 3,600 s: idle servers 4 × (1 − 37/3600) ≈ 3.96.
  expect(empty.meanIdleWarm).toBeLessThan(full.meanIdleWarm);
  expect(empty.meanIdleWarm).toBeGreaterThan(3.9);
});

test("the same seed gives the same result, another seed another one", () => {
  expect(run({ seed: 42 })).toEqual(run({ seed: 42 }));
  expect(run({ seed: 43 })).not.toEqual(run({ seed: 42 }));
});

test("inputs out of range are refused with a clear error", () => {
  expect(() => run({ createsPerMinute: -1 })).toThrow(/createsPerMinute must be .* ≥ 0; got -1/);
  expect(() => run({ createsPerMinute: NaN })).toThrow(/createsPerMinute/);
  expect(() => run({ warmRooms: -1 })).toThrow(/warmRooms must be an integer ≥ 0; got -1/);
  expect(() => run({ warmRooms: 1.5 })).toThrow(/warmRooms must be an integer ≥ 0; got 1.5/);
  expect(() => run({ hours: 0 })).toThrow(/hours must be/);
  expect(() => run({ seed: -3 })).toThrow(/seed must be/);
  expect(() => run({ taskUsdPerHour: -0.01 })).toThrow(/taskUsdPerHour must be/);
  expect(() => run({ createsPerMinute: 1000, hours: 1000 })).toThrow(/too large/);
  expect(() => run({ coldStart: { ...COLD_START, sigma: -1 } })).toThrow(/coldStart needs/);
});

test("no creates: counts are zero and the waits are null, not NaN", () => {
  const r = run({ createsPerMinute: 0 });
  expect(r).toMatchObject({ creates: 0, warmShare: null, p50WaitSeconds: null });
  expect(r.meanIdleWarm).toBe(3);
});

test("the sizing table covers every rate and pool, with the stack's default task size", () => {
  const declared = parse(readFileSync(join(__dirname, "../../Pulumi.yaml"), "utf8")).config;
  expect(defaultRoomTaskSize()).toEqual({
    cpuUnits: declared.taskCpu.default,
    memoryMiB: declared.taskMemory.default,
  });
  const { rows, smallestPools, parameters } = measureWarmPoolSizing({ hours: 6 });
  expect(rows).toHaveLength(SIZING_RATES.length * SIZING_POOLS.length);
  expect(parameters.warmRoomUsdPerMonth).toBeCloseTo(TASK_HOUR * 730, 2);
  // One smallest pool per rate, each meeting the target while one fewer room would not.
  expect(smallestPools.map((r) => r.createsPerMinute)).toEqual(SIZING_RATES);
  for (const row of smallestPools) {
    expect(row.p95WaitS).toBeLessThanOrEqual(parameters.targetP95Seconds);
    expect(row.warmPercent).toBeGreaterThanOrEqual(95);
    const oneFewer = simulateWarmPool({
      ...base,
      createsPerMinute: row.createsPerMinute,
      warmRooms: row.warmRooms - 1,
      hours: 6,
      seed: parameters.seed,
    });
    expect(oneFewer.p95WaitSeconds).toBeGreaterThan(parameters.targetP95Seconds);
  }
});
