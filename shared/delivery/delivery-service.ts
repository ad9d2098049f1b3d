// Delivers one queued notification or clone retry: the primary first, the clones only after its 200,
// each failing clone retried on its own. Adapters come in as dependencies, so this reads as the rule.
import { clonesOf, deliveryHeaders, releasesClones } from '../domain/fan-out.js';
import type { CloneRetryMessage, Notification } from '../domain/notification.js';
import { decideRetry, type RetryPolicy } from '../domain/retry-schedule.js';
import type { WebhookTarget } from '../domain/webhook.js';
import { logger, maskPhone } from '../logger.js';
import type { FailedAttempt } from '../domain/delivery-attempt.js';
import type { ConfigReader } from './config-cache.js';
import type { HttpSender, Outcome } from './http-sender.js';

export interface DeliveryDependencies {
  readConfig: ConfigReader;
  sender: HttpSender;
  /** Queues failed clones on the retries queue, first attempt after `delaySeconds`. */
  scheduleCloneRetries(retries: CloneRetryMessage[], delaySeconds: number): Promise<void>;
  recordFailure(attempt: FailedAttempt): Promise<void>;
  policy: RetryPolicy;
  now(): number;
  random(): number;
}

/** What the queue should do with the record: forget it, show it again later, or dead-letter it. */
export type RecordOutcome = { kind: 'done' } | { kind: 'retry'; delaySeconds: number } | { kind: 'give-up'; reason: string };

const DONE: RecordOutcome = { kind: 'done' };

export class DeliveryService {
  constructor(private readonly deps: DeliveryDependencies) {}

  /**
   * A notification from the notifications queue. `attempt` is the queue's receive count; `payloadRef`
   * is carried into clone retries so a large payload is not copied into every message.
   */
  async deliverNotification(notification: Notification, attempt: number, payloadRef?: CloneRetryMessage['payloadRef']): Promise<RecordOutcome> {
    const config = await this.deps.readConfig(notification.phoneNumber);
    if (!config.primary) {
      logger.info('No primary webhook: notification dropped', { phone: maskPhone(notification.phoneNumber), notificationId: notification.id });
      return DONE;
    }
    const primary = await this.send(config.primary, notification);
    if (!isAccepted(primary)) {
      return this.failed(notification, 'primary', primary, attempt, notification.receivedAt);
    }

    const clones = clonesOf(config);
    const outcomes = await Promise.all(clones.map((clone) => this.send(clone, notification)));
    const failed = clones.filter((_, index) => !isSuccess(outcomes[index]!));
    if (failed.length === 0) return DONE;

    const failedAt = this.deps.now();
    const delaySeconds = this.retryDelay(1, 0);
    await this.deps.scheduleCloneRetries(
      failed.map((clone) => ({ ...cloneRetryOf(notification, payloadRef), destination: clone.name, firstFailedAt: failedAt })),
      delaySeconds,
    );
    await Promise.all(
      failed.map((clone) =>
        this.record(notification, clone.name, outcomes[clones.indexOf(clone)]!, 1, failedAt + delaySeconds * 1000),
      ),
    );
    return DONE;
  }

  /** A clone retry from the retries queue; `attempt` counts the clone's attempts, the first included. */
  async retryClone(retry: CloneRetryMessage, notification: Notification, attempt: number): Promise<RecordOutcome> {
    // Read fresh: a deleted clone is dropped and an updated URL is used at once.
    const config = await this.deps.readConfig(retry.phoneNumber, { fresh: true });
    const clone = clonesOf(config).find((destination) => destination.name === retry.destination);
    if (!clone) {
      logger.info('Clone no longer configured or enabled: retry dropped', { phone: maskPhone(retry.phoneNumber), notificationId: retry.id });
      return DONE;
    }
    const outcome = await this.send(clone, notification);
    return isSuccess(outcome) ? DONE : this.failed(notification, clone.name, outcome, attempt, retry.firstFailedAt);
  }

  private send(target: WebhookTarget, notification: Notification): Promise<Outcome> {
    return this.deps.sender.send({ url: target.url, headers: deliveryHeaders(target, notification), body: notification.payload });
  }

  /** Records a failed attempt and decides between another attempt later and the dead-letter queue. */
  private async failed(notification: Notification, destination: string, outcome: Outcome, attempt: number, firstAttemptAt: number): Promise<RecordOutcome> {
    const ageSeconds = (this.deps.now() - firstAttemptAt) / 1000;
    const decision = decideRetry(attempt, ageSeconds, this.deps.policy, this.deps.random());
    const nextAttemptAt = decision.kind === 'retry' ? this.deps.now() + decision.delaySeconds * 1000 : undefined;
    await this.record(notification, destination, outcome, attempt, nextAttemptAt);
    if (decision.kind === 'retry') return decision;
    return { kind: 'give-up', reason: `${destination} still failing after ${attempt} attempts over ${Math.round(ageSeconds)} s (${describe(outcome)})` };
  }

  private retryDelay(attempt: number, ageSeconds: number): number {
    const decision = decideRetry(attempt, ageSeconds, this.deps.policy, this.deps.random());
    return decision.kind === 'retry' ? decision.delaySeconds : 0;
  }

  private async record(notification: Notification, destination: string, outcome: Outcome, attempt: number, nextAttemptAt: number | undefined): Promise<void> {
    const failure: FailedAttempt = {
      phoneNumber: notification.phoneNumber,
      notificationId: notification.id,
      destination,
      ...(outcome.kind === 'answered' ? { status: outcome.status } : { error: outcome.error }),
      latencyMs: Math.round(outcome.latencyMs),
      attempt,
      nextAttemptAt,
      at: this.deps.now(),
    };
    logger.warn('Delivery attempt failed', { ...failure, phoneNumber: maskPhone(failure.phoneNumber) });
    // The attempt record is for people looking back, not delivery state: failing to write it must
    // not turn one clone's failure into a second copy for the primary and the healthy clones.
    await this.deps.recordFailure(failure).catch((error: unknown) =>
      logger.error('Failed attempt not recorded', { notificationId: failure.notificationId, destination, error: error instanceof Error ? error.name : 'unknown' }),
    );
  }
}

/** The primary's answer that releases the clones: exactly 200. */
function isAccepted(outcome: Outcome): boolean {
  return outcome.kind === 'answered' && releasesClones(outcome.status);
}

/** A clone copy counts as delivered on the same terms as the primary (exactly 200). */
const isSuccess = isAccepted;

function cloneRetryOf(notification: Notification, payloadRef: CloneRetryMessage['payloadRef']): Omit<CloneRetryMessage, 'destination' | 'firstFailedAt'> {
  const { id, phoneNumber, signature, receivedAt } = notification;
  return { id, phoneNumber, receivedAt, ...(signature && { signature }), ...(payloadRef ? { payloadRef } : { payload: notification.payload }) };
}

function describe(outcome: Outcome): string {
  return outcome.kind === 'answered' ? `HTTP ${outcome.status}` : outcome.error;
}
