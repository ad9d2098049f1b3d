// Parked notifications: what waits while a destination's breaker is open, in arrival order, and the
// port that keeps them together with each destination's health.
import type { DestinationHealth } from './destination-health.js';
import type { DestinationRef } from './destination.js';
import type { PayloadRef } from './payload.js';

export interface ParkedNotification {
  phoneNumber: string;
  destination: DestinationRef;
  /** `webhook-id`. */
  id: string;
  receivedAt: number;
  signature?: string;
  /** Exactly one of payload and payloadRef. */
  payload?: string;
  payloadRef?: PayloadRef;
  /** The attempt its next delivery makes. */
  attempt: number;
  /** Epoch ms its retry window counts from (the first attempt, or a clone's first failure). */
  windowStart: number;
  /** Epoch ms after which it is dead-lettered instead of attempted. */
  deadline: number;
  /**
   * Its delivery-log record reads as dead from the deadline on (it carries giveUpAt, standingAt), so
   * its give-up writes none. Unset on copies parked before records carried it.
   */
  recordDiesAtDeadline?: true;
  /** Where the store keeps it in the line, when not where its arrival alone would put it (set by the store). */
  position?: string;
}

export interface HealthStore {
  /** The destination's health, read consistently (HEALTHY when it has none yet). */
  read(phoneNumber: string, destination: DestinationRef): Promise<DestinationHealth>;
  /**
   * Applies a transition computed from the current health, again on a fresh read when another
   * writer got there first, and returns the health before and after.
   */
  change(
    phoneNumber: string,
    destination: DestinationRef,
    next: (current: DestinationHealth) => DestinationHealth,
  ): Promise<{ before: DestinationHealth; after: DestinationHealth }>;
  /** Parks a notification while the breaker is not closed or the destination is paused; false (and nothing stored) otherwise. */
  park(parked: ParkedNotification): Promise<boolean>;
  /** Parks copies of one destination together (one write where it can), each as `park` would: true where parked. */
  parkAll(group: readonly ParkedNotification[]): Promise<boolean[]>;
  /** The oldest parked notifications of a destination still in its line, oldest first. */
  oldestParked(phoneNumber: string, destination: DestinationRef, limit: number): Promise<ParkedNotification[]>;
  /** Counts a failed probe made with a parked notification: its next delivery is one attempt further. */
  countAttempt(parked: ParkedNotification): Promise<void>;
  /** Removes a parked notification (delivered or dead-lettered) and counts it out of the destination's park. */
  unpark(parked: ParkedNotification): Promise<void>;
  /** Deletes a parked notification its destination's count never had (parked for an earlier webhook of the name). */
  discard(parked: ParkedNotification): Promise<void>;
  /**
   * Takes the head of a destination's line (the first notifications `oldestParked` returned, in that
   * order, already dead-lettered or dropped) out of it in one write, without deleting them: they are
   * never returned again and their TTL removes them. False when the line changed before its head
   * since that read (a late copy joined it there): then nothing changed.
   */
  leaveToExpire(head: ParkedNotification[]): Promise<boolean>;
  /** Sets the destination's one live timer (its next probe or drain step), or none; frees the running one's lease. */
  armTimer(phoneNumber: string, destination: DestinationRef, at: number | undefined): Promise<void>;
  /**
   * Takes the lease of the timer set for `at`, which ends at `leaseUntil` if nobody frees it. Not
   * claimed when another timer replaced it (a spent copy SQS handed out twice), or while its lease
   * is held (then `leasedUntil` says until when).
   */
  claimTimer(phoneNumber: string, destination: DestinationRef, at: number, now: number, leaseUntil: number): Promise<TimerClaim>;
}

export type TimerClaim = { claimed: true } | { claimed: false; leasedUntil?: number };

/**
 * Clocks of the functions that add a webhook and deliver may differ a little: a copy counts as an
 * earlier webhook's only when its window started this long before the webhook was added.
 */
const EARLIER_WEBHOOK_MARGIN_MS = 60_000;

/**
 * A clone deleted and added again under the same name gets a new breaker, but its line still holds
 * the copies parked for the webhook it replaced, until their TTL. A clone's copy starts its window
 * when the primary answers 200, after its clone was configured: one that started well before the
 * clone was added belongs to the earlier webhook and must not reach this one.
 */
export function parkedForEarlierWebhook(parked: ParkedNotification, addedAt: number | undefined): boolean {
  return parked.destination.role === 'clone' && addedAt !== undefined && parked.windowStart < addedAt - EARLIER_WEBHOOK_MARGIN_MS;
}
