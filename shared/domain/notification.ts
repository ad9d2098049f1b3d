// A notification on its way to a phone number's webhooks, and the queue messages that carry it.
import * as z from 'zod/mini';
import { PHONE_NUMBER_PATTERN } from './phone-number.js';

/** What delivery needs; the same id, timestamp and signature travel on every copy and retry. */
export interface Notification {
  /** `webhook-id`: the receiver's idempotency key. */
  id: string;
  phoneNumber: string;
  /** The raw body exactly as received, so a forwarded signature stays valid. */
  payload: string;
  /** `X-Hub-Signature-256` as Meta sent it, when the body is unchanged. */
  signature?: string;
  /** Epoch milliseconds when the notification entered the product (its retry window starts there). */
  receivedAt: number;
}

const PhoneNumber = z.string().check(z.regex(PHONE_NUMBER_PATTERN, 'phoneNumber must be 6 to 15 digits.'));
/** A `webhook-id`: printable ASCII without spaces. */
export const NOTIFICATION_ID_PATTERN = /^[\x21-\x7e]{1,128}$/;
const NotificationId = z.string().check(z.regex(NOTIFICATION_ID_PATTERN, 'id must be 1 to 128 printable ASCII characters without spaces.'));
const SIGNATURE_PATTERN = /^sha256=[0-9a-f]{64}$/;
const Signature = z.string().check(z.regex(SIGNATURE_PATTERN, 'signature must be sha256=<64 hex digits>.'));
/** A payload too large for an SQS message waits in S3; the message points to it. */
const PayloadRef = z.strictObject({ bucket: z.string().check(z.minLength(1)), key: z.string().check(z.minLength(1)) });
const timestamp = z.number().check(z.int(), z.positive());

/**
 * A message on the notifications queue. Producers inside the platform send
 * {"phoneNumber", "payload", "id"?}; ingest also sets the signature, the receive time and,
 * for large bodies, a payloadRef instead of the payload.
 */
export const NotificationMessage = z
  .strictObject({
    phoneNumber: PhoneNumber,
    payload: z.optional(z.string()),
    payloadRef: z.optional(PayloadRef),
    id: z.optional(NotificationId),
    signature: z.optional(Signature),
    receivedAt: z.optional(timestamp),
  })
  .check(
    z.refine(
      (message) => (message.payload === undefined) !== (message.payloadRef === undefined),
      'Exactly one of payload and payloadRef is required.',
    ),
  );
export type NotificationMessage = z.infer<typeof NotificationMessage>;

/** The keys of the shape nearly every notifications-queue message has: ingest's, and a producer's. */
const COMMON_NOTIFICATION_KEYS: ReadonlySet<string> = new Set(['phoneNumber', 'payload', 'id', 'signature', 'receivedAt']);

/**
 * The parsed JSON of a notifications-queue message as NotificationMessage, when it has the common
 * shape ({phoneNumber, payload, id?, signature?, receivedAt?}) and every field passes the checks the
 * schema makes; undefined for anything else, which NotificationMessage then decides (and explains).
 * A hand check of that one shape costs a fraction of the schema's parse, on every record.
 */
export function commonNotificationMessage(json: unknown): NotificationMessage | undefined {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  for (const key in json) if (!COMMON_NOTIFICATION_KEYS.has(key)) return undefined;
  const { phoneNumber, payload, id, signature, receivedAt } = json as Record<string, unknown>;
  if (typeof phoneNumber !== 'string' || !PHONE_NUMBER_PATTERN.test(phoneNumber) || typeof payload !== 'string') return undefined;
  if (id !== undefined && (typeof id !== 'string' || !NOTIFICATION_ID_PATTERN.test(id))) return undefined;
  if (signature !== undefined && (typeof signature !== 'string' || !SIGNATURE_PATTERN.test(signature))) return undefined;
  if (receivedAt !== undefined && !(Number.isSafeInteger(receivedAt) && (receivedAt as number) > 0)) return undefined;
  return json as NotificationMessage;
}

/** The attempt a message carries (1 for a first delivery); retries count up from there. */
const AttemptNumber = z.number().check(z.int(), z.positive());

/** A short retry waits in SQS's 15-minute delays; a longer one hops until this time (epoch ms) has come. */
const NotBefore = timestamp;

/** What every retries-queue message carries of its notification, so each attempt sends the same copy. */
const CARRIED_NOTIFICATION = {
  phoneNumber: PhoneNumber,
  id: NotificationId,
  payload: z.optional(z.string()),
  payloadRef: z.optional(PayloadRef),
  signature: z.optional(Signature),
  receivedAt: timestamp,
};

/** A message on the retries queue: one clone of a notification whose primary already answered 200. */
export const CloneRetryMessage = z.strictObject({
  kind: z.optional(z.literal('clone')),
  ...CARRIED_NOTIFICATION,
  /** Exact-case name of the additional webhook this message is for. */
  destination: z.string().check(z.minLength(1)),
  /** Epoch milliseconds of the clone's first failed attempt: the retry window counts from here. */
  firstFailedAt: timestamp,
  /** The attempt this message makes (absent: 2, the first retry). */
  attempt: z.optional(AttemptNumber),
  notBefore: z.optional(NotBefore),
});
export type CloneRetryMessage = z.infer<typeof CloneRetryMessage>;

/**
 * A message on the retries queue for the primary: a retry after a failed attempt, or a first attempt
 * moved off the notifications queue because the primary is slow or failing (the slow lane).
 */
export const PrimaryRetryMessage = z.strictObject({
  kind: z.literal('primary'),
  ...CARRIED_NOTIFICATION,
  /** The attempt this message makes. */
  attempt: AttemptNumber,
  /** Epoch milliseconds of the primary's first attempt (the receive time before any). */
  firstAttemptAt: timestamp,
  notBefore: z.optional(NotBefore),
});
export type PrimaryRetryMessage = z.infer<typeof PrimaryRetryMessage>;

/** A destination's timer on the retries queue: its next probe while the breaker is open, or its next drain step. */
export const TimerMessage = z.strictObject({
  kind: z.enum(['probe', 'drain']),
  phoneNumber: PhoneNumber,
  /** Exact-case name of the additional webhook; absent for the primary. */
  destination: z.optional(z.string().check(z.minLength(1))),
  /** Epoch ms the timer is set for; also its token: a copy of an already spent timer finds another set. */
  at: timestamp,
});
export type TimerMessage = z.infer<typeof TimerMessage>;

export const RetriesMessage = z.union([PrimaryRetryMessage, TimerMessage, CloneRetryMessage]);
export type RetriesMessage = z.infer<typeof RetriesMessage>;

export function isTimer(message: RetriesMessage): message is TimerMessage {
  return message.kind === 'probe' || message.kind === 'drain';
}
