// What delivery counts, as a port: the Lambda functions publish it as CloudWatch metrics, the local
// runtime keeps counters for its live summary line, tests record it.
import type { BreakerState } from './destination-health.js';
import type { DestinationRef } from './destination.js';

export type Role = DestinationRef['role'];

/** The CloudWatch namespace of every metric the stack publishes or reads from its logs. */
export const METRICS_NAMESPACE = 'MultiWebhook';

/** The `service` dimension Powertools puts on every metric. */
export const METRICS_SERVICE = 'multi-webhook';

/** Metric names, one place for the functions, the alarms, the dashboard and docs/metrics.md. */
export const METRIC = {
  /** An attempt answered exactly 200 (dimension Role). */
  delivered: 'DeliverySucceeded',
  /** An attempt that failed: another status, a timeout or a connection error (dimension Role). */
  failed: 'DeliveryFailed',
  /** Milliseconds from sending an attempt to its outcome (dimension Role). */
  attemptLatency: 'AttemptLatency',
  /** A failed copy put back on the retries queue for a later attempt (dimension Role). */
  retryScheduled: 'RetryScheduled',
  /** A copy parked behind its destination's open breaker (dimension Role). */
  parked: 'CopyParked',
  /** A parked copy delivered by a probe or a drain step (dimension Role). */
  drained: 'CopyDrained',
  /** A copy sent to a dead-letter queue: out of retry window, or parked past it (dimension Role). */
  deadLettered: 'DeadLettered',
  /** A breaker that opened (or reopened during a drain) (dimension Role). */
  breakerOpened: 'BreakerOpened',
  /** A breaker that closed again after its drain (dimension Role). */
  breakerClosed: 'BreakerClosed',
  /** Seconds the oldest parked copy of a destination has waited, when it is parked or probed (no Role). */
  oldestParkedAge: 'OldestParkedAgeSeconds',
} as const;

export interface DeliveryMetrics {
  /** One attempt to one destination and how it ended. */
  attempted(role: Role, delivered: boolean, latencyMs: number): void;
  retryScheduled(role: Role): void;
  /** A copy parked; with how long its line has waited, about (since the breaker opened), when known. */
  parked(role: Role, oldestAgeSeconds?: number): void;
  drained(role: Role): void;
  deadLettered(role: Role): void;
  breakerMoved(role: Role, from: BreakerState, to: BreakerState): void;
  oldestParkedAge(seconds: number): void;
  /** Sends what was counted since the last call: once per invocation. */
  publish(): void;
}

/** For wiring that counts nothing (tests that do not look at metrics). */
export const NO_METRICS: DeliveryMetrics = {
  attempted: () => undefined,
  retryScheduled: () => undefined,
  parked: () => undefined,
  drained: () => undefined,
  deadLettered: () => undefined,
  breakerMoved: () => undefined,
  oldestParkedAge: () => undefined,
  publish: () => undefined,
};
