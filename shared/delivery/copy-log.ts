// Where each copy stands, for people looking back: the record of each failed attempt and the copy's
// entry in the delivery log (GET /deliveries). Writing either must never fail a delivery: a failed
// write is logged and the delivery goes on.
import type { FailedAttempt } from '../domain/delivery-attempt.js';
import { excerptOf, type DeliveryOutcome } from '../domain/delivery-log.js';
import { labelOf, type DestinationRef } from '../domain/destination.js';
import type { Notification } from '../domain/notification.js';
import type { PayloadRef } from '../domain/payload.js';
import { logger, maskPhone } from '../logger.js';
import type { AttemptDependencies, Attempted } from './destination-attempts.js';
import type { Outcome } from './http-sender.js';

/** Where a copy stands once an outcome is written: its record's status and what comes next. */
export type CopyStanding =
  | { status: 'retrying'; nextAttemptAt: number }
  /** Until the end of its window (`giveUpAt`), past which its record reads as dead (standingAt). */
  | { status: 'parked'; giveUpAt: number; nextAttemptAt?: number }
  | { status: 'dead' };
/** Where a copy stands after a park: parked, or given up instead. */
export type ParkStanding = Exclude<CopyStanding, { status: 'retrying' }>;

export class CopyLog {
  constructor(private readonly deps: Pick<AttemptDependencies, 'recordFailure' | 'deliveryLog' | 'now'>) {}

  /**
   * A failed attempt for people looking back, with its next attempt (none: the last), and where its
   * copy now stands in the delivery log; failing to write either must not fail the delivery.
   */
  async failed(attempted: Attempted, standing: CopyStanding, payloadRef?: PayloadRef): Promise<void> {
    if (!attempted.failure) return;
    const nextAttemptAt = standing.status === 'dead' ? undefined : standing.nextAttemptAt;
    const failure: FailedAttempt = { ...attempted.failure, ...(nextAttemptAt !== undefined && { nextAttemptAt }) };
    logger.warn('Delivery attempt failed', { ...failure, phoneNumber: maskPhone(failure.phoneNumber) });
    const { outcome, notification, destination } = attempted;
    await Promise.all([
      this.deps.recordFailure(failure).catch((error: unknown) => notRecorded('Failed attempt not recorded', failure, error)),
      this.write(
        notification,
        destination,
        {
          ...standing,
          attempts: failure.attempt,
          ...(failure.status !== undefined && { lastStatus: failure.status }),
          ...(failure.error !== undefined && { lastError: failure.error }),
          lastLatencyMs: failure.latencyMs,
          ...(outcome.kind === 'answered' && outcome.bodyExcerpt && { responseExcerpt: excerptOf(outcome.bodyExcerpt) }),
        },
        // A copy's first failure keeps what a replay needs; its later ones find it kept.
        failure.attempt === 1 ? payloadRef : undefined,
        failure.attempt === 1,
      ),
    ]);
  }

  /**
   * Where a copy stands in the delivery log when no attempt of it just failed: parked on arrival
   * behind an open breaker (its first entry: the notification is kept too), or dead-lettered. A
   * parked copy has its entry already (`recorded`): the notification is not written again.
   */
  async copy(
    copy: { notification: Notification; destination: DestinationRef; attempt: number; payloadRef?: PayloadRef },
    standing: ParkStanding,
    recorded = false,
  ) {
    const attempts = copy.attempt - 1;
    await this.write(copy.notification, copy.destination, { ...standing, attempts }, copy.payloadRef, attempts === 0 && !recorded);
  }

  async delivered(notification: Notification, destination: DestinationRef, attempt: number, outcome: Outcome): Promise<void> {
    if (outcome.kind !== 'answered') return;
    await this.write(notification, destination, {
      status: 'delivered',
      attempts: attempt,
      lastStatus: outcome.status,
      lastLatencyMs: Math.round(outcome.latencyMs),
      ...(outcome.bodyExcerpt && { responseExcerpt: excerptOf(outcome.bodyExcerpt) }),
    });
  }

  private async write(
    notification: Notification,
    destination: DestinationRef,
    outcome: Pick<
      DeliveryOutcome,
      'status' | 'attempts' | 'lastStatus' | 'lastError' | 'lastLatencyMs' | 'nextAttemptAt' | 'responseExcerpt' | 'giveUpAt'
    >,
    payloadRef?: PayloadRef,
    keep = false,
  ): Promise<void> {
    const log = this.deps.deliveryLog;
    if (!log) return;
    const { id, phoneNumber, receivedAt, signature, payload } = notification;
    const kept = keep
      ? { id, phoneNumber, receivedAt, ...(signature && { signature }), ...(payloadRef ? { payloadRef } : { payload }) }
      : undefined;
    const entry = { phoneNumber, notificationId: id, receivedAt, destination, ...outcome, at: this.deps.now() };
    await log
      .record(entry, kept)
      .catch((error: unknown) => notRecorded('Delivery log not updated', { notificationId: id, destination: labelOf(destination) }, error));
  }
}

function notRecorded(message: string, what: { notificationId: string; destination: string }, error: unknown): void {
  logger.error(message, {
    notificationId: what.notificationId,
    destination: what.destination,
    error: error instanceof Error ? error.name : 'unknown',
  });
}
