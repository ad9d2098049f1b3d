// A notification on its way to a phone number's webhooks, and the queue messages that carry it.
import { z } from 'zod';

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

const PhoneNumber = z.string().regex(/^[0-9]{6,15}$/, 'phoneNumber must be 6 to 15 digits.');
const NotificationId = z.string().regex(/^[\x21-\x7e]{1,128}$/, 'id must be 1 to 128 printable ASCII characters without spaces.');
const Signature = z.string().regex(/^sha256=[0-9a-f]{64}$/, 'signature must be sha256=<64 hex digits>.');
/** A payload too large for an SQS message waits in S3; the message points to it. */
const PayloadRef = z.strictObject({ bucket: z.string().min(1), key: z.string().min(1) });

/**
 * A message on the notifications queue. Producers inside the platform send
 * {"phoneNumber", "payload", "id"?}; ingest also sets the signature, the receive time and,
 * for large bodies, a payloadRef instead of the payload.
 */
export const NotificationMessage = z
  .strictObject({
    phoneNumber: PhoneNumber,
    payload: z.string().optional(),
    payloadRef: PayloadRef.optional(),
    id: NotificationId.optional(),
    signature: Signature.optional(),
    receivedAt: z.number().int().positive().optional(),
  })
  .refine((message) => (message.payload === undefined) !== (message.payloadRef === undefined), {
    message: 'Exactly one of payload and payloadRef is required.',
  });
export type NotificationMessage = z.infer<typeof NotificationMessage>;

/** A message on the retries queue: one clone of a notification whose primary already answered 200. */
export const CloneRetryMessage = z.strictObject({
  phoneNumber: PhoneNumber,
  id: NotificationId,
  payload: z.string().optional(),
  payloadRef: PayloadRef.optional(),
  signature: Signature.optional(),
  receivedAt: z.number().int().positive(),
  /** Exact-case name of the additional webhook this message is for. */
  destination: z.string().min(1),
  /** Epoch milliseconds of the clone's first failed attempt: the retry window counts from here. */
  firstFailedAt: z.number().int().positive(),
});
export type CloneRetryMessage = z.infer<typeof CloneRetryMessage>;
