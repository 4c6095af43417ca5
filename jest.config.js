/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: {
    // tsconfig sets isolatedModules: ts-jest transpiles file by file; `npm run typecheck` type-checks.
    "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.json" }],
  },
  testTimeout: 60000,
  reporters: ["default", "<rootDir>/tests/support/duration-reporter.js"],
};
