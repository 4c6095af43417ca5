/**
 * Readiness and liveness defaults and rules, in one place for the stack's config (infra/), the
 * handlers (rooms from stacks older than a setting) and local mode's flags.
 */
export const READINESS_DEFAULTS = { heartbeatSeconds: 30, readyTimeoutSeconds: 120 } as const;

/** A ready server silent for this many heartbeat periods is gone, unless a timeout is set. */
export const HEARTBEAT_TIMEOUT_PERIODS = 3;

/**
 * The heartbeat timeout: the one given, or three periods. Under two periods one late heartbeat
 * would drop a live room, so that is refused with a message naming the setting (`what`).
 */
export function heartbeatTimeoutSeconds(
  heartbeatSeconds: number,
  given: number | undefined,
  what: string,
): number {
  const timeout = given ?? HEARTBEAT_TIMEOUT_PERIODS * heartbeatSeconds;
  if (timeout < 2 * heartbeatSeconds) {
    throw new Error(
      `${what} (${timeout}) must be at least two heartbeat periods (2 × ${heartbeatSeconds} = ${2 * heartbeatSeconds}).`,
    );
  }
  return timeout;
}
