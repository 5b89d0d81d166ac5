export interface BackoffOptions {
  /** The first retry's delay (before jitter). */
  baseMs?: number;
  /** No retry waits longer than this. */
  maxMs?: number;
}

export const DEFAULT_BACKOFF = { baseMs: 5_000, maxMs: 3_600_000 } as const;

/**
 * Delay before retry number `attempt` (1 = after the first failure): exponential, capped, with
 * "equal jitter" — half fixed, half random — so that jobs failing together (a provider down)
 * do not all come back in the same instant, yet every retry waits at least half its step.
 */
export function backoffMs(attempt: number, { baseMs = DEFAULT_BACKOFF.baseMs, maxMs = DEFAULT_BACKOFF.maxMs }: BackoffOptions = {}, random: () => number = Math.random): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}
