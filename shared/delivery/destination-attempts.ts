// One attempt to one destination, and what it teaches: the attempts running per destination in this
// process (for the lanes) and the breaker transitions it causes (logged, written, timers armed).
// Where each copy then stands for people looking back is copy-log.ts.
import type { FailedAttempt } from '../domain/delivery-attempt.js';
import type { DeliveryLog } from '../domain/delivery-log.js';
import { NO_METRICS, type DeliveryMetrics } from '../domain/delivery-metrics.js';
import { PROVEN_SECONDS, SLOW_ATTEMPT_MS, STALLED_ATTEMPT_MS, successWorthRecording, type InFlight } from '../domain/delivery-lanes.js';
import { afterFailure, afterSuccess, HEALTHY, transition, type DestinationHealth } from '../domain/destination-health.js';
import { keyOf, labelOf, type DestinationRef } from '../domain/destination.js';
import { deliveryHeaders, timestampOf } from '../domain/fan-out.js';
import type { Notification } from '../domain/notification.js';
import type { HealthStore } from '../domain/parking.js';
import type { RetryPolicy } from '../domain/retry-schedule.js';
import type { PhoneConfig, WebhookTarget } from '../domain/webhook.js';
import { logger, maskPhone } from '../logger.js';
import type { SigningSecrets } from '../signing/signing-secrets.js';
import { ByDestination } from './by-destination.js';
import { CopyLog } from './copy-log.js';
import type { HttpSender, Outcome } from './http-sender.js';
import type { OperationalNotices } from './notices.js';

export interface AttemptDependencies {
  sender: HttpSender;
  health: HealthStore;
  recordFailure(attempt: FailedAttempt): Promise<void>;
  policy: RetryPolicy;
  /** How long what this process learned about a breaker stands in for the cached configuration's copy. */
  knownHealthSeconds: number;
  now(): number;
  random(): number;
  /** Where each copy that failed stands (GET /deliveries); none: nothing is logged. */
  deliveryLog?: Pick<DeliveryLog, 'record'>;
  /** DELIVERY_LOG_SUCCESSES: log first-try 200s too (one write per copy); else only copies that failed before. */
  logSuccesses?: boolean;
  /** What the attempts and their breakers count (default: nothing). */
  metrics?: DeliveryMetrics;
  /** Signs the attempts of signing webhooks. */
  signing: SigningSecrets;
  /** Tells the number's primary when a breaker opens, if it asked to be told. */
  notices?: Pick<OperationalNotices, 'breakerOpened'>;
}

export interface Attempted {
  ok: boolean;
  outcome: Outcome;
  before: DestinationHealth;
  after: DestinationHealth;
  /** A failed attempt, to record once the caller knows when the next one is (see record). */
  failure?: Omit<FailedAttempt, 'nextAttemptAt'>;
  notification: Notification;
  destination: DestinationRef;
}

/**
 * Which breaker state an attempt may move: a regular copy moves only a closed breaker (an attempt
 * made on a stale view of an open one is no probe), a probe only an open one, a drain attempt only a
 * draining one (once a drain attempt reopened it, the others of its step in flight change nothing).
 */
export type AttemptKind = 'regular' | 'probe' | 'drain';

const MOVES: Record<AttemptKind, DestinationHealth['state']> = { regular: 'closed', probe: 'open', drain: 'draining' };

/** The primary's answer that releases the clones, and a clone's that counts as delivered: exactly 200. */
export function isDelivered(outcome: Outcome): boolean {
  return outcome.kind === 'answered' && outcome.status === 200;
}

export class DestinationAttempts {
  /** Start times of the attempts running now, by attempt, per number and destination. */
  private readonly running = new ByDestination<Map<number, number>>();
  private nextAttemptId = 0;
  /** Until when a destination's last quick 200 in this process vouches for it (epoch ms). */
  private readonly provenUntil = new ByDestination<number>();
  /** Breakers this process wrote or read lately: fresher than a cached configuration's copy. */
  private readonly known = new ByDestination<{ health: DestinationHealth; until: number }>();

  /** The failed-attempt records and the delivery log's entries of the copies attempted here. */
  readonly log: CopyLog;

  constructor(private readonly deps: AttemptDependencies) {
    this.log = new CopyLog(deps);
  }

  /** Where the delivery service counts retries, parks, drains and dead letters too. */
  get metrics(): DeliveryMetrics {
    return this.deps.metrics ?? NO_METRICS;
  }

  /** The destination's breaker: what this process learned lately, else the configuration's copy. */
  healthOf(phoneNumber: string, config: PhoneConfig, destination: DestinationRef): DestinationHealth {
    return this.learned(phoneNumber, destination) ?? config.health?.[keyOf(destination)] ?? HEALTHY;
  }

  private learned(phoneNumber: string, destination: DestinationRef): DestinationHealth | undefined {
    const known = this.known.get(phoneNumber, destination);
    return known && known.until > this.deps.now() ? known.health : undefined;
  }

  inFlight(phoneNumber: string, destination: DestinationRef): InFlight {
    const proven = (this.provenUntil.get(phoneNumber, destination) ?? 0) > this.deps.now();
    const starts = this.running.get(phoneNumber, destination);
    if (!starts) return { running: 0, stalled: 0, proven };
    const stalledBefore = performance.now() - STALLED_ATTEMPT_MS;
    let stalled = 0;
    for (const start of starts.values()) if (start < stalledBefore) stalled++;
    return { running: starts.size, stalled, proven };
  }

  /** Sends one copy and keeps the breaker true to the answer; failures are recorded, never thrown. */
  async attempt(
    destination: DestinationRef,
    target: WebhookTarget,
    notification: Notification,
    attempt: number,
    health: DestinationHealth,
    kind: AttemptKind = 'regular',
  ): Promise<Attempted> {
    // The send inline, not behind an async method of its own: each layer is a promise on every copy.
    const over = this.started(notification.phoneNumber, destination);
    let outcome: Outcome;
    try {
      const headers = attemptHeaders(this.deps, destination, target, notification);
      const ready = headers instanceof Promise ? await headers : headers;
      outcome = await this.deps.sender.send({ url: target.url, headers: ready, body: notification.payload });
    } finally {
      over();
    }
    this.metrics.attempted(destination.role, isDelivered(outcome), outcome.latencyMs);
    const { phoneNumber } = notification;
    const moves = (current: DestinationHealth) => current.state === MOVES[kind];
    const now = this.deps.now();
    if (isDelivered(outcome)) {
      this.vouch(phoneNumber, destination, outcome.latencyMs < SLOW_ATTEMPT_MS);
      // The happy path writes nothing: only news for other processes (recovered, slow or fast again).
      // What this process learned meanwhile counts: concurrent attempts may have failed since.
      const latest = this.learned(phoneNumber, destination) ?? health;
      // A copy that failed or was parked before has a record to close; a first-try 200 has none.
      const hasRecord = attempt > 1 || kind !== 'regular' || this.deps.logSuccesses;
      const logged = hasRecord ? this.log.delivered(notification, destination, attempt, outcome) : undefined;
      if (!successWorthRecording(latest, outcome.latencyMs)) {
        if (logged) await logged;
        return { ok: true, outcome, before: latest, after: latest, notification, destination };
      }
      const answer = { status: 200, latencyMs: Math.round(outcome.latencyMs) };
      const [{ before, after }] = await Promise.all([
        this.change(phoneNumber, destination, (current) => (moves(current) ? afterSuccess(current, answer, now) : current)),
        logged,
      ]);
      return { ok: true, outcome, before, after, notification, destination };
    }
    this.vouch(phoneNumber, destination, false);
    const failure = {
      ...(outcome.kind === 'answered' ? { status: outcome.status } : { error: outcome.error }),
      latencyMs: Math.round(outcome.latencyMs),
    };
    const random = this.deps.random();
    const { before, after } = await this.change(phoneNumber, destination, (current) =>
      moves(current) ? afterFailure(current, failure, now, this.deps.policy, random) : current,
    );
    return {
      ok: false,
      outcome,
      before,
      after,
      failure: { phoneNumber, notificationId: notification.id, destination: labelOf(destination), ...failure, attempt, at: now },
      notification,
      destination,
    };
  }

  /** Applies a breaker transition, logs it when the state moved, and remembers the result. */
  async change(phoneNumber: string, destination: DestinationRef, next: (current: DestinationHealth) => DestinationHealth) {
    const result = await this.deps.health.change(phoneNumber, destination, next);
    this.remember(phoneNumber, destination, result.after);
    const moved = transition(result.before, result.after);
    if (moved) {
      this.metrics.breakerMoved(destination.role, result.before.state, result.after.state);
      logger.warn('Destination breaker changed', {
        phone: maskPhone(phoneNumber),
        destination: labelOf(destination),
        transition: moved,
        // For log queries (the arrow in `transition` is for people); the alarms count BreakerOpened (docs/metrics.md).
        from: result.before.state,
        to: result.after.state,
        consecutiveFailures: result.after.consecutiveFailures,
        parked: result.after.parked,
        nextProbeAt: result.after.nextProbeAt,
      });
      if (result.after.state === 'open') await this.deps.notices?.breakerOpened(phoneNumber, destination, result.after);
    }
    return result;
  }

  remember(phoneNumber: string, destination: DestinationRef, health: DestinationHealth): void {
    if (this.known.size >= MAX_KNOWN) this.forgetExpired();
    this.known.set(phoneNumber, destination, { health, until: this.deps.now() + this.deps.knownHealthSeconds * 1000 });
  }

  /** Counts an attempt as running (for the lanes) until the returned function is called. */
  private started(phoneNumber: string, destination: DestinationRef): () => void {
    const id = this.nextAttemptId++;
    let starts = this.running.get(phoneNumber, destination);
    if (!starts) this.running.set(phoneNumber, destination, (starts = new Map<number, number>()));
    starts.set(id, performance.now());
    return () => {
      starts.delete(id);
      if (starts.size === 0) this.running.delete(phoneNumber, destination);
    };
  }

  private vouch(phoneNumber: string, destination: DestinationRef, quick: boolean): void {
    if (!quick) {
      this.provenUntil.delete(phoneNumber, destination);
      return;
    }
    if (this.provenUntil.size >= MAX_KNOWN) this.provenUntil.clear();
    this.provenUntil.set(phoneNumber, destination, this.deps.now() + PROVEN_SECONDS * 1000);
  }

  private forgetExpired(): void {
    const now = this.deps.now();
    this.known.deleteWhere((entry) => entry.until <= now);
  }
}

/** A warm function serving very many numbers sheds expired entries past this size. */
const MAX_KNOWN = 10_000;

/**
 * The headers of an attempt made now: stamped with its time, and signed over it when the webhook
 * signs. Only signing waits (the secrets open asynchronously): an unsigned attempt's headers come
 * back at once, since each promise and await on the send path costs CPU on every copy.
 */
export function attemptHeaders(
  deps: Pick<AttemptDependencies, 'now' | 'signing'>,
  destination: DestinationRef,
  target: WebhookTarget,
  notification: Notification,
): Record<string, string> | Promise<Record<string, string>> {
  const at = deps.now();
  if (!target.signing) return deliveryHeaders(target, notification, at);
  return deps.signing
    .signatureFor(
      { phoneNumber: notification.phoneNumber, destination },
      target.signing,
      notification.id,
      timestampOf(at),
      notification.payload,
      at,
    )
    .then((signature) => deliveryHeaders(target, notification, at, signature));
}
