// The SQS actions of the delivery function: hold a record back, queue clone retries, dead-letter.
import { ChangeMessageVisibilityCommand, SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { CloneRetryMessage } from '../domain/notification.js';

/** SQS caps a message's initial delay at 15 minutes. */
const MAX_DELAY_SECONDS = 900;

export interface DeliveryQueueUrls {
  retries: string;
  notificationsDeadLetter: string;
  retriesDeadLetter: string;
}

export class DeliveryQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly urls: DeliveryQueueUrls,
  ) {}

  /** Keeps a failed record invisible until its next attempt is due. */
  async holdBack(queueUrl: string, receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: seconds }));
  }

  async scheduleCloneRetries(retries: CloneRetryMessage[], delaySeconds: number): Promise<void> {
    for (let start = 0; start < retries.length; start += 10) {
      const chunk = retries.slice(start, start + 10);
      const { Failed = [] } = await this.sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: this.urls.retries,
          Entries: chunk.map((retry, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify(retry),
            DelaySeconds: Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.round(delaySeconds))),
          })),
        }),
      );
      // Throwing makes the notification's record fail as a whole: a duplicate, never a lost clone.
      if (Failed.length > 0) throw new Error(`SQS refused ${Failed.length} clone retries: ${Failed.map((f) => f.Code).join(', ')}`);
    }
  }

  /** Moves a record's body to the dead-letter queue of the queue it came from, with the reason. */
  async deadLetter(from: 'notifications' | 'retries', body: string, reason: string): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: from === 'notifications' ? this.urls.notificationsDeadLetter : this.urls.retriesDeadLetter,
        MessageBody: body,
        MessageAttributes: {
          reason: { DataType: 'String', StringValue: reason.slice(0, 1000) },
          deadLetteredAt: { DataType: 'String', StringValue: new Date().toISOString() },
        },
      }),
    );
  }
}
