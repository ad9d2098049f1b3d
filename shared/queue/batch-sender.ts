// Sends messages to one queue in as few SendMessageBatch calls as SQS allows, resending what it refused.
import { SendMessageBatchCommand, type SendMessageBatchRequestEntry, type SQSClient } from '@aws-sdk/client-sqs';
import { logger } from '../logger.js';
import { MAX_BATCH_ENTRIES, MAX_DELAY_SECONDS, MAX_SQS_MESSAGE_BYTES } from './queue-definitions.js';

/** Sends of a batch's refused entries before giving up (the caller then fails, and its sender retries). */
const SEND_ATTEMPTS = 3;

export interface OutgoingMessage {
  body: string;
  /** Seconds before the message becomes visible, clamped to what SQS allows. */
  delaySeconds?: number;
  /**
   * The fair-queue group: the phone number, so SQS serves quiet numbers first while one number
   * dominates the backlog (SQS fair queues on standard queues).
   */
  groupId?: string;
  /** String message attributes (a dead letter's reason and time). */
  attributes?: Record<string, string>;
}

/** Resolves once SQS accepted every message; throws when any of them could not be sent. */
export async function sendInBatches(sqs: SQSClient, queueUrl: string, messages: readonly OutgoingMessage[]): Promise<void> {
  await Promise.all(batchesOf(messages).map((batch) => sendBatch(sqs, queueUrl, batch)));
}

/** Up to 10 messages per batch, and no batch above 1 MiB in total. */
function batchesOf(messages: readonly OutgoingMessage[]): OutgoingMessage[][] {
  const batches: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    // SQS counts attributes (names, types and values) within a message's size.
    const attributes = Object.entries(message.attributes ?? {});
    const size =
      Buffer.byteLength(message.body) + attributes.reduce((sum, [name, value]) => sum + Buffer.byteLength(`${name}String${value}`), 0);
    if (current.length === MAX_BATCH_ENTRIES || (current.length > 0 && bytes + size > MAX_SQS_MESSAGE_BYTES)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

async function sendBatch(sqs: SQSClient, queueUrl: string, messages: readonly OutgoingMessage[]): Promise<void> {
  let pending: SendMessageBatchRequestEntry[] = messages.map(({ body, delaySeconds, groupId, attributes }, index) => ({
    Id: String(index),
    MessageBody: body,
    ...(groupId !== undefined && { MessageGroupId: groupId }),
    ...(attributes && {
      MessageAttributes: Object.fromEntries(
        Object.entries(attributes).map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
      ),
    }),
    ...(delaySeconds !== undefined && { DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.round(delaySeconds))) }),
  }));
  for (let attempt = 1; ; attempt++) {
    const { Failed = [] } = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }));
    if (Failed.length === 0) return;
    const failures = Failed.map(({ Id, Code, SenderFault }) => ({ entry: Id, code: Code, senderFault: SenderFault }));
    logger.warn('SQS refused part of a batch', { attempt, failures });
    // A sender fault (a message SQS will never take) fails the same way again; only retry the rest.
    if (attempt === SEND_ATTEMPTS || Failed.some((failure) => failure.SenderFault)) {
      throw new Error(`SQS refused ${Failed.length} message(s): ${failures.map((failure) => failure.code).join(', ')}.`);
    }
    const refused = new Set(Failed.map((failure) => failure.Id));
    pending = pending.filter((entry) => refused.has(entry.Id));
  }
}
