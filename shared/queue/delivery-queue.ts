// The SQS actions of the delivery function: hold a record back, queue clone retries, dead-letter.
import { ChangeMessageVisibilityCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { CloneRetryMessage } from '../domain/notification.js';
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

  async holdBack(source: QueueSource, receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.urls[source], ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }));
  }

  async scheduleCloneRetries(retries: readonly CloneRetryMessage[], delaySeconds: number): Promise<void> {
    // Throwing makes the notification's record fail as a whole: a duplicate, never a lost clone.
    await sendInBatches(this.sqs, this.urls.retries, retries.map((retry) => ({ body: encodeMessage(retry), delaySeconds })));
  }

  async deadLetter(source: QueueSource, body: string, reason: string): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: source === 'notifications' ? this.urls.notificationsDeadLetter : this.urls.retriesDeadLetter,
        MessageBody: body,
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
