/**
 * Log writes must never stop local mode. When stdout's reader goes away (`npm start | head`, a
 * closed terminal), the next write fails with EPIPE, reported as an 'error' event on the stream;
 * with no listener Node throws it and exits. The room service keeps running without its log.
 */
export function surviveClosedOutput(
  streams: NodeJS.WritableStream[] = [process.stdout, process.stderr],
): void {
  for (const stream of streams) {
    stream.on("error", () => {
      // Nowhere left to report it: the stream is the log.
    });
  }
}
