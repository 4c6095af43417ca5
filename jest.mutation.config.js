/**
 * `npm run mutation` (StrykerJS): the tests that pin the room core and the HTTP layer, with the
 * contract suite on its in-process target only (mutants are switched in this process; the
 * archives and local mode run code Stryker cannot switch).
 */
const base = require("./jest.config.js");
process.env.CONTRACT_TARGETS = "in-process";
// The program is not mutated: evaluate it once (Stryker's dry run) and reuse what the in-process
// target takes from it (each function's name and environment, ECS's view of the stack).
process.env.CONTRACT_PROGRAM_CACHE = require("node:path").join(
  require("node:os").tmpdir(),
  "godot-rooms-mutation-program.json",
);
// Seeded corpora run whole; random samples are smaller (tests/support/fuzz-runs.ts).
process.env.FUZZ_RUNS = "500";
module.exports = {
  ...base,
  reporters: ["default"],
  testMatch: (process.env.MUTATION_TESTS ?? "tests/handlers")
    .split(",")
    .map((dir) => `<rootDir>/${dir}/**/*.test.ts`),
};
