// The circuit breaker of one destination: when to stop attempting it, when to probe, when to drain.
// Pure state transitions: callers pass the time (`now`, epoch ms) and the jitter (`random` in [0, 1)).
import { backoffSeconds, type RetryPolicy } from './retry-schedule.js';

/** Consecutive failed attempts of one destination that open its breaker. */
export const BREAKER_FAILURE_THRESHOLD = 5;
/** How many parked notifications one drain step delivers, started in arrival order, before handing on. */
export const DRAIN_BATCH_SIZE = 50;
/**
 * Requests a drain step has open at once to the receiver that just came back: with the step size
 * and interval, a drain runs at up to 50 copies a second and never floods it with more than 10.
 */
export const DRAIN_CONCURRENCY = 10;
/** Pause between drain steps: a receiver that just came back is not flooded. */
export const DRAIN_INTERVAL_SECONDS = 1;

export type BreakerState = 'closed' | 'open' | 'draining';

export interface DestinationHealth {
  state: BreakerState;
  consecutiveFailures: number;
  /** Failed probes since the breaker opened (spaces the next probe). */
  failedProbes: number;
  /** Epoch ms at which the breaker last opened. */
  openedAt?: number;
  /** Epoch ms at which the next probe may run, set while open. */
  nextProbeAt?: number;
  /** Notifications parked for this destination, waiting for the drain. */
  parked: number;
  /** Last HTTP status answered. */
  lastStatus?: number;
  /** timeout | connection | dns | refused-address */
  lastError?: string;
  lastLatencyMs?: number;
  /** Epoch ms of the last state transition. */
  changedAt?: number;
  /** Paused by its owner (an extension): its copies are parked as behind an open breaker, none attempted. */
  paused?: boolean;
}

export interface FailedOutcome {
  status?: number;
  error?: string;
  latencyMs: number;
}

export interface SucceededOutcome {
  status: number;
  latencyMs: number;
}

export const HEALTHY: DestinationHealth = Object.freeze({
  state: 'closed',
  consecutiveFailures: 0,
  failedProbes: 0,
  parked: 0,
});

/**
 * What to do with a new notification (or a clone copy) for this destination. While the breaker is
 * open or draining, new ones queue behind the parked ones so that nothing overtakes them; while the
 * destination is paused, they are parked just the same.
 */
export function admission(health: DestinationHealth): 'attempt' | 'park' {
  return health.state === 'closed' && !health.paused ? 'attempt' : 'park';
}

/** Paused by its owner: nothing is attempted, its copies park (its breaker otherwise unchanged). */
export function afterPaused(health: DestinationHealth): DestinationHealth {
  return { ...health, paused: true };
}

/**
 * Resumed: what was parked while paused drains in arrival order (a closed breaker with a park
 * becomes draining); an open breaker stays open and probes.
 */
export function afterResumed(health: DestinationHealth, now: number): DestinationHealth {
  const { paused: _paused, ...resumed } = health;
  return resumed.state === 'closed' && resumed.parked > 0 ? { ...resumed, state: 'draining', changedAt: now } : resumed;
}

/** After a failed attempt: a status other than exactly 200, a timeout or a connection error. */
export function afterFailure(
  health: DestinationHealth,
  outcome: FailedOutcome,
  now: number,
  policy: RetryPolicy,
  random: number,
): DestinationHealth {
  const observed = { ...health, lastStatus: outcome.status, lastError: outcome.error, lastLatencyMs: outcome.latencyMs };
  const consecutiveFailures = health.consecutiveFailures + 1;
  if (health.state === 'closed') {
    if (consecutiveFailures < BREAKER_FAILURE_THRESHOLD) return { ...observed, consecutiveFailures };
    return {
      ...observed,
      state: 'open',
      consecutiveFailures,
      failedProbes: 0,
      openedAt: now,
      nextProbeAt: now + backoffSeconds(1, policy, random) * 1000,
      changedAt: now,
    };
  }
  // A drain tolerates what a closed breaker tolerates: a receiver that drops the odd request is back,
  // and its failed copy simply waits for the next step; only a run of failures reopens it.
  if (health.state === 'draining' && consecutiveFailures < BREAKER_FAILURE_THRESHOLD) return { ...observed, consecutiveFailures };
  // A failed probe, or a drain that failed again and again: back to open, the next probe one step
  // further out (the first probe waited step 1, so the n-th failed probe waits step n + 1; capped at 6 h).
  const failedProbes = health.failedProbes + 1;
  const reopened = health.state === 'draining';
  return {
    ...observed,
    state: 'open',
    consecutiveFailures,
    failedProbes,
    openedAt: reopened ? now : health.openedAt,
    nextProbeAt: now + backoffSeconds(failedProbes + 1, policy, random) * 1000,
    changedAt: reopened ? now : health.changedAt,
  };
}

/** After an exact 200. A successful probe starts the drain when something is parked. */
export function afterSuccess(health: DestinationHealth, outcome: SucceededOutcome, now: number): DestinationHealth {
  const observed = {
    ...health,
    consecutiveFailures: 0,
    lastStatus: outcome.status,
    lastError: undefined,
    lastLatencyMs: outcome.latencyMs,
  };
  if (health.state !== 'open') return observed;
  const recovered = { ...observed, failedProbes: 0, nextProbeAt: undefined, changedAt: now };
  return health.parked > 0 ? { ...recovered, state: 'draining' } : close(recovered);
}

/**
 * A probe found nothing parked to try (everything waiting was delivered or expired): the breaker
 * closes half-open, one failure short of opening again, so the next real attempt is the probe.
 */
export function afterIdleProbe(health: DestinationHealth, now: number): DestinationHealth {
  return { ...close({ ...health, changedAt: now }), consecutiveFailures: Math.max(0, BREAKER_FAILURE_THRESHOLD - 1) };
}

/** A probe may run: the breaker is open and its next probe time has come. */
export function probeDue(health: DestinationHealth, now: number): boolean {
  return health.state === 'open' && health.nextProbeAt !== undefined && health.nextProbeAt <= now;
}

/** `count` more notifications were parked for this destination. */
export function afterParked(health: DestinationHealth, count: number): DestinationHealth {
  return { ...health, parked: health.parked + count };
}

/** `count` parked notifications left the park (delivered or dead-lettered); an emptied drain closes. */
export function afterUnparked(health: DestinationHealth, count: number, now: number): DestinationHealth {
  const parked = Math.max(0, health.parked - count);
  if (health.state === 'draining' && parked === 0) return close({ ...health, parked, changedAt: now });
  return { ...health, parked };
}

/** A short name for logs of a transition, e.g. 'closed→open'; undefined when the state did not change. */
export function transition(before: DestinationHealth, after: DestinationHealth): string | undefined {
  return before.state === after.state ? undefined : `${before.state}→${after.state}`;
}

function close(health: DestinationHealth): DestinationHealth {
  return { ...health, state: 'closed', failedProbes: 0, openedAt: undefined, nextProbeAt: undefined };
}
