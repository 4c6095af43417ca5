/**
 * Run by tests/infra/program-checkout.ts inside a copy of the project: evaluates that copy's
 * index.ts under the usual mocks for the stack named in argv[2], and prints the inputs of the
 * resources of the types listed in argv[3] (comma-separated) as one JSON line on stdout.
 */
import { runProgram } from "../support/pulumi-program";

const [stack, types] = process.argv.slice(2);
runProgram(stack as "dev").then(
  ({ resources }) => {
    const wanted = new Set(types.split(","));
    const picked = resources
      .filter((r) => wanted.has(r.type))
      .map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }));
    process.stdout.write(`${JSON.stringify(picked)}\n`);
  },
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
