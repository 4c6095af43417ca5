import type { Logger } from "../handlers/ports";

export interface WarmPoolFillerOptions {
  /** One run of the pool filler (fillWarmPool with local mode's deps), and what it found. */
  readonly fill: () => Promise<{ readonly ready: number; readonly wanted: number }>;
  readonly log: Logger;
  /** The first delay after a server failed to start; it doubles with each failure in a row. */
  readonly firstBackoffMs?: number;
  readonly maxBackoffMs?: number;
}

/**
 * Keeps local mode's warm pool full, one fill at a time. A fill asked for while one runs is not
 * started beside it: one more run follows the current one, however many asked (the core's filler
 * counts the pool and starts the missing servers, so two runs at once would both start them).
 *
 * A warm server that fails on its own (a broken pack that quits at start) would otherwise be
 * replaced at once, fail again, and spin: after such a failure the next fill waits, 1 s and
 * doubling with each failure in a row up to `maxBackoffMs`, until a fill finds the pool full
 * of ready servers again.
 */
export class WarmPoolFiller {
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private failures = 0;
  private delayed: NodeJS.Timeout | undefined;
  private readonly firstBackoffMs: number;
  private readonly maxBackoffMs: number;

  constructor(private readonly options: WarmPoolFillerOptions) {
    this.firstBackoffMs = options.firstBackoffMs ?? 1000;
    this.maxBackoffMs = options.maxBackoffMs ?? 30_000;
  }

  /** Fills now, or right after the run under way. Never throws; failures are logged. */
  request(): void {
    if (this.closed) return;
    if (this.delayed) return; // a failed start asked for a pause; its timer fills
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.loop();
  }

  /** A server failed on its own: the next fill waits (see the class comment). */
  serverFailed(): void {
    if (this.closed) return;
    const delay = Math.min(this.firstBackoffMs * 2 ** this.failures, this.maxBackoffMs);
    this.failures++;
    clearTimeout(this.delayed);
    this.delayed = setTimeout(() => {
      this.delayed = undefined;
      this.request();
    }, delay);
    this.delayed.unref();
  }

  /** Resolves once no fill runs and none is waiting to run (for tests and benches). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** No fill starts after this; resolves when the one under way has finished. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.delayed);
    this.delayed = undefined;
    await this.settled();
  }

  private async loop(): Promise<void> {
    do {
      this.again = false;
      try {
        const report = await this.options.fill();
        // Every warm server wanted is ready: failures in a row are over.
        if (report.ready >= report.wanted) this.failures = 0;
      } catch (error) {
        this.options.log.error("warm pool fill failed", {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    } while (this.again && !this.closed);
    this.running = undefined;
  }
}
