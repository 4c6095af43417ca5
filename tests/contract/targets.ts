import { localTarget } from "./targets/local-target";
import { archivesTarget, inProcessTarget } from "./targets/lambda-targets";
import type { ContractTarget, TargetFactory } from "./target";

const ALL_TARGETS: ReadonlyArray<[string, TargetFactory]> = [
  ["in-process", inProcessTarget],
  ["archives", archivesTarget],
  ["local", localTarget],
];

/**
 * Every target the contract runs on: `describe.each(TARGETS)` in each contract file. `npm test`
 * runs all three. CONTRACT_TARGETS (comma-separated names) narrows it, for the mutation run
 * only: mutated TypeScript runs in-process, where Stryker can switch mutants.
 */
export const TARGETS = ALL_TARGETS.filter(
  ([name]) =>
    !process.env.CONTRACT_TARGETS || process.env.CONTRACT_TARGETS.split(",").includes(name),
);

/**
 * The targets that can inject faults and replay ECS events: in-process and the archives. Local
 * mode has real Godot processes instead of ECS, so it shows these behaviours only where a real
 * process can (see the table in docs/room-core.md).
 */
export const LAMBDA_TARGETS = TARGETS.filter(([name]) => name !== "local");

/** Starts the target before the file's tests, resets it before each, and stops it after. */
export function useTarget(start: TargetFactory): () => ContractTarget {
  let target: ContractTarget | undefined;
  beforeAll(async () => {
    target = await start();
  }, 90_000);
  afterAll(async () => {
    await target?.close();
  }, 30_000);
  beforeEach(async () => {
    await target?.reset();
  }, 30_000);
  return () => {
    if (!target) throw new Error("the target did not start");
    return target;
  };
}
