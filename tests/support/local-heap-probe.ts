/**
 * Preloaded into a local mode process by the memory test (node --expose-gc -r this): on SIGUSR2
 * it collects garbage fully and prints the heap in use, RSS and external memory as a JSON log line.
 * Local mode itself is not changed; this only reads it from the outside.
 */
process.on("SIGUSR2", () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 4; i++) gc?.();
  const { heapUsed, rss, external, arrayBuffers } = process.memoryUsage();
  process.stdout.write(
    `${JSON.stringify({ message: "heap probe", heapUsed, rss, external, arrayBuffers })}\n`,
  );
});
