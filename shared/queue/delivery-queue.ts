// The SQS actions of the delivery function: hold a record back, queue clone retries, dead-letter.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { RetriesMessage } from '../domain/notification.js';
import type { DeliveryQueue, OutgoingDeadLetter, QueueSource } from '../domain/queues.js';
import { sendInBatches } from './batch-sender.js';
import { encodeMessage } from './message-codec.js';

export interface DeliveryQueueUrls {
  notifications: string;
  retries: string;
  notificationsDeadLetter: string;
  retriesDeadLetter: string;
}

export class SqsDeliveryQueue implements DeliveryQueue {
  private readonly retriesQueueName: string;

  constructor(
    private readonly sqs: SQSClient,
    private readonly urls: DeliveryQueueUrls,
  ) {
    this.retriesQueueName = lastSegment(urls.retries, '/');
  }

  sourceOf(eventSourceArn: string): QueueSource {
    return lastSegment(eventSourceArn, ':') === this.retriesQueueName ? 'retries' : 'notifications';
  }

  async sendRetries(messages: readonly RetriesMessage[], delaySeconds: number): Promise<void> {
    // Throwing makes the record fail as a whole: a duplicate later, never a lost copy.
    await sendInBatches(
      this.sqs,
      this.urls.retries,
      messages.map((message) => ({ body: encodeMessage(message), delaySeconds, groupId: message.phoneNumber })),
    );
  }

  async deadLetter(source: QueueSource, body: string, reason: string, phoneNumber?: string): Promise<void> {
    await this.deadLetterAll([{ source, body, reason, ...(phoneNumber && { phoneNumber }) }]);
  }

  async deadLetterAll(letters: readonly OutgoingDeadLetter[]): Promise<void> {
    const deadLetteredAt = new Date().toISOString();
    const to = (source: QueueSource) =>
      letters
        .filter((letter) => letter.source === source)
        .map(({ body, reason, phoneNumber }) => ({
          body,
          ...(phoneNumber && { groupId: phoneNumber }),
          attributes: { reason: reason.slice(0, 1000), deadLetteredAt },
        }));
    await Promise.all([
      sendInBatches(this.sqs, this.urls.notificationsDeadLetter, to('notifications')),
      sendInBatches(this.sqs, this.urls.retriesDeadLetter, to('retries')),
    ]);
  }
}

function lastSegment(value: string, separator: string): string {
  return value.slice(value.lastIndexOf(separator) + 1);
}
