// The delivery log: one record per notification and destination, updated in place on each outcome,
// for the clients who look back (GET /deliveries) and for replay. The port, and its pure rules.
import type { DestinationRef } from './destination.js';
import type { PayloadRef } from './payload.js';

/**
 * Where a copy stands: `retrying` (failed, its next attempt scheduled), `parked` (behind its
 * destination's open breaker), `dead` (given up: in the dead-letter queue), `delivered` (a 200
 * after failures, or any 200 with DELIVERY_LOG_SUCCESSES).
 */
export const DELIVERY_STATUSES = ['retrying', 'parked', 'dead', 'delivered'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The statuses a list may filter on: `failed` is every copy not delivered (retrying, parked or dead). */
export const STATUS_FILTERS = ['failed', ...DELIVERY_STATUSES] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export function statusesOf(filter: StatusFilter): readonly DeliveryStatus[] {
  return filter === 'failed' ? ['retrying', 'parked', 'dead'] : [filter];
}

/** At most this much of a destination's last answer is kept (UTF-8 bytes). */
export const MAX_RESPONSE_EXCERPT_BYTES = 1024;

/** What one outcome of a copy writes over its record. */
export interface DeliveryOutcome {
  phoneNumber: string;
  notificationId: string;
  /** Epoch ms the notification entered the product: the record's place in the log. */
  receivedAt: number;
  destination: DestinationRef;
  status: DeliveryStatus;
  /** Attempts made so far (0 for a copy parked before its first). */
  attempts: number;
  lastStatus?: number;
  /** timeout | connection | dns | refused-address */
  lastError?: string;
  lastLatencyMs?: number;
  /** Epoch ms of the next attempt; absent when none is scheduled. */
  nextAttemptAt?: number;
  /** The start of the destination's last answer, at most MAX_RESPONSE_EXCERPT_BYTES. */
  responseExcerpt?: string;
  /** A parked copy's end of window (epoch ms): past it the record reads as dead (see standingAt). */
  giveUpAt?: number;
  /** Epoch ms of this outcome. */
  at: number;
}

/** A record as the log holds it. */
export interface DeliveryRecord extends Omit<DeliveryOutcome, 'at'> {
  updatedAt: number;
  /** A replay was queued and has not been attempted yet. */
  replayPending?: boolean;
}

/** What replay needs of a notification, kept once for all its destinations (the list never returns it). */
export interface KeptNotification {
  phoneNumber: string;
  id: string;
  receivedAt: number;
  signature?: string;
  /** Exactly one of payload and payloadRef. */
  payload?: string;
  payloadRef?: PayloadRef;
}

export interface DeliveryQuery {
  status?: StatusFilter;
  /** A clone's exact name, or the primary. */
  destination?: DestinationRef;
  /** Epoch ms, inclusive, over the receive time. */
  from?: number;
  to?: number;
  limit: number;
  /** Opaque: where the previous page ended, as the log gave it. */
  cursor?: string;
}

export interface DeliveryPage {
  records: DeliveryRecord[];
  /** Absent on the last page. */
  cursor?: string;
}

export interface DeliveryLog {
  /** Writes an outcome over the copy's record; with `notification`, keeps what a replay needs too. */
  record(outcome: DeliveryOutcome, notification?: KeptNotification): Promise<void>;
  /** Newest first; a cursor from another number or another query is refused (Invalid). */
  list(phoneNumber: string, query: DeliveryQuery): Promise<DeliveryPage>;
  /** One notification and its records, by id, without reading the rest of the log. */
  find(phoneNumber: string, id: string): Promise<{ notification: KeptNotification; records: DeliveryRecord[] } | undefined>;
  /**
   * Marks these records replayed (retrying, due now, replay pending) if none changed since they were
   * read; false, and nothing changed, when one did.
   */
  markReplayed(records: readonly DeliveryRecord[], now: number): Promise<boolean>;
  /** Undoes markReplayed when the replay could not be queued. */
  clearReplayed(records: readonly DeliveryRecord[]): Promise<void>;
}

/**
 * The record as it stands at `now`. A parked copy past its window is never attempted again: its
 * line's next probe or drain step dead-letters it. So from its window's end its record reads as
 * dead, and that give-up writes nothing over it (a write per given-up copy is most of what a dead
 * receiver's copies cost beyond parking them).
 */
export function standingAt(record: DeliveryRecord, now: number): DeliveryRecord {
  if (record.status !== 'parked' || record.giveUpAt === undefined || now < record.giveUpAt) return record;
  const { nextAttemptAt: _next, ...rest } = record;
  return { ...rest, status: 'dead' };
}

/** The first MAX_RESPONSE_EXCERPT_BYTES of a body, never cutting a character in half. */
export function excerptOf(body: string): string {
  const bytes = Buffer.from(body, 'utf8');
  if (bytes.length <= MAX_RESPONSE_EXCERPT_BYTES) return body;
  // stream: true holds back an incomplete last character instead of emitting U+FFFD.
  return new TextDecoder('utf-8').decode(bytes.subarray(0, MAX_RESPONSE_EXCERPT_BYTES), { stream: true });
}

/** A record as GET /deliveries shows it: times in ISO 8601, absent values as null, never a payload. */
export function deliveryView(record: DeliveryRecord) {
  const iso = (at: number | undefined) => (at === undefined ? null : new Date(at).toISOString());
  return {
    notificationId: record.notificationId,
    destination: record.destination.role === 'primary' ? 'primary' : record.destination.name,
    role: record.destination.role,
    status: record.status,
    attempts: record.attempts,
    lastStatus: record.lastStatus ?? null,
    lastError: record.lastError ?? null,
    lastLatencyMs: record.lastLatencyMs ?? null,
    nextAttemptAt: iso(record.nextAttemptAt),
    responseExcerpt: record.responseExcerpt ?? null,
    receivedAt: iso(record.receivedAt),
    updatedAt: iso(record.updatedAt),
    retryQueued: record.replayPending === true,
  };
}
