/**
 * Preloaded into a local mode process by the memory test (node --expose-gc -r this): on SIGUSR2
 * it collects garbage fully and prints the heap in use as a JSON log line. Local mode itself is
 * not changed; this only reads it from the outside.
 */
process.on("SIGUSR2", () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 4; i++) gc?.();
  const heapUsed = process.memoryUsage().heapUsed;
  process.stdout.write(`${JSON.stringify({ message: "heap probe", heapUsed, at: Date.now() })}\n`);
});
