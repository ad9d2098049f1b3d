// The notifications queue: sending notifications in batches (payloads too large for SQS wait in S3,
// the extended-client pattern) and reading a message's payload back from either form.
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import { config } from '../config.js';
import type { Notification, NotificationMessage } from '../domain/notification.js';
import { logger } from '../logger.js';
import { s3, sqsClient } from './aws-clients.js';

/** SQS's limit for one message body and for the sum of the bodies of one batch (1 MiB). */
export const MAX_SQS_MESSAGE_BYTES = 1_048_576;
/** SQS's limit of entries in one SendMessageBatch. */
export const MAX_BATCH_ENTRIES = 10;
/**
 * An inline payload is copied into clone retry messages, which add a destination name and a
 * timestamp: payloads are offloaded early enough that those messages still fit.
 */
const CLONE_RETRY_HEADROOM_BYTES = 1024;
/** Sends of a batch's refused entries before giving up (the caller then answers 500 and Meta retries). */
const SEND_ATTEMPTS = 3;

/** Where an offloaded payload waits: one object per notification id. */
export type PayloadRef = NonNullable<NotificationMessage['payloadRef']>;

/** Resolves once SQS accepted every notification; throws when any of them could not be queued. */
export async function enqueueNotifications(notifications: readonly Notification[]): Promise<void> {
  const queueUrl = setting('NOTIFICATIONS_QUEUE_URL');
  const bodies = await Promise.all(notifications.map(messageBody));
  await Promise.all(batchesOf(bodies).map((batch) => sendBatch(queueUrl, batch)));
}

/** A payloadRef that no attempt can ever read: retrying the message cannot help. */
export class PayloadUnavailable extends Error {}

/** The payload of a notifications or retries message, inline or fetched from S3, byte for byte. */
export async function loadPayload(message: { payload?: string; payloadRef?: PayloadRef }): Promise<string> {
  if (message.payload !== undefined) return message.payload;
  if (message.payloadRef === undefined) throw new Error('The message carries neither payload nor payloadRef.');
  const { bucket, key } = message.payloadRef;
  // Only ingest writes payloadRefs, always into the payload bucket: anything else is not ours to read.
  if (bucket !== setting('PAYLOAD_BUCKET')) throw new PayloadUnavailable('payloadRef.bucket is not the payload bucket');
  const { client, sdk } = await s3();
  const { Body } = await client.send(new sdk.GetObjectCommand({ Bucket: bucket, Key: key })).catch((error: unknown) => {
    // S3 reads are strongly consistent: an object missing now was never written, or has expired.
    throw error instanceof sdk.NoSuchKey ? new PayloadUnavailable('payloadRef names no stored payload') : error;
  });
  if (Body === undefined) throw new Error(`The payload object ${key} has no body.`);
  // Buffer rather than transformToString: TextDecoder would drop a leading byte-order mark.
  return Buffer.from(await Body.transformToByteArray()).toString('utf8');
}

/** The serialized message, with the payload moved to S3 when the message would exceed SQS's limit. */
async function messageBody(notification: Notification): Promise<string> {
  const { id, phoneNumber, payload, signature, receivedAt } = notification;
  const inline = serialize({ phoneNumber, id, payload, signature, receivedAt });
  if (Buffer.byteLength(inline) <= MAX_SQS_MESSAGE_BYTES - CLONE_RETRY_HEADROOM_BYTES) return inline;
  const payloadRef = await offloadPayload(id, payload);
  logger.info('Payload offloaded to S3', { notificationId: id, bytes: Buffer.byteLength(payload) });
  return serialize({ phoneNumber, id, payloadRef, signature, receivedAt });
}

async function offloadPayload(id: string, payload: string): Promise<PayloadRef> {
  const bucket = setting('PAYLOAD_BUCKET');
  // The id is derived from the content, so a body Meta sends again overwrites the object with itself.
  const key = `payloads/${id}`;
  const { client, sdk } = await s3();
  await client.send(
    new sdk.PutObjectCommand({ Bucket: bucket, Key: key, Body: Buffer.from(payload, 'utf8'), ContentType: 'application/json; charset=utf-8' }),
  );
  return { bucket, key };
}

function serialize(message: NotificationMessage): string {
  // SQS refuses U+FFFE and U+FFFF, which JSON.stringify leaves as they are; the escape parses back
  // to the same string.
  return JSON.stringify(message).replace(/[\uFFFE\uFFFF]/g, (char) => `\\u${char.charCodeAt(0).toString(16)}`);
}

/** Up to 10 messages per batch, and no batch above 1 MiB in total. */
function batchesOf(bodies: readonly string[]): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const body of bodies) {
    const size = Buffer.byteLength(body);
    if (current.length === MAX_BATCH_ENTRIES || (current.length > 0 && bytes + size > MAX_SQS_MESSAGE_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(body);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Sends a batch, resending the entries SQS refused; throws rather than dropping any of them. */
async function sendBatch(queueUrl: string, bodies: readonly string[]): Promise<void> {
  let pending: SendMessageBatchRequestEntry[] = bodies.map((body, index) => ({ Id: String(index), MessageBody: body }));
  for (let attempt = 1; ; attempt++) {
    const { Failed = [] } = await sqsClient().send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }));
    if (Failed.length === 0) return;
    const failures = Failed.map(({ Id, Code, SenderFault }) => ({ entry: Id, code: Code, senderFault: SenderFault }));
    logger.warn('SQS refused part of a batch', { attempt, failures });
    // A sender fault (a message SQS will never take) fails the same way again; only retry the rest.
    if (attempt === SEND_ATTEMPTS || Failed.some((failure) => failure.SenderFault)) {
      throw new Error(`SQS refused ${Failed.length} notification(s): ${failures.map((failure) => failure.code).join(', ')}.`);
    }
    const refused = new Set(Failed.map((failure) => failure.Id));
    pending = pending.filter((entry) => refused.has(entry.Id));
  }
}

function setting(name: 'NOTIFICATIONS_QUEUE_URL' | 'PAYLOAD_BUCKET'): string {
  const value = config()[name];
  if (!value) throw new Error(`${name} is not set.`);
  return value;
}
