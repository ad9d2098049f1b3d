// The SQS actions of the delivery function: hold a record back, queue clone retries, dead-letter.
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { RetriesMessage } from '../domain/notification.js';
import type { DeliveryQueue, QueueSource } from '../domain/queues.js';
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
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: source === 'notifications' ? this.urls.notificationsDeadLetter : this.urls.retriesDeadLetter,
        MessageBody: body,
        ...(phoneNumber && { MessageGroupId: phoneNumber }),
        MessageAttributes: {
          reason: { DataType: 'String', StringValue: reason.slice(0, 1000) },
          deadLetteredAt: { DataType: 'String', StringValue: new Date().toISOString() },
        },
      }),
    );
  }
}

function lastSegment(value: string, separator: string): string {
  return value.slice(value.lastIndexOf(separator) + 1);
}
