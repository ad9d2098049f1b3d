// What a fault test reads back besides the sinks: the failed attempts delivery recorded, and the dead-letter queues.
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { LocalStack } from '../../../infra/local/local-stack.js';
import type { FailedAttempt } from '../../../shared/domain/delivery-attempt.js';
import { attemptsPartition } from '../../../shared/store/item-keys.js';
import { sqsTestClient } from '../../helpers/fresh-queues.js';

/** The failed attempts recorded for a number, oldest first. */
export async function failedAttempts(stack: LocalStack, phoneNumber: string): Promise<FailedAttempt[]> {
  const items: FailedAttempt[] = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await stack.services.clients.dynamo.send(
      new QueryCommand({
        TableName: stack.config.TABLE_NAME,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': attemptsPartition(phoneNumber) },
        ConsistentRead: true,
        ExclusiveStartKey: startKey,
      }),
    );
    items.push(...((page.Items ?? []) as FailedAttempt[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return items.sort((a, b) => a.at - b.at || a.attempt - b.attempt);
}

export interface DeadLetter {
  body: { phoneNumber?: string; id?: string; destination?: string };
  reason?: string;
}

/**
 * Reads a dead-letter queue and keeps what it read (a received message is hidden from the next read),
 * so several tests of a file can each find their own messages in it.
 */
export function deadLetterReader(queueUrl: string): { read(): Promise<DeadLetter[]>; close(): void } {
  const sqs = sqsTestClient();
  const seen: DeadLetter[] = [];
  return {
    async read() {
      for (;;) {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: 10,
            MessageAttributeNames: ['All'],
            WaitTimeSeconds: 0,
            VisibilityTimeout: 43_200,
          }),
        );
        if (Messages.length === 0) return seen.slice();
        for (const message of Messages) {
          seen.push({
            body: JSON.parse(message.Body ?? '{}') as DeadLetter['body'],
            reason: message.MessageAttributes?.reason?.StringValue,
          });
        }
      }
    },
    close: () => sqs.destroy(),
  };
}
