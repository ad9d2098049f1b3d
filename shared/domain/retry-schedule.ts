// When a failed delivery is tried again, and when it is given up: pure arithmetic, no clocks.

/** Backoff never waits longer than this between attempts (SQS allows 12 h of visibility). */
export const MAX_BACKOFF_SECONDS = 6 * 60 * 60;

export interface RetryPolicy {
  /** First backoff step (RETRY_BASE_SECONDS). */
  baseSeconds: number;
  /** Give-up age (RETRY_MAX_AGE_SECONDS), counted from the first attempt. */
  maxAgeSeconds: number;
}

/**
 * Seconds to wait after failed attempt number `attempt` (1-based): base * 2^(attempt-1), capped,
 * with "equal jitter" (between half and all of the step) so that a crowd of notifications that
 * failed together does not come back together. `random` is in [0, 1).
 */
export function backoffSeconds(attempt: number, policy: RetryPolicy, random: number): number {
  const step = Math.min(MAX_BACKOFF_SECONDS, policy.baseSeconds * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(step / 2 + (step / 2) * random);
}

export type RetryDecision = { kind: 'retry'; delaySeconds: number } | { kind: 'give-up' };

/** After a failed attempt: wait and retry within the window, or give up (dead-letter queue). */
export function decideRetry(attempt: number, ageSeconds: number, policy: RetryPolicy, random: number): RetryDecision {
  const remaining = policy.maxAgeSeconds - ageSeconds;
  if (remaining <= 0) return { kind: 'give-up' };
  // The last retry lands at the end of the window rather than past it.
  return { kind: 'retry', delaySeconds: Math.max(0, Math.min(backoffSeconds(attempt, policy, random), Math.ceil(remaining))) };
}
