// The timers of an open breaker, as messages on the retries queue: the probe (one parked copy tried,
// spaced by the retry schedule) and the drain (the parked copies delivered in arrival order, a few
// per step, a step per interval), each guarded so that one timer runs per destination at a time.
import {
  afterIdleProbe,
  afterUnparked,
  DRAIN_BATCH_SIZE,
  DRAIN_CONCURRENCY,
  DRAIN_INTERVAL_SECONDS,
  type DestinationHealth,
} from '../domain/destination-health.js';
import { labelOf, refOf, targetOf, type DestinationRef } from '../domain/destination.js';
import type { TimerMessage } from '../domain/notification.js';
import { parkedForEarlierWebhook, type HealthStore, type ParkedNotification } from '../domain/parking.js';
import type { DeliveryQueue } from '../domain/queues.js';
import { MAX_DELAY_SECONDS } from '../queue/queue-definitions.js';
import { PayloadUnavailable } from '../domain/payload.js';
import type { Destination, PhoneConfig, WebhookTarget } from '../domain/webhook.js';
import { DELIVERY_FUNCTION_TIMEOUT_SECONDS } from '../defaults.js';
import { logger, maskPhone } from '../logger.js';
import { copyOfParked, type Copy } from './copies.js';
import type { DeliveryDependencies, DeliveryService } from './delivery-service.js';
import type { AttemptKind } from './destination-attempts.js';

/**
 * Sets a destination's one live timer and sends it to the retries queue; a wait longer than SQS's
 * longest delay is finished in hops when it arrives (DeliveryService.handleRetry).
 */
export async function armTimer(
  deps: { health: Pick<HealthStore, 'armTimer'>; queue: Pick<DeliveryQueue, 'sendRetries'>; now(): number },
  kind: TimerMessage['kind'],
  phoneNumber: string,
  destination: DestinationRef,
  at: number,
): Promise<void> {
  await deps.health.armTimer(phoneNumber, destination, at);
  const name = destination.role === 'clone' ? { destination: destination.name } : {};
  const delaySeconds = Math.min(MAX_DELAY_SECONDS, Math.max(0, (at - deps.now()) / 1000));
  await deps.queue.sendRetries([{ kind, phoneNumber, ...name, at }], delaySeconds);
}

/** A timer's lease outlives the function that holds it, so a crashed step is taken over by the next copy. */
const TIMER_LEASE_MS = DELIVERY_FUNCTION_TIMEOUT_SECONDS * 1000 * 2;
/** A drain step stops starting attempts after this long, well inside the function's timeout. */
const DRAIN_STEP_BUDGET_MS = (DELIVERY_FUNCTION_TIMEOUT_SECONDS * 1000) / 3;

export class BreakerTimers {
  constructor(
    private readonly deps: DeliveryDependencies,
    private readonly delivery: DeliveryService,
  ) {}

  /** Sets the destination's next timer and sends it. */
  async arm(kind: TimerMessage['kind'], phoneNumber: string, destination: DestinationRef, at: number): Promise<void> {
    await armTimer(this.deps, kind, phoneNumber, destination, at);
  }

  async run(timer: TimerMessage): Promise<void> {
    const destination = refOf(timer.destination);
    const { phoneNumber } = timer;
    const now = this.deps.now();
    const claim = await this.deps.health.claimTimer(phoneNumber, destination, timer.at, now, now + TIMER_LEASE_MS);
    if (!claim.claimed) {
      // Held by a step that may have crashed (this may be its own record, received again): come back
      // when the lease ends. If the step finishes, it sets another timer and this copy is spent.
      if (claim.leasedUntil !== undefined) await this.delivery.later(timer, Math.max(1, (claim.leasedUntil - now) / 1000));
      return;
    }
    const health = await this.deps.health.read(phoneNumber, destination);
    const expected = timer.kind === 'probe' ? 'open' : 'draining';
    // A paused destination is neither probed nor drained: its resume sets the timer again.
    if (health.state !== expected || health.paused) return this.deps.health.armTimer(phoneNumber, destination, undefined);
    const config = await this.deps.readConfig(phoneNumber, { fresh: true });
    const target = targetOf(config, destination);
    if (timer.kind === 'probe') await this.probe(phoneNumber, destination, target, config, health);
    else await this.drain(phoneNumber, destination, target, config, health);
  }

  /** Tries the oldest parked copy: a 200 starts the drain, anything else sets the next probe further out. */
  private async probe(
    phoneNumber: string,
    destination: DestinationRef,
    target: WebhookTarget | undefined,
    config: PhoneConfig,
    health: DestinationHealth,
  ) {
    const {
      live: [copy],
      removed,
    } = await this.liveParked(phoneNumber, destination, target, 1);
    if (copy) {
      this.deps.attempts.metrics.oldestParkedAge((this.deps.now() - copy.copy.notification.receivedAt) / 1000);
      logger.info('Probing with the oldest parked copy', {
        phone: maskPhone(phoneNumber),
        destination: labelOf(destination),
        parked: health.parked,
        oldestParkedAgeSeconds: Math.round((this.deps.now() - copy.copy.notification.receivedAt) / 1000),
      });
    }
    if (!copy || !target) {
      // Nothing waits: close half-open, so the next real attempt is the probe. Not if a copy was parked
      // since the line was read (the count moved past what this probe saw): closing would strand it,
      // so the next probe comes at once and takes it. A count that did not move is what the line holds.
      const now = this.deps.now();
      const seen = health.parked - removed;
      const { after } = await this.deps.attempts.change(phoneNumber, destination, (current) =>
        current.state === 'open' && (current.parked === 0 || current.parked === seen) ? afterIdleProbe(current, now) : current,
      );
      if (target && after.state === 'open' && !after.paused && after.parked > 0) {
        logger.info('A copy was parked during an idle probe: probing again', {
          phone: maskPhone(phoneNumber),
          destination: labelOf(destination),
        });
        return this.arm('probe', phoneNumber, destination, now + DRAIN_INTERVAL_SECONDS * 1000);
      }
      return this.deps.health.armTimer(phoneNumber, destination, undefined);
    }
    const attempted = await this.attemptParked(copy, target, config, health, 'probe');
    if (!attempted.ok) return this.arm('probe', phoneNumber, destination, attempted.after.nextProbeAt ?? this.deps.now());
    logger.info('Probe succeeded: draining parked copies', { phone: maskPhone(phoneNumber), destination: labelOf(destination) });
    await this.arm('drain', phoneNumber, destination, this.deps.now() + DRAIN_INTERVAL_SECONDS * 1000);
  }

  /**
   * Attempts the next parked copies in arrival order; a copy that fails waits for the next step, a
   * run of failures reopens the breaker. Closes it once none is left.
   */
  private async drain(
    phoneNumber: string,
    destination: DestinationRef,
    target: WebhookTarget | undefined,
    config: PhoneConfig,
    health: DestinationHealth,
  ) {
    const copies = target ? (await this.liveParked(phoneNumber, destination, target, DRAIN_BATCH_SIZE)).live : [];
    const startedAt = performance.now();
    // The breaker as the step last saw it: a run of failures reopens it and stops the step.
    const seen = { health };
    const reopened = () => seen.health.state === 'open';
    let next = 0;
    // DRAIN_CONCURRENCY workers take the copies in arrival order, so every copy starts after the ones before it.
    const worker = async (): Promise<void> => {
      while (next < copies.length && !reopened() && performance.now() - startedAt < DRAIN_STEP_BUDGET_MS) {
        const attempted = await this.attemptParked(copies[next++]!, target!, config, seen.health, 'drain');
        if (!reopened()) seen.health = attempted.after;
      }
    };
    await Promise.all(Array.from({ length: DRAIN_CONCURRENCY }, worker));
    if (reopened()) return this.arm('probe', phoneNumber, destination, seen.health.nextProbeAt ?? this.deps.now());
    const now = this.deps.now();
    const { after } = await this.deps.attempts.change(phoneNumber, destination, (current) =>
      current.state === 'draining' && current.parked === 0 ? afterUnparked(current, 0, now) : current,
    );
    if (after.state === 'closed') {
      logger.info('Drain finished: breaker closed', { phone: maskPhone(phoneNumber), destination: labelOf(destination) });
      return this.deps.health.armTimer(phoneNumber, destination, undefined);
    }
    await this.arm('drain', phoneNumber, destination, now + DRAIN_INTERVAL_SECONDS * 1000);
  }

  /** One parked copy, as a probe: unparked on its 200 (and, for the primary, its clones released). */
  private async attemptParked(
    parked: { copy: Copy; item: ParkedNotification },
    target: WebhookTarget,
    config: PhoneConfig,
    health: DestinationHealth,
    kind: AttemptKind,
  ) {
    const { copy, item } = parked;
    const attempted = await this.deps.attempts.attempt(copy.destination, target, copy.notification, copy.attempt, health, kind);
    if (!attempted.ok) {
      const next = attempted.after.state === 'open' ? attempted.after.nextProbeAt : this.deps.now() + DRAIN_INTERVAL_SECONDS * 1000;
      const standing = { status: 'parked' as const, giveUpAt: item.deadline, ...(next !== undefined && { nextAttemptAt: next }) };
      await Promise.all([this.deps.attempts.log.failed(attempted, standing, copy.payloadRef), this.deps.health.countAttempt(item)]);
      return attempted;
    }
    await this.deps.health.unpark(item);
    this.deps.attempts.metrics.drained(copy.destination.role);
    if (copy.destination.role === 'primary') await this.delivery.releaseClones(copy, config, 'slow');
    return attempted;
  }

  /**
   * The oldest parked copies with their payloads. Copies past their window are dead-lettered and
   * copies whose destination is gone are dropped on the way, so neither ever blocks the line. Those
   * at the head of the line leave it in one write and wait for their TTL (deleting each would cost
   * its size in write units); one behind a live copy is deleted.
   */
  private async liveParked(
    phoneNumber: string,
    destination: DestinationRef,
    target: WebhookTarget | Destination | undefined,
    limit: number,
  ) {
    const live: { copy: Copy; item: ParkedNotification }[] = [];
    /** Copies given up or dropped: out of the line and its count. */
    let removedInAll = 0;
    // A probe reads one copy; once copies are being given up, the rest of a long expired head comes a drain step's worth at a time.
    for (let batch = limit; ; batch = Math.max(limit, DRAIN_BATCH_SIZE)) {
      const items = await this.deps.health.oldestParked(phoneNumber, destination, batch);
      const head: ParkedNotification[] = [];
      /** Given up or dropped behind a live copy: deleted, once their dead letters are sent. */
      const behind: ParkedNotification[] = [];
      const given: { copy: Copy; reason: string; recorded: boolean }[] = [];
      /** Parked for an earlier webhook of this name: never in this breaker's count (parkedForEarlierWebhook). */
      let discarded = 0;
      for (const item of items) {
        if (target && 'addedAt' in target && parkedForEarlierWebhook(item, target.addedAt)) {
          await this.deps.health.discard(item);
          logger.info('Parked copy dropped: parked for an earlier webhook of this name', {
            phone: maskPhone(phoneNumber),
            notificationId: item.id,
            destination: labelOf(destination),
          });
          discarded++;
          continue;
        }
        const verdict = await this.readParked(item, target);
        if ('copy' in verdict) {
          live.push({ copy: verdict.copy, item });
          if (live.length === limit) break;
          continue;
        }
        if (verdict.deadLetter) given.push({ copy: verdict.deadLetter, reason: verdict.reason, recorded: verdict.recorded === true });
        else
          logger.info('Parked copy dropped: destination no longer configured', {
            phone: maskPhone(phoneNumber),
            notificationId: item.id,
            destination: labelOf(destination),
          });
        (live.length === 0 ? head : behind).push(item);
      }
      // Out of the line only once every dead letter of them is sent.
      await this.delivery.giveUpAll(given);
      // A record that reads as dead from its window's end on needs no write (standingAt).
      for (const { copy, recorded } of given) if (!recorded) await this.deps.attempts.log.copy(copy, { status: 'dead' }, true);
      for (const item of behind) await this.deps.health.unpark(item);
      const removed = head.length + behind.length;
      removedInAll += removed;
      // A late copy joined before the head meanwhile: the head is deleted instead (the next read finds the late one first).
      if (head.length > 0 && !(await this.deps.health.leaveToExpire(head))) for (const item of head) await this.deps.health.unpark(item);
      // Nothing was taken out of the line: what is left is live (or there is nothing left).
      if ((removed === 0 && discarded === 0) || live.length === limit || items.length < batch) return { live, removed: removedInAll };
      live.length = 0;
    }
  }

  private async readParked(
    item: ParkedNotification,
    target: WebhookTarget | undefined,
  ): Promise<{ copy: Copy } | { deadLetter?: Copy; reason: string; recorded?: boolean }> {
    let payload: string | undefined = item.payload;
    try {
      if (item.payloadRef) payload = await this.deps.payloads.load(item.phoneNumber, item.payloadRef);
    } catch (error) {
      if (!(error instanceof PayloadUnavailable)) throw error;
      return { deadLetter: copyOfParked(item, ''), reason: `malformed: ${error.message}` };
    }
    const copy = copyOfParked(item, payload ?? '');
    if (this.deps.now() >= item.deadline) {
      const reason = `parked past its retry window after ${copy.attempt - 1} attempts`;
      return { deadLetter: copy, reason, recorded: item.recordDiesAtDeadline === true };
    }
    if (!target) return { reason: 'destination gone' };
    return { copy };
  }
}
