// The delivery pipeline end to end: signed ingest -> notifications queue -> delivery -> loopback sinks.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attemptsPartition } from '../../shared/store/item-keys.js';
import { configureNumber, postNotification, queuesSettled, received } from '../helpers/delivery-world.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { startSink, type Sink, type SinkReply } from '../helpers/sink-server.js';
import { sign } from '../helpers/whatsapp.js';

let stack: TestStack;
let sink: Sink;
/** Scripted answers per path, used in order; once used up a destination answers 200. */
const script = new Map<string, SinkReply[]>();

beforeAll(async () => {
  [stack, sink] = await Promise.all([
    startTestStack({ numbers: 0, env: { RETRY_BASE_SECONDS: '1', DELIVERY_TIMEOUT_MS: '500' } }),
    startSink(),
  ]);
  sink.replyByDefault((request) => script.get(request.path)?.shift() ?? { status: 200 });
});
afterAll(async () => {
  await Promise.all([stack?.stop(), sink?.close()]);
});

function answer(phoneNumber: string, destination: string, ...replies: SinkReply[]): void {
  script.set(`/${phoneNumber}/${destination}`, replies);
}

describe('delivery', () => {
  it('delivers each notification once to the primary and then to each clone, byte for byte', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, ['a', 'b', 'c']);
    const { status, body } = await postNotification(stack, phoneNumber);
    expect(status).toBe(200);
    await queuesSettled(stack);

    const [primary] = received(sink, phoneNumber, 'primary');
    expect(received(sink, phoneNumber, 'primary')).toHaveLength(1);
    for (const name of ['a', 'b', 'c']) {
      const copies = received(sink, phoneNumber, name);
      expect(copies).toHaveLength(1);
      const [copy] = copies;
      expect(copy!.body.equals(body)).toBe(true);
      // No clone before the primary had answered.
      expect(copy!.receivedAt).toBeGreaterThanOrEqual(primary!.answeredAt!);
      expect(copy!.headers['x-clone']).toBe(name);
      expect(copy!.headers).not.toHaveProperty('x-primary-token');
      for (const shared of ['webhook-id', 'x-hub-signature-256', 'content-type']) {
        expect(copy!.headers[shared]).toBe(primary!.headers[shared]);
      }
      // Each attempt carries its own time: the clone's is never before the primary's.
      expect(Number(copy!.headers['webhook-timestamp'])).toBeGreaterThanOrEqual(Number(primary!.headers['webhook-timestamp']));
    }
    expect(primary!.body.equals(body)).toBe(true);
    expect(primary!.headers).toMatchObject({
      'content-type': 'application/json',
      'x-primary-token': 'p-secret',
      'x-hub-signature-256': sign(body, stack.config.WHATSAPP_APP_SECRET!),
      'webhook-id': expect.stringMatching(/^[0-9a-f]{32}$/),
      'webhook-timestamp': expect.stringMatching(/^\d{10}$/),
    });
  });

  it('holds the clones while the primary answers 500, then sends each once after its 200', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, ['a', 'b']);
    answer(phoneNumber, 'primary', { status: 500 }, { status: 500 });
    await postNotification(stack, phoneNumber);
    await queuesSettled(stack);

    const primary = received(sink, phoneNumber, 'primary');
    expect(primary.map((r) => r.headers['webhook-id'])).toEqual(Array(3).fill(primary[0]!.headers['webhook-id']));
    for (const name of ['a', 'b']) {
      const copies = received(sink, phoneNumber, name);
      expect(copies).toHaveLength(1);
      expect(copies[0]!.receivedAt).toBeGreaterThanOrEqual(primary[2]!.answeredAt!);
    }
  });

  it('sends no clone while the primary answers 204, and retries the primary', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, ['a']);
    answer(phoneNumber, 'primary', { status: 204 }, { status: 204 });
    await postNotification(stack, phoneNumber);
    await sink.waitFor(() => received(sink, phoneNumber, 'primary').length >= 2, 'the primary retried');
    expect(received(sink, phoneNumber, 'a')).toHaveLength(0);
    await queuesSettled(stack);
    expect(received(sink, phoneNumber, 'a')).toHaveLength(1);
  });

  it('treats a primary that does not answer within the timeout as failed', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, ['a']);
    answer(phoneNumber, 'primary', 'hang');
    await postNotification(stack, phoneNumber);
    await queuesSettled(stack);
    expect(received(sink, phoneNumber, 'primary')).toHaveLength(2);
    expect(received(sink, phoneNumber, 'a')).toHaveLength(1);
  });

  it('retries a failing clone on its own: the primary and the healthy clones receive the notification once', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, ['a', 'flaky', 'c']);
    answer(phoneNumber, 'flaky', { status: 503 }, 'reset');
    await postNotification(stack, phoneNumber);
    await queuesSettled(stack);

    expect(received(sink, phoneNumber, 'primary')).toHaveLength(1);
    expect(received(sink, phoneNumber, 'a')).toHaveLength(1);
    expect(received(sink, phoneNumber, 'c')).toHaveLength(1);
    const flaky = received(sink, phoneNumber, 'flaky');
    expect(flaky).toHaveLength(3);
    expect(new Set(flaky.map((r) => r.headers['webhook-id'])).size).toBe(1);
  });

  it('records each failed attempt in DynamoDB and nothing for a delivered one', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, ['flaky']);
    answer(phoneNumber, 'flaky', { status: 502 });
    await postNotification(stack, phoneNumber);
    await queuesSettled(stack);
    const { Items = [] } = await stack.services.clients.dynamo.send(
      new QueryCommand({
        TableName: stack.config.TABLE_NAME,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': attemptsPartition(phoneNumber) },
      }),
    );
    expect(Items).toHaveLength(1);
    expect(Items[0]).toMatchObject({ destination: 'flaky', status: 502, attempt: 1, phoneNumber, expiresAt: expect.any(Number) });
  });

  it('sends only to the primary while multiple webhooks are disabled', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, ['a'], { enabled: false });
    await postNotification(stack, phoneNumber);
    await queuesSettled(stack);
    expect(received(sink, phoneNumber, 'primary')).toHaveLength(1);
    expect(received(sink, phoneNumber, 'a')).toHaveLength(0);
  });

  it('delivers nothing for a number without a primary webhook', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, ['a'], { primary: false });
    expect((await postNotification(stack, phoneNumber)).status).toBe(200);
    await queuesSettled(stack);
    expect(sink.requests.filter((r) => r.path.startsWith(`/${phoneNumber}/`))).toHaveLength(0);
  });

  it('answers 200 for a number nobody configured and delivers nothing', async () => {
    const before = sink.requests.length;
    expect((await postNotification(stack, '4930000000001')).status).toBe(200);
    await queuesSettled(stack);
    expect(sink.requests.length).toBe(before);
  });

  it('refuses a wrong or missing signature with 401 and queues nothing', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, []);
    expect((await postNotification(stack, phoneNumber, 'x', `sha256=${'0'.repeat(64)}`)).status).toBe(401);
    expect((await postNotification(stack, phoneNumber, 'x', '')).status).toBe(401);
    await queuesSettled(stack);
    expect(received(sink, phoneNumber, 'primary')).toHaveLength(0);
  });

  it('delivers a 2.5 MB notification, offloaded to S3 on the way, byte for byte to the primary and a clone', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, ['a']);
    const { status, body } = await postNotification(stack, phoneNumber, 'x'.repeat(2_500_000));
    expect(status).toBe(200);
    await queuesSettled(stack);
    for (const destination of ['primary', 'a']) {
      const copies = received(sink, phoneNumber, destination);
      expect(copies).toHaveLength(1);
      expect(copies[0]!.body.equals(body)).toBe(true);
    }
  });

  it('delivers a burst of 200 notifications across two numbers to every destination exactly once', async () => {
    const numbers = await Promise.all([configureNumber(stack, sink, ['a', 'b', 'c']), configureNumber(stack, sink, ['a', 'b', 'c'])]);
    const posted = await Promise.all(
      Array.from({ length: 200 }, (_, i) => postNotification(stack, numbers[i % 2]!.phoneNumber, `burst ${i}`)),
    );
    expect(posted.every((p) => p.status === 200)).toBe(true);
    await queuesSettled(stack, 60_000);

    for (const [index, { phoneNumber }] of numbers.entries()) {
      const expected = posted
        .filter((_, i) => i % 2 === index)
        .map((p) => p.body.toString())
        .sort();
      for (const destination of ['primary', 'a', 'b', 'c']) {
        expect(
          received(sink, phoneNumber, destination)
            .map((r) => r.body.toString())
            .sort(),
        ).toEqual(expected);
      }
    }
  });
});
