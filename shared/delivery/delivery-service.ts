// Delivers notifications: the primary first, the clones only after its exact 200, each destination
// behind its own breaker. A copy is attempted in its lane, moved to the slow lane, parked while its
// destination's breaker is open, retried later as a new delayed message, or dead-lettered at the end
// of its window. Adapters come in as dependencies, so this reads as the rule.
import { DEFER_SECONDS, decideLane, type Lane } from '../domain/delivery-lanes.js';
import { HEALTHY, type DestinationHealth } from '../domain/destination-health.js';
import { cloneRef, labelOf, PRIMARY, targetOf } from '../domain/destination.js';
import { clonesOf } from '../domain/fan-out.js';
import { isTimer, type Notification, type RetriesMessage } from '../domain/notification.js';
import type { HealthStore } from '../domain/parking.js';
import type { PayloadRef, PayloadStore } from '../domain/payload.js';
import type { DeliveryQueue } from '../domain/queues.js';
import { decideRetry, type RetryPolicy } from '../domain/retry-schedule.js';
import type { PhoneConfig, WebhookTarget } from '../domain/webhook.js';
import { logger, maskPhone } from '../logger.js';
import { MAX_DELAY_SECONDS } from '../queue/queue-definitions.js';
import { BreakerTimers } from './breaker-timers.js';
import type { ConfigReader } from './config-cache.js';
import { deadLetterOf, parkedOf, retryMessageOf, type Copy } from './copies.js';
import type { ParkStanding } from './copy-log.js';
import { DestinationAttempts, type Attempted } from './destination-attempts.js';
import type { Outcome } from './http-sender.js';
import type { OperationalNotices } from './notices.js';
import { ParkBatcher } from './park-batcher.js';

/**
 * A payload up to this size is stored inline in the DynamoDB items that hold it (a parked copy, the
 * notification kept for a replay); a larger one goes to the payload store first (items stop at 400 KB).
 */
const MAX_INLINE_PAYLOAD_BYTES = 300 * 1024;
/**
 * A breaker whose probe is this overdue has lost its timer (a send that failed after it was set):
 * the next copy parked behind it sets a new one, so a park can never wait forever.
 */
const PROBE_OVERDUE_MS = 15 * 60 * 1000;

export interface DeliveryDependencies {
  readConfig: ConfigReader;
  attempts: DestinationAttempts;
  health: HealthStore;
  queue: Pick<DeliveryQueue, 'sendRetries' | 'deadLetterAll'>;
  payloads: PayloadStore;
  policy: RetryPolicy;
  now(): number;
  random(): number;
  /** Tells the number's primary when a copy is dead-lettered, if it asked to be told. */
  notices?: Pick<OperationalNotices, 'deadLettered'>;
}

/** What became of a copy. */
export type CopyResult = 'delivered' | 'failed' | 'parked' | 'moved';

export class DeliveryService {
  private readonly timers: BreakerTimers;
  private readonly parks: ParkBatcher;

  constructor(private readonly deps: DeliveryDependencies) {
    this.timers = new BreakerTimers(deps, this);
    this.parks = new ParkBatcher(deps.health);
  }

  /** A notification from the notifications queue: the fast lane. */
  async deliverNotification(notification: Notification, payloadRef?: PayloadRef): Promise<void> {
    const config = await this.deps.readConfig(notification.phoneNumber);
    if (!config.primary) {
      logger.info('No primary webhook: notification dropped', {
        phone: maskPhone(notification.phoneNumber),
        notificationId: notification.id,
      });
      return;
    }
    const copy: Copy = { notification, payloadRef, destination: PRIMARY, attempt: 1, windowStart: notification.receivedAt };
    if ((await this.deliverCopy(copy, config.primary, config, 'fast')) === 'delivered') await this.releaseClones(copy, config, 'fast');
  }

  /** A message from the retries queue (a retry, a copy on the slow lane, or a breaker's timer). */
  async handleRetry(message: RetriesMessage, notification?: Notification): Promise<void> {
    const due = isTimer(message) ? message.at : message.notBefore;
    // A wait longer than SQS's 15-minute delay goes in hops until its time has come.
    if (due !== undefined && due - this.deps.now() > 1000) return this.later(message, (due - this.deps.now()) / 1000);
    if (isTimer(message)) return this.timers.run(message);
    if (!notification) throw new Error('A retry reached the delivery service without its payload.');

    // Read fresh: a deleted clone is dropped and an updated URL is used at once.
    const config = await this.deps.readConfig(message.phoneNumber, { fresh: true });
    const destination = message.kind === 'primary' ? PRIMARY : cloneRef(message.destination);
    const target = targetOf(config, destination);
    if (!target) {
      logger.info('Destination no longer configured or enabled: copy dropped', {
        phone: maskPhone(message.phoneNumber),
        notificationId: message.id,
        destination: labelOf(destination),
      });
      return;
    }
    const copy: Copy = {
      notification,
      payloadRef: message.payloadRef,
      destination,
      attempt: message.attempt ?? 2,
      windowStart: message.kind === 'primary' ? message.firstAttemptAt : message.firstFailedAt,
    };
    const result = await this.deliverCopy(copy, target, config, 'slow');
    if (result === 'delivered' && destination.role === 'primary') await this.releaseClones(copy, config, 'slow');
  }

  /** The gate is open: every enabled clone gets its copy, in parallel, each behind its own breaker. */
  async releaseClones(primary: Copy, config: PhoneConfig, lane: Lane): Promise<void> {
    const windowStart = this.deps.now();
    await Promise.all(
      clonesOf(config).map((clone) =>
        this.deliverCopy({ ...primary, destination: cloneRef(clone.name), attempt: 1, windowStart }, clone, config, lane),
      ),
    );
  }

  /** Attempts a copy in its lane, or moves it to the slow lane, or parks it. */
  async deliverCopy(given: Copy, target: WebhookTarget, config: PhoneConfig, lane: Lane): Promise<CopyResult> {
    const { phoneNumber } = given.notification;
    const health = this.deps.attempts.healthOf(phoneNumber, config, given.destination);
    const decision = decideLane(health, this.deps.attempts.inFlight(phoneNumber, given.destination), lane);
    // Parked, it is stored twice (its item and the notification kept for a replay): a large payload once, by reference.
    const copy = decision === 'park' ? await this.withStoredPayload(given) : given;
    const parked = decision === 'park' && (await this.park(copy, health));
    if (parked) {
      await this.deps.attempts.log.copy(copy, parked);
      // (A paused destination's timers wait for its resume.)
      const overdue = health.nextProbeAt !== undefined && this.deps.now() - health.nextProbeAt > PROBE_OVERDUE_MS;
      if (health.state === 'open' && !health.paused && overdue) {
        await this.timers.arm('probe', phoneNumber, copy.destination, this.deps.now());
      }
      return 'parked';
    }
    if (decision === 'slow-lane' || decision === 'defer') {
      await this.later(retryMessageOf(copy), decision === 'defer' ? DEFER_SECONDS : 0);
      return 'moved';
    }
    const attempted = await this.deps.attempts.attempt(
      copy.destination,
      target,
      copy.notification,
      copy.attempt,
      decision === 'park' ? HEALTHY : health,
    );
    if (attempted.ok) return 'delivered';
    await this.afterFailure(copy, attempted);
    return 'failed';
  }

  /**
   * Parks a copy behind its open breaker (or dead-letters it past its window), and says where it
   * stands: false when the breaker closed meanwhile (attempt it instead).
   */
  async park(copy: Copy, health?: DestinationHealth): Promise<false | ParkStanding> {
    const deadline = copy.windowStart + this.deps.policy.maxAgeSeconds * 1000;
    if (this.deps.now() >= deadline) {
      await this.giveUp(copy, `parked past its retry window after ${copy.attempt - 1} attempts`);
      return { status: 'dead' };
    }
    const stored = await this.withStoredPayload(copy);
    const { notification } = stored;
    const parked = await this.parks.park(parkedOf(stored, deadline, stored.payloadRef));
    if (parked) {
      this.deps.attempts.metrics.parked(copy.destination.role, health?.openedAt && (this.deps.now() - health.openedAt) / 1000);
      // Per copy, the delivery log says where it stands and the metric counts it; the log keeps what
      // happens to the destination (its breaker's changes, each probe). At INFO, a number whose
      // receiver is down at 20/s would write 1.7 M of these a day.
      logger.debug(health?.paused ? 'Copy parked: destination paused' : 'Copy parked behind an open breaker', {
        phone: maskPhone(notification.phoneNumber),
        notificationId: notification.id,
        destination: labelOf(copy.destination),
      });
    }
    return parked && { status: 'parked', giveUpAt: deadline };
  }

  /** Dead-letters a copy with a reason that starts with its destination ("primary ...", "crm ..."). */
  async giveUp(copy: Copy, reason: string): Promise<void> {
    await this.giveUpAll([{ copy, reason }]);
  }

  /**
   * Dead-letters copies together (a drain step's given-up head): SQS bills a batch of up to 10 as
   * one request per 64 KB, and the log has a line per destination and reason with the ids, not one
   * per copy (a receiver down for a week gives up a week of its copies).
   */
  async giveUpAll(given: readonly { copy: Copy; reason: string }[]): Promise<void> {
    if (given.length === 0) return;
    const lines = new Map<string, { source: string; destination: string; reason: string; notificationIds: string[] }>();
    const letters = given.map(({ copy, reason }) => {
      const { source, body } = deadLetterOf(copy);
      const destination = labelOf(copy.destination);
      const why = `${destination} ${reason}`;
      this.deps.attempts.metrics.deadLettered(copy.destination.role);
      const line = lines.get(`${source} ${why}`) ?? { source, destination, reason: why, notificationIds: [] };
      line.notificationIds.push(copy.notification.id);
      lines.set(`${source} ${why}`, line);
      return { source, body, reason: why, phoneNumber: copy.notification.phoneNumber };
    });
    for (const line of lines.values()) logger.error('Delivery given up: dead-lettered', line);
    await this.deps.queue.deadLetterAll(letters);
    for (const [index, { copy }] of given.entries())
      await this.deps.notices?.deadLettered(copy.notification.phoneNumber, copy.destination, copy.notification.id, letters[index]!.reason);
  }

  /** The copy with its payload in the payload store (put there once) when it is too large to store inline. */
  private async withStoredPayload(copy: Copy): Promise<Copy> {
    const { phoneNumber, id, payload } = copy.notification;
    if (copy.payloadRef || Buffer.byteLength(payload) <= MAX_INLINE_PAYLOAD_BYTES) return copy;
    return { ...copy, payloadRef: await this.deps.payloads.put(phoneNumber, id, payload) };
  }

  /** Sends to the retries queue after `delaySeconds`, hopping when that is longer than SQS allows. */
  async later(message: RetriesMessage, delaySeconds: number): Promise<void> {
    const hops = delaySeconds > MAX_DELAY_SECONDS && !isTimer(message);
    const sent = hops ? { ...message, notBefore: this.deps.now() + Math.round(delaySeconds * 1000) } : message;
    await this.deps.queue.sendRetries([sent], Math.min(MAX_DELAY_SECONDS, delaySeconds));
  }

  /** After a failed regular attempt: park behind a breaker that is now open, or retry on the schedule. */
  private async afterFailure(given: Copy, attempted: Attempted): Promise<void> {
    const { before, after, outcome } = attempted;
    // Its first failure keeps the notification for a replay: a large payload by reference, which its retries then carry too.
    const copy = given.attempt === 1 ? await this.withStoredPayload(given) : given;
    const next = { ...copy, attempt: copy.attempt + 1 };
    if (after.state !== 'closed') {
      if (before.state === 'closed') await this.timers.arm('probe', copy.notification.phoneNumber, copy.destination, after.nextProbeAt!);
      const parked = await this.park(next);
      if (parked)
        return this.deps.attempts.log.failed(
          attempted,
          parked.status === 'dead' ? parked : { ...parked, nextAttemptAt: after.nextProbeAt },
          copy.payloadRef,
        );
    }
    const ageSeconds = (this.deps.now() - copy.windowStart) / 1000;
    const decision = decideRetry(copy.attempt, ageSeconds, this.deps.policy, this.deps.random());
    if (decision.kind === 'retry') {
      this.deps.attempts.metrics.retryScheduled(copy.destination.role);
      const nextAttemptAt = this.deps.now() + decision.delaySeconds * 1000;
      await this.deps.attempts.log.failed(attempted, { status: 'retrying', nextAttemptAt }, copy.payloadRef);
      return this.later(retryMessageOf(next), decision.delaySeconds);
    }
    await this.deps.attempts.log.failed(attempted, { status: 'dead' }, copy.payloadRef);
    await this.giveUp(copy, `still failing after ${copy.attempt} attempts over ${Math.round(ageSeconds)} s (${describe(outcome)})`);
  }
}

export function describe(outcome: Outcome): string {
  return outcome.kind === 'answered' ? `HTTP ${outcome.status}` : outcome.error;
}
