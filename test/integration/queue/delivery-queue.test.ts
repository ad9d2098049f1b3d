// Dead letters on the SQS emulator: several at once go out in batches of ten, each to its own
// queue's dead-letter queue with its reason, time and number's group, as one at a time did.
import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OutgoingDeadLetter } from '../../../shared/domain/queues.js';
import { SqsDeliveryQueue } from '../../../shared/queue/delivery-queue.js';
import { freshQueues, sqsTestClient } from '../../helpers/fresh-queues.js';

let sqs: SQSClient;
let queues: Awaited<ReturnType<typeof freshQueues>>;
/** The SQS actions the queue sent, in order. */
const actions: string[] = [];

beforeAll(async () => {
  sqs = sqsTestClient();
  sqs.middlewareStack.add(
    (next, context) => (args) => {
      actions.push(context.commandName ?? '');
      return next(args);
    },
    { step: 'initialize', name: 'countActions' },
  );
  queues = await freshQueues();
});

async function receiveAll(queueUrl: string) {
  const received = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, MessageAttributeNames: ['All'], VisibilityTimeout: 60 }),
    );
    if (Messages.length === 0) return received;
    received.push(...Messages);
  }
}

describe('SqsDeliveryQueue dead letters', () => {
  it("sends 23 dead letters of both queues in one batch per ten of a queue, each with its reason and time in its queue's DLQ", async () => {
    const queue = new SqsDeliveryQueue(sqs, {
      notifications: queues.NOTIFICATIONS_QUEUE_URL,
      retries: queues.RETRIES_QUEUE_URL,
      notificationsDeadLetter: queues.NOTIFICATIONS_DLQ_URL,
      retriesDeadLetter: queues.RETRIES_DLQ_URL,
    });
    const letters: OutgoingDeadLetter[] = Array.from({ length: 23 }, (_, i) => ({
      source: i < 20 ? 'notifications' : 'retries',
      body: `{"id":"n-${i}"}`,
      reason: `primary parked past its retry window after ${i} attempts`,
      phoneNumber: '4915123456789',
    }));
    actions.length = 0;
    await queue.deadLetterAll(letters);

    expect(actions).toEqual(['SendMessageBatchCommand', 'SendMessageBatchCommand', 'SendMessageBatchCommand']);
    for (const [url, sent] of [
      [queues.NOTIFICATIONS_DLQ_URL, letters.slice(0, 20)],
      [queues.RETRIES_DLQ_URL, letters.slice(20)],
    ] as const) {
      const received = await receiveAll(url);
      expect(received.map((message) => message.Body).sort()).toEqual(sent.map((letter) => letter.body).sort());
      for (const message of received) {
        const letter = sent.find((candidate) => candidate.body === message.Body)!;
        expect(message.MessageAttributes?.reason?.StringValue).toBe(letter.reason);
        expect(Date.parse(message.MessageAttributes?.deadLetteredAt?.StringValue ?? '')).toBeGreaterThan(0);
      }
    }
  });
});
