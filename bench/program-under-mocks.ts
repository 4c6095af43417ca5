/**
 * Child process of measures 5 and 7: runs the whole program under Pulumi's mocks for one stack
 * (`dev` or `prod`) and prints one JSON line: how long it took, and the resource graph (types,
 * names and inputs, without code archives).
 */
import { runProgram } from "../tests/support/pulumi-program";

async function main() {
  const stack = process.argv[2];
  if (stack !== "dev" && stack !== "prod") throw new Error(`usage: program-under-mocks dev|prod`);
  const started = performance.now();
  const { resources } = await runProgram(stack);
  const evaluationMs = performance.now() - started;
  const graph = resources.map((r) => ({
    type: r.type,
    name: r.name,
    inputs: Object.fromEntries(Object.entries(r.inputs).filter(([key]) => key !== "code")),
  }));
  process.stdout.write(`${JSON.stringify({ stack, evaluationMs, resources: graph })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
