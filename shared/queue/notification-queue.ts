// The notifications queue on SQS: notifications in batches, payloads too large for a message in the
// payload store (the extended-client pattern).
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Notification } from '../domain/notification.js';
import type { PayloadStore } from '../domain/payload.js';
import type { NotificationQueue } from '../domain/queues.js';
import { logger } from '../logger.js';
import { sendInBatches } from './batch-sender.js';
import { encodeMessage } from './message-codec.js';
import { MAX_SQS_MESSAGE_BYTES } from './queue-definitions.js';

/**
 * An inline payload is copied into clone retry messages, which add a destination name and a
 * timestamp: payloads are offloaded early enough that those messages still fit.
 */
const CLONE_RETRY_HEADROOM_BYTES = 1024;

export class SqsNotificationQueue implements NotificationQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
    private readonly payloads: PayloadStore,
  ) {}

  async enqueue(notifications: readonly Notification[]): Promise<void> {
    const bodies = await Promise.all(notifications.map((notification) => this.messageBody(notification)));
    await sendInBatches(
      this.sqs,
      this.queueUrl,
      bodies.map((body, index) => ({ body, groupId: notifications[index]!.phoneNumber })),
    );
  }

  /** The encoded message, with the payload moved to the store when the message would exceed SQS's limit. */
  private async messageBody(notification: Notification): Promise<string> {
    const { id, phoneNumber, payload, signature, receivedAt } = notification;
    // Measured on the encoded form: escapes make a message longer than its payload.
    const inline = encodeMessage({ phoneNumber, id, payload, signature, receivedAt });
    if (Buffer.byteLength(inline) <= MAX_SQS_MESSAGE_BYTES - CLONE_RETRY_HEADROOM_BYTES) return inline;
    const payloadRef = await this.payloads.put(phoneNumber, id, payload);
    logger.info('Payload offloaded to S3', { notificationId: id, bytes: Buffer.byteLength(payload) });
    return encodeMessage({ phoneNumber, id, payloadRef, signature, receivedAt });
  }
}
