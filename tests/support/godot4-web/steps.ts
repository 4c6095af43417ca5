/** The `STEP <json>` lines a scenario script prints, by step name. */
export function stepsOf(output: readonly string[]): Map<string, Record<string, unknown>> {
  const steps = new Map<string, Record<string, unknown>>();
  for (const line of output) {
    if (!line.startsWith("STEP ")) continue;
    const { step, result } = JSON.parse(line.slice(5)) as {
      step: string;
      result: Record<string, unknown>;
    };
    steps.set(step, result);
  }
  return steps;
}
