// Where an attempt runs: the fast lane (the notifications queue) only for destinations that answer
// quickly, so a slow, failing or hung receiver never holds up another number's batch; the slow lane
// (the retries queue) for the others, with a cap on concurrent attempts per destination; or the park,
// while the destination's breaker is open.
import { admission, type DestinationHealth } from './destination-health.js';

/** An attempt slower than this marks the destination slow: its next copies take the slow lane. */
export const SLOW_ATTEMPT_MS = 1000;
/** An attempt still running after this long makes further copies to the destination take the slow lane. */
export const STALLED_ATTEMPT_MS = 250;
/** Attempts in flight per destination and process on the slow lane; more wait a little (deferred). */
export const MAX_ATTEMPTS_IN_FLIGHT_PER_DESTINATION = 2;
/** How long a deferred copy waits before it is tried again (not an attempt: nothing was sent). */
export const DEFER_SECONDS = 5;

export type Lane = 'fast' | 'slow';

export type LaneDecision = 'attempt' | 'park' | 'slow-lane' | 'defer';

export interface InFlight {
  /** Attempts to the destination running in this process. */
  running: number;
  /** Of those, the ones running longer than STALLED_ATTEMPT_MS. */
  stalled: number;
  /** Whether the destination answered a quick 200 in this process lately (see PROVEN_SECONDS). */
  proven: boolean;
}

/** How long a quick 200 vouches for a destination, so the fast lane may attempt it several times at once. */
export const PROVEN_SECONDS = 60;

/** A destination whose copies do not belong in the fast lane: it failed last time, or answers slowly. */
export function isSuspect(health: DestinationHealth): boolean {
  return health.consecutiveFailures > 0 || (health.lastLatencyMs ?? 0) >= SLOW_ATTEMPT_MS;
}

/**
 * On the fast lane, a destination this process has not seen answer quickly gets one attempt at a
 * time: a receiver that hangs from the start then holds up one batch, not every batch that
 * happens to hold one of its copies. A proven one is attempted freely until an attempt stalls.
 */
export function decideLane(health: DestinationHealth, inFlight: InFlight, lane: Lane): LaneDecision {
  if (admission(health) === 'park') return 'park';
  if (lane === 'fast') {
    const busy = inFlight.proven ? inFlight.stalled > 0 : inFlight.running > 0;
    return isSuspect(health) || busy ? 'slow-lane' : 'attempt';
  }
  return inFlight.running >= MAX_ATTEMPTS_IN_FLIGHT_PER_DESTINATION ? 'defer' : 'attempt';
}

/**
 * Whether a successful attempt changes what other processes should know: failures to reset, a probe
 * that closes an open breaker, or slowness that flipped. A drain's steady successes write nothing.
 */
export function successWorthRecording(health: DestinationHealth, latencyMs: number): boolean {
  const wasSlow = (health.lastLatencyMs ?? 0) >= SLOW_ATTEMPT_MS;
  return health.consecutiveFailures > 0 || health.state === 'open' || wasSlow !== latencyMs >= SLOW_ATTEMPT_MS;
}
