// Synthetic SQS events as Lambda's event source mapping hands them to the delivery function.
import { randomUUID } from 'node:crypto';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { NotificationMessage } from '../../shared/domain/notification.js';
import { encodeMessage } from '../../shared/queue/message-codec.js';
import { notificationBody, sign } from '../../test/helpers/whatsapp.js';

export interface QueuedNotification {
  message: NotificationMessage & { id: string; payload: string; signature: string };
}

/** A Meta-shaped notification for the number, signed, as ingest would queue it. */
export function queuedNotification(phoneNumber: string, appSecret: string): QueuedNotification {
  const payload = notificationBody([{ phone: phoneNumber, text: 'benchmark message' }]).toString('utf8');
  return {
    message: { phoneNumber, id: randomUUID().replaceAll('-', ''), payload, signature: sign(payload, appSecret), receivedAt: Date.now() },
  };
}

export function sqsEvent(notifications: readonly QueuedNotification[], queueUrl: string): SQSEvent {
  const queueName = queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
  const now = String(Date.now());
  return {
    Records: notifications.map(({ message }): SQSRecord => ({
      messageId: randomUUID(),
      receiptHandle: randomUUID(),
      body: encodeMessage(message),
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: now, SenderId: 'bench', ApproximateFirstReceiveTimestamp: now },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queueName}`,
      awsRegion: 'us-east-1',
    })),
  };
}
