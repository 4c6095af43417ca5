/**
 * `npm run mutation` (StrykerJS): the tests that pin the room core and the HTTP layer, with the
 * contract suite on its in-process target only (mutants are switched in this process; the
 * archives and local mode run code Stryker cannot switch).
 */
const base = require("./jest.config.js");
process.env.CONTRACT_TARGETS = "in-process";
module.exports = {
  ...base,
  reporters: ["default"],
  testMatch: ["<rootDir>/tests/handlers/**/*.test.ts", "<rootDir>/tests/contract/**/*.test.ts"],
};
