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
  /** Epoch milliseconds when the notification entered the product (`webhook-timestamp`). */
  receivedAt: number;
}

const PhoneNumber = z.string().check(z.regex(PHONE_NUMBER_PATTERN, 'phoneNumber must be 6 to 15 digits.'));
const NotificationId = z.string().check(z.regex(/^[\x21-\x7e]{1,128}$/, 'id must be 1 to 128 printable ASCII characters without spaces.'));
const Signature = z.string().check(z.regex(/^sha256=[0-9a-f]{64}$/, 'signature must be sha256=<64 hex digits>.'));
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
  .check(z.refine((message) => (message.payload === undefined) !== (message.payloadRef === undefined), 'Exactly one of payload and payloadRef is required.'));
export type NotificationMessage = z.infer<typeof NotificationMessage>;

/** A message on the retries queue: one clone of a notification whose primary already answered 200. */
export const CloneRetryMessage = z.strictObject({
  phoneNumber: PhoneNumber,
  id: NotificationId,
  payload: z.optional(z.string()),
  payloadRef: z.optional(PayloadRef),
  signature: z.optional(Signature),
  receivedAt: timestamp,
  /** Exact-case name of the additional webhook this message is for. */
  destination: z.string().check(z.minLength(1)),
  /** Epoch milliseconds of the clone's first failed attempt: the retry window counts from here. */
  firstFailedAt: timestamp,
});
export type CloneRetryMessage = z.infer<typeof CloneRetryMessage>;
