/**
 * Measure 9, the model: a pool of warm rooms on AWS, as a seeded discrete-event simulation.
 *
 * The pool keeps `warmRooms` (N) game servers started, ready and unassigned. A create takes a warm
 * server when one is free (one DynamoDB conditional write), or else starts its own task and waits
 * a full cold start. Every assignment starts a refill at once (a new RunTask). The refill is
 * ready one cold start later. So the warm servers plus the refills in flight always add up to N.
 * Nothing here reads a clock or Math.random: the same input gives the same result.
 */
import { HOURS_PER_MONTH, PRICES } from "./price-table";

/** `shiftSeconds` + a lognormal whose median is `medianAboveShiftSeconds`. */
export interface ShiftedLogNormal {
  readonly shiftSeconds: number;
  readonly medianAboveShiftSeconds: number;
  readonly sigma: number;
}

/** The standard normal's 95th percentile. */
const Z95 = 1.6448536269514722;

/** The shifted lognormal whose 5th and 95th percentiles are `p05` and `p95`. */
export function fitShiftedLogNormal(shift: number, p05: number, p95: number): ShiftedLogNormal {
  if (!(shift >= 0 && p05 > shift && p95 > p05)) {
    throw new Error(`need 0 ≤ shift < p05 < p95; got ${shift}, ${p05}, ${p95}`);
  }
  return {
    shiftSeconds: shift,
    medianAboveShiftSeconds: Math.sqrt((p05 - shift) * (p95 - shift)),
    sigma: Math.log((p95 - shift) / (p05 - shift)) / (2 * Z95),
  };
}

export const median = (d: ShiftedLogNormal) => d.shiftSeconds + d.medianAboveShiftSeconds;
export const mean = (d: ShiftedLogNormal) =>
  d.shiftSeconds + d.medianAboveShiftSeconds * Math.exp((d.sigma * d.sigma) / 2);
/** The quantile at standard-normal score `z` (1.645 for the 95th percentile). */
export const quantileAtZ = (d: ShiftedLogNormal, z: number) =>
  d.shiftSeconds + d.medianAboveShiftSeconds * Math.exp(d.sigma * z);

/**
 * RunTask to a joinable server. Public figures put a Fargate task's launch at 20–60 s, mostly
 * by image size (the same range measure 6 and the client library's polling assume). The time
 * is never near zero: Fargate must find capacity and attach an ENI before the image pull starts,
 * so the curve starts at a 10 s floor. It is skewed to the right: slow launches come from
 * pulls and capacity and run long, not evenly. So a shifted lognormal, fitted so that 90 % of
 * launches fall in 20–60 s. This gives the task a median of 32 s, a mean of 35 s, and about 1 in
 * 100 launches above 80 s. A triangular 20/35/60 would stop at 60 s and hide the tail that sets
 * the p95 of cold creates. Godot then loads its pack, which adds about 2 s: the image is already
 * pulled, and loading is CPU work with little spread, so it is a constant added to the floor.
 * A cold start is then 34 s median, 37 s mean.
 */
export const FARGATE_TASK_START = fitShiftedLogNormal(10, 20, 60);
export const GODOT_PACK_LOAD_SECONDS = 2;
export const COLD_START: ShiftedLogNormal = {
  ...FARGATE_TASK_START,
  shiftSeconds: FARGATE_TASK_START.shiftSeconds + GODOT_PACK_LOAD_SECONDS,
};

/** A warm assignment: one DynamoDB conditional write, about 50 ms median, p95 about 0.11 s. */
export const WARM_ASSIGN: ShiftedLogNormal = {
  shiftSeconds: 0,
  medianAboveShiftSeconds: 0.05,
  sigma: 0.5,
};

/**
 * What one room task (warm or in use) costs per hour: Fargate's vCPU and memory, plus the
 * public IPv4 address that RunTask assigns it (`assignPublicIp: "ENABLED"` in
 * handlers/aws/ecs-fleet.ts; AWS bills every public IPv4 address per hour since February 2024).
 */
export function taskUsdPerHour(task: { cpuUnits: number; memoryMiB: number }): number {
  return (
    (task.cpuUnits / 1024) * PRICES.fargateVcpuHour +
    (task.memoryMiB / 1024) * PRICES.fargateGbHour +
    PRICES.publicIpv4Hour
  );
}

/** Mulberry32: a 32-bit seeded generator, uniform in [0, 1). Small, fast, good enough here. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function sample(d: ShiftedLogNormal, random: () => number): number {
  // Box–Muller; 1 - u keeps the logarithm's argument in (0, 1].
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return d.shiftSeconds + d.medianAboveShiftSeconds * Math.exp(d.sigma * z);
}

export interface WarmPoolInput {
  /** Poisson arrivals of create_server calls. */
  readonly createsPerMinute: number;
  readonly warmRooms: number;
  readonly hours: number;
  readonly seed: number;
  /** Price of one task-hour; see `taskUsdPerHour`. */
  readonly taskUsdPerHour: number;
  readonly coldStart?: ShiftedLogNormal;
  readonly warmAssign?: ShiftedLogNormal;
  /** false: the pool starts empty and its N tasks launch at time 0 (a fresh deploy). */
  readonly startFull?: boolean;
}

export interface WarmPoolResult {
  readonly creates: number;
  readonly warmCreates: number;
  /** null when no create arrived. */
  readonly warmShare: number | null;
  /** Seconds from create_server to a joinable room. */
  readonly p50WaitSeconds: number | null;
  readonly p95WaitSeconds: number | null;
  /** Tasks started: refills plus cold creates. */
  readonly tasksStarted: number;
  /** Warm servers idle, averaged over the simulated time. */
  readonly meanIdleWarm: number;
  readonly idleUsdPerMonth: number;
}

const MAX_EXPECTED_CREATES = 5_000_000;

function check(input: WarmPoolInput) {
  const { createsPerMinute, warmRooms, hours, seed, taskUsdPerHour: price } = input;
  if (!(Number.isFinite(createsPerMinute) && createsPerMinute >= 0))
    throw new Error(`createsPerMinute must be a finite number ≥ 0; got ${createsPerMinute}`);
  if (!(Number.isInteger(warmRooms) && warmRooms >= 0))
    throw new Error(`warmRooms must be an integer ≥ 0; got ${warmRooms}`);
  if (!(Number.isFinite(hours) && hours > 0))
    throw new Error(`hours must be a finite number > 0; got ${hours}`);
  if (createsPerMinute * hours * 60 > MAX_EXPECTED_CREATES)
    throw new Error(`createsPerMinute × hours is too large: over ${MAX_EXPECTED_CREATES} creates`);
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff))
    throw new Error(`seed must be a 32-bit unsigned integer; got ${seed}`);
  if (!(Number.isFinite(price) && price >= 0))
    throw new Error(`taskUsdPerHour must be a finite number ≥ 0; got ${price}`);
  for (const [name, d] of [
    ["coldStart", input.coldStart],
    ["warmAssign", input.warmAssign],
  ] as const) {
    if (d && !(d.shiftSeconds >= 0 && d.medianAboveShiftSeconds > 0 && d.sigma >= 0))
      throw new Error(`${name} needs shiftSeconds ≥ 0, medianAboveShiftSeconds > 0, sigma ≥ 0`);
  }
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number | null {
  return sorted.length === 0 ? null : sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
}

export function simulateWarmPool(input: WarmPoolInput): WarmPoolResult {
  check(input);
  const coldStart = input.coldStart ?? COLD_START;
  const warmAssign = input.warmAssign ?? WARM_ASSIGN;
  const n = input.warmRooms;
  const end = input.hours * 3600;
  const perSecond = input.createsPerMinute / 60;
  // One stream per kind of draw, so that arrivals are the same whatever N is (common random
  // numbers): comparing pool sizes then compares pools, not luck.
  const arrivalRandom = mulberry32(input.seed);
  const coldRandom = mulberry32(input.seed ^ 0x9e3779b9);
  const warmRandom = mulberry32(input.seed ^ 0x85ebca6b);

  let now = 0;
  let warm = input.startFull === false ? 0 : n;
  let idleWarmSeconds = 0;
  let tasksStarted = 0;
  let warmCreates = 0;
  const waits: number[] = [];
  /** Ready times of the refills in flight, earliest first. */
  const refills: number[] = [];

  const advanceTo = (t: number) => {
    idleWarmSeconds += warm * (t - now);
    now = t;
  };
  // A refill for every missing server, started now: after an assignment, and at a fresh start.
  const topUp = () => {
    while (warm + refills.length < n) {
      const ready = now + sample(coldStart, coldRandom);
      const at = refills.findIndex((t) => t > ready);
      refills.splice(at === -1 ? refills.length : at, 0, ready);
      tasksStarted++;
    }
  };
  const refillsReadyBy = (t: number) => {
    while (refills.length > 0 && refills[0] <= t) {
      advanceTo(refills.shift() as number);
      warm++;
    }
  };
  // Inter-arrival times of a Poisson process; 1 - u keeps the logarithm finite.
  const nextGap = () => (perSecond === 0 ? Infinity : -Math.log(1 - arrivalRandom()) / perSecond);

  topUp();
  for (let arrival = nextGap(); arrival < end; arrival += nextGap()) {
    refillsReadyBy(arrival);
    advanceTo(arrival);
    if (warm > 0) {
      warm--;
      warmCreates++;
      waits.push(sample(warmAssign, warmRandom));
      topUp();
    } else {
      // The create's own task: the pool's refills are already all in flight.
      waits.push(sample(coldStart, coldRandom));
      tasksStarted++;
    }
  }
  refillsReadyBy(end);
  advanceTo(end);

  waits.sort((a, b) => a - b);
  const meanIdleWarm = idleWarmSeconds / end;
  return {
    creates: waits.length,
    warmCreates,
    warmShare: waits.length === 0 ? null : warmCreates / waits.length,
    p50WaitSeconds: percentile(waits, 0.5),
    p95WaitSeconds: percentile(waits, 0.95),
    tasksStarted,
    meanIdleWarm,
    idleUsdPerMonth: meanIdleWarm * input.taskUsdPerHour * HOURS_PER_MONTH,
  };
}

/**
 * The closed form the simulation must agree with. The refills in flight behave like the busy
 * servers of an Erlang loss system: N slots, each held one cold start. A create that finds all N
 * busy finds the pool empty and is not served warm. By PASTA and the insensitivity of the loss
 * formula, the cold share is Erlang B(N, λ × mean cold start), whatever the start's distribution.
 */
export function erlangB(servers: number, offeredLoad: number): number {
  let blocking = 1;
  for (let k = 1; k <= servers; k++) {
    blocking = (offeredLoad * blocking) / (k + offeredLoad * blocking);
  }
  return blocking;
}

/** The long-run warm share and mean idle warm servers, from Erlang B. */
export function warmPoolTheory(
  createsPerMinute: number,
  warmRooms: number,
  coldStart: ShiftedLogNormal = COLD_START,
) {
  const load = (createsPerMinute / 60) * mean(coldStart);
  const cold = erlangB(warmRooms, load);
  return { warmShare: 1 - cold, meanIdleWarm: warmRooms - load * (1 - cold) };
}
