// Turns one SQS record into a delivery and the delivery's outcome into queue actions.
import type { SQSRecord } from 'aws-lambda';
import { CloneRetryMessage, NotificationMessage, type Notification } from '../domain/notification.js';
import { logger } from '../logger.js';
import type { DeliveryQueue } from '../queue/delivery-queue.js';
import { PayloadUnavailable } from '../queue/notification-queue.js';
import type { DeliveryService, RecordOutcome } from './delivery-service.js';

export interface RecordHandlerDependencies {
  service: DeliveryService;
  queue: DeliveryQueue;
  queueUrls: { notifications: string; retries: string };
  loadPayload(message: { payload?: string; payloadRef?: { bucket: string; key: string } }): Promise<string>;
}

/** Thrown after a record was held back for its next attempt, so the batch reports it as failed. */
export class RetryScheduled extends Error {}

export function createRecordHandler(deps: RecordHandlerDependencies): (record: SQSRecord) => Promise<void> {
  const queueNames = { notifications: lastSegment(deps.queueUrls.notifications, '/'), retries: lastSegment(deps.queueUrls.retries, '/') };

  return async (record) => {
    const source = lastSegment(record.eventSourceARN, ':') === queueNames.retries ? 'retries' : 'notifications';
    const receiveCount = Number(record.attributes.ApproximateReceiveCount) || 1;
    const read = await readMessage(source, record.body, deps.loadPayload);
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
      await deps.queue.holdBack(deps.queueUrls[source], record.receiptHandle, outcome.delaySeconds);
      throw new RetryScheduled(`next attempt in ${outcome.delaySeconds} s`);
    }
    if (outcome.kind === 'give-up') {
      logger.error('Delivery given up: dead-lettered', { source, notificationId: notification.id, reason: outcome.reason });
      await deps.queue.deadLetter(source, record.body, outcome.reason);
    }
  };
}

type Parsed = { success: true; message: NotificationMessage | CloneRetryMessage } | { success: false; problem: string };

/** The message with its payload, or why no attempt can ever have them (malformed, or a payloadRef to nothing). */
async function readMessage(
  source: 'notifications' | 'retries',
  body: string,
  loadPayload: RecordHandlerDependencies['loadPayload'],
): Promise<(Parsed & { success: true; payload: string }) | (Parsed & { success: false })> {
  const parsed = parseMessage(source, body);
  if (!parsed.success) return parsed;
  try {
    return { ...parsed, payload: await loadPayload(parsed.message) };
  } catch (error) {
    if (error instanceof PayloadUnavailable) return { success: false, problem: error.message };
    throw error;
  }
}

function parseMessage(source: 'notifications' | 'retries', body: string): Parsed {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { success: false, problem: 'body is not JSON' };
  }
  const result = (source === 'retries' ? CloneRetryMessage : NotificationMessage).safeParse(json);
  if (result.success) return { success: true, message: result.data };
  const issue = result.error.issues[0]!;
  return { success: false, problem: `${issue.path.join('.') || 'message'}: ${issue.message}` };
}

function lastSegment(value: string, separator: string): string {
  return value.slice(value.lastIndexOf(separator) + 1);
}
