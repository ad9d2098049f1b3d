// Turns one SQS record into a delivery and the delivery's outcome into queue actions.
import type { SQSRecord } from 'aws-lambda';
import type { CloneRetryMessage, Notification, NotificationMessage } from '../domain/notification.js';
import { PayloadUnavailable, type PayloadStore } from '../domain/payload.js';
import type { DeliveryQueue, QueueSource } from '../domain/queues.js';
import { logger } from '../logger.js';
import { decodeMessage } from '../queue/message-codec.js';
import type { DeliveryService, RecordOutcome } from './delivery-service.js';

export interface RecordHandlerDependencies {
  service: DeliveryService;
  queue: DeliveryQueue;
  payloads: PayloadStore;
}

export type RecordHandler = (record: SQSRecord) => Promise<void>;

/** Thrown after a record was held back for its next attempt, so the batch reports it as failed. */
export class RetryScheduled extends Error {}

export function createRecordHandler(deps: RecordHandlerDependencies): RecordHandler {
  return async (record) => {
    const source = deps.queue.sourceOf(record.eventSourceARN);
    const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
    const read = await readMessage(source, record.body, deps.payloads);
    if (!read.success) {
      // A malformed message can never succeed: straight to the dead-letter queue, no retry loop.
      logger.error('Malformed queue message dead-lettered', { source, messageId: record.messageId, problem: read.problem });
      await deps.queue.deadLetter(source, record.body, `malformed: ${read.problem}`);
      return;
    }

    const { message, payload } = read;
    const notification: Notification = {
      id: message.id ?? record.messageId,
      phoneNumber: message.phoneNumber,
      payload,
      signature: message.signature,
      receivedAt: message.receivedAt ?? Number(record.attributes.SentTimestamp),
    };
    const outcome: RecordOutcome =
      'destination' in message
        ? await deps.service.retryClone(message, notification, receiveCount + 1)
        : await deps.service.deliverNotification(notification, receiveCount, message.payloadRef);

    if (outcome.kind === 'retry') {
      await deps.queue.holdBack(source, record.receiptHandle, outcome.delaySeconds);
      throw new RetryScheduled(`next attempt in ${outcome.delaySeconds} s`);
    }
    if (outcome.kind === 'give-up') {
      logger.error('Delivery given up: dead-lettered', { source, notificationId: notification.id, reason: outcome.reason });
      await deps.queue.deadLetter(source, record.body, outcome.reason);
    }
  };
}

type Read = { success: true; message: NotificationMessage | CloneRetryMessage; payload: string } | { success: false; problem: string };

/** The message with its payload, or why no attempt can ever have them (malformed, or a payloadRef it may not read). */
async function readMessage(source: QueueSource, body: string, payloads: PayloadStore): Promise<Read> {
  const decoded = decodeMessage(source, body);
  if (!decoded.success) return decoded;
  const { message } = decoded;
  try {
    const payload = message.payloadRef ? await payloads.load(message.phoneNumber, message.payloadRef) : message.payload;
    if (payload === undefined) return { success: false, problem: 'the message carries neither payload nor payloadRef' };
    return { success: true, message, payload };
  } catch (error) {
    if (error instanceof PayloadUnavailable) return { success: false, problem: error.message };
    throw error;
  }
}
