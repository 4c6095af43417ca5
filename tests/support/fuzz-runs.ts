/**
 * How many random cases a property test runs: `runs` in `npm test`; fewer when FUZZ_RUNS says so.
 * Only the mutation run sets it (jest.mutation.config.js), where each test file runs once per
 * mutant: there the seeded corpora still run whole, and a smaller random sample keeps 1,200
 * mutants within an hour on 2 cores.
 */
export function fuzzRuns(runs: number): number {
  const fewer = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(fewer) && fewer > 0 ? Math.min(fewer, runs) : runs;
}
