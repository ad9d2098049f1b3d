// The notifications queue as a door for producers, and the dead-letter path of deliveries that never succeed.
import { ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureNumber, postNotification, queuesSettled, received } from '../helpers/delivery-world.js';
import { sqsTestClient } from '../helpers/fresh-queues.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { startSink, type Sink } from '../helpers/sink-server.js';
import { waitFor } from '../helpers/wait-for.js';

let stack: TestStack;
let sink: Sink;
let sqs: SQSClient;
const failing = new Set<string>();

beforeAll(async () => {
  // A 3-second retry window, so giving up is quick.
  [stack, sink] = await Promise.all([
    startTestStack({ numbers: 0, env: { RETRY_BASE_SECONDS: '1', RETRY_MAX_AGE_SECONDS: '3' } }),
    startSink(),
  ]);
  sink.replyByDefault((request) => (failing.has(request.path) ? { status: 500 } : { status: 200 }));
  sqs = sqsTestClient();
});
afterAll(async () => {
  sqs?.destroy();
  await Promise.all([stack?.stop(), sink?.close()]);
});

/** The first message to arrive on a dead-letter queue, with its reason attribute. */
async function firstDeadLetter(queueUrl: string): Promise<{ body: string; reason?: string }> {
  return waitFor(
    async () => {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, MessageAttributeNames: ['All'], WaitTimeSeconds: 0 }),
      );
      const [message] = Messages;
      return message && { body: message.Body!, reason: message.MessageAttributes?.reason?.StringValue };
    },
    { timeoutMs: 20_000 },
  );
}

describe('the notifications queue door', () => {
  it("delivers a producer's message with its id as webhook-id", async () => {
    const { phoneNumber } = await configureNumber(stack, sink, ['a']);
    const payload = JSON.stringify({ hello: 'from a producer' });
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.queues.NOTIFICATIONS_QUEUE_URL,
        MessageBody: JSON.stringify({ phoneNumber, payload, id: 'producer-42' }),
      }),
    );
    await queuesSettled(stack);
    for (const destination of ['primary', 'a']) {
      const [copy] = received(sink, phoneNumber, destination);
      expect(copy!.body.toString()).toBe(payload);
      expect(copy!.headers['webhook-id']).toBe('producer-42');
      expect(copy!.headers).not.toHaveProperty('x-hub-signature-256');
    }
  });

  it("delivers a producer's id once per window: the same id sent again is dropped", async () => {
    const { phoneNumber } = await configureNumber(stack, sink, ['a']);
    for (const text of ['first', 'again']) {
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: stack.queues.NOTIFICATIONS_QUEUE_URL,
          MessageBody: JSON.stringify({ phoneNumber, payload: JSON.stringify({ text }), id: 'producer-once' }),
        }),
      );
      await queuesSettled(stack);
    }
    for (const destination of ['primary', 'a'])
      expect(received(sink, phoneNumber, destination).map((copy) => copy.body.toString())).toEqual(['{"text":"first"}']);
  });

  it("dead-letters a message whose payloadRef names another number's payload, as malformed, and delivers nothing", async () => {
    const { phoneNumber } = await configureNumber(stack, sink, []);
    const other = await configureNumber(stack, sink, []);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: stack.queues.NOTIFICATIONS_QUEUE_URL,
        MessageBody: JSON.stringify({
          phoneNumber,
          payloadRef: { bucket: stack.queues.PAYLOAD_BUCKET, key: `payloads/${other.phoneNumber}/stolen` },
          id: 'foreign-ref',
        }),
      }),
    );
    const letter = await waitFor(async () => {
      const found = await firstDeadLetter(stack.queues.NOTIFICATIONS_DLQ_URL);
      return found.body.includes('foreign-ref') && found;
    });
    expect(letter.reason).toMatch(/^malformed: payloadRef.key is not under the message's own phone number/);
    expect(received(sink, phoneNumber, 'primary')).toEqual([]);
  });

  it('sends a malformed message straight to the dead-letter queue with the reason, without retrying it', async () => {
    const body = JSON.stringify({ phoneNumber: 'not digits', payload: '{}' });
    await sqs.send(new SendMessageCommand({ QueueUrl: stack.queues.NOTIFICATIONS_QUEUE_URL, MessageBody: body }));
    const dead = await firstDeadLetter(stack.queues.NOTIFICATIONS_DLQ_URL);
    expect(dead).toMatchObject({ body, reason: expect.stringMatching(/^malformed: phoneNumber/) });
  });
});

describe('giving up', () => {
  it('dead-letters a notification whose primary fails for the whole window and never sends a clone', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, ['a']);
    failing.add(`/${phoneNumber}/primary`);
    await postNotification(stack, phoneNumber);
    const dead = await firstDeadLetter(stack.queues.NOTIFICATIONS_DLQ_URL);
    expect(JSON.parse(dead.body)).toMatchObject({ phoneNumber });
    expect(dead.reason).toMatch(/^primary still failing after \d+ attempts/);
    await queuesSettled(stack);
    expect(received(sink, phoneNumber, 'primary').length).toBeGreaterThanOrEqual(2);
    expect(received(sink, phoneNumber, 'a')).toHaveLength(0);
  });

  it('dead-letters a clone that fails for the whole window, on the retries dead-letter queue', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, ['down', 'up']);
    failing.add(`/${phoneNumber}/down`);
    await postNotification(stack, phoneNumber);
    const dead = await firstDeadLetter(stack.queues.RETRIES_DLQ_URL);
    expect(JSON.parse(dead.body)).toMatchObject({ phoneNumber, destination: 'down' });
    expect(dead.reason).toMatch(/^down still failing/);
    expect(received(sink, phoneNumber, 'primary')).toHaveLength(1);
    expect(received(sink, phoneNumber, 'up')).toHaveLength(1);
  });
});
