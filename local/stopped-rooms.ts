/**
 * Why recently stopped rooms stopped. The room core deletes a room when its server stops, so a
 * client polling a room that never came up would see only "No room is named". Local mode keeps
 * the reason for a short while and adds it to that 404 as `stoppedReason`.
 */
export class StoppedRooms {
  private readonly reasons = new Map<string, { reason: string; until: number }>();

  constructor(
    private readonly keepMs = 120_000,
    private readonly now: () => number = Date.now,
    /** Bounded, so a stream of failing rooms cannot grow memory. */
    private readonly maxEntries = 500,
  ) {}

  remember(name: string, reason: string): void {
    const key = name.toLowerCase();
    this.reasons.delete(key);
    this.reasons.set(key, { reason, until: this.now() + this.keepMs });
    while (this.reasons.size > this.maxEntries) {
      const oldest = this.reasons.keys().next().value as string;
      this.reasons.delete(oldest);
    }
  }

  reasonFor(name: string): string | undefined {
    const key = name.trim().toLowerCase();
    const entry = this.reasons.get(key);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.reason;
    this.reasons.delete(key);
    return undefined;
  }
}
