// POST /webhooks/whatsapp against a real SQS/S3 emulator: what lands on the queue, and what never does.
import { describe, expect, it } from 'vitest';
import { MAX_NOTIFICATION_BYTES } from '../../../shared/domain/limits.js';
import { copyId, notificationId } from '../../../shared/domain/whatsapp.js';
import { drain, httpEvent, invoke, notificationBody, sign, useIngestEmulator } from './support.js';

const world = useIngestEmulator();

/** The payload a queued message carries, inline or from the payload store, as delivery reads it. */
const payloadOf = (message: { phoneNumber: string; payload?: string; payloadRef?: { bucket: string; key: string } }) =>
  message.payloadRef ? world.emulator.services.payloads.load(message.phoneNumber, message.payloadRef) : Promise.resolve(message.payload);

/** Posts a body signed with the app secret, or with `signature` (null: no header at all). */
const post = (body: Buffer, signature: string | null = sign(body)) =>
  invoke(world.emulator.ingest, httpEvent('POST', { body, headers: signature === null ? {} : { 'x-hub-signature-256': signature } }));

/** A signed body of exactly `bytes` bytes for one number: the text of its message pads it. */
function bodyOfSize(bytes: number, phone = '15550001111'): Buffer {
  const base = notificationBody([{ phone, text: '' }]);
  return notificationBody([{ phone, text: 'x'.repeat(bytes - base.length) }]);
}

describe('POST /webhooks/whatsapp', () => {
  it('queues one notification holding the raw body untouched, its signature, receipt time and a content id', async () => {
    const body = Buffer.from(
      notificationBody([{ phone: '+1 555-000-1111' }])
        .toString('utf8')
        .replace('{', '{ \n'),
    );
    const before = Date.now();

    const response = await post(body);

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body!)).toEqual({ status: 'queued' });
    const [message, ...others] = await drain(world.emulator.sqs, world.queueUrl);
    expect(others).toEqual([]);
    expect(message).toEqual({
      phoneNumber: '15550001111',
      id: notificationId(body),
      payload: body.toString('utf8'),
      signature: sign(body),
      receivedAt: expect.any(Number),
    });
    expect(message.receivedAt).toBeGreaterThanOrEqual(before);
  });

  it('answers a body Meta sends again 200 duplicate and queues it once, with its content-derived id', async () => {
    const body = notificationBody([{ phone: '15550001111' }]);

    const first = await post(body);
    const again = await post(body);

    expect([JSON.parse(first.body!), JSON.parse(again.body!)]).toEqual([{ status: 'queued' }, { status: 'duplicate' }]);
    const messages = await drain(world.emulator.sqs, world.queueUrl);
    expect(messages.map((message) => message.id)).toEqual([notificationId(body)]);
  });

  it('queues two identical posts arriving at once once: the other is told duplicate, or to send it again (409)', async () => {
    const body = notificationBody([{ phone: '15550001111' }]);

    const answers = await Promise.all([post(body), post(body)]);

    const outcomes = answers.map((answer) => `${answer.statusCode} ${JSON.parse(answer.body!).status ?? 'error'}`).sort();
    expect([
      ['200 duplicate', '200 queued'],
      ['200 queued', '409 error'],
    ]).toContainEqual(outcomes);
    expect(await drain(world.emulator.sqs, world.queueUrl)).toHaveLength(1);
  });

  it('forgets a notification whose queueing failed, so the retry Meta sends is queued', async () => {
    const body = notificationBody([{ phone: '15550001111' }]);
    const sqs = world.emulator.services.clients.sqs;
    sqs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'SendMessageBatchCommand')
          throw Object.assign(new Error('injected: SQS is down'), { name: 'ServiceUnavailable', $fault: 'server' });
        return next(args);
      },
      { step: 'finalizeRequest', priority: 'low', name: 'sqs-down' },
    );
    const failed = await post(body).finally(() => sqs.middlewareStack.remove('sqs-down'));

    const retried = await post(body);

    expect([failed.statusCode, retried.statusCode, JSON.parse(retried.body!)]).toEqual([500, 200, { status: 'queued' }]);
    expect(await drain(world.emulator.sqs, world.queueUrl)).toHaveLength(1);
  });

  it('keeps the copies of a split body apart: a re-send is a duplicate for each number', async () => {
    const body = notificationBody([{ phone: '15550001111' }, { phone: '15550002222' }]);

    await post(body);
    const again = await post(body);

    expect(JSON.parse(again.body!)).toEqual({ status: 'duplicate' });
    expect((await drain(world.emulator.sqs, world.queueUrl)).map((message) => message.phoneNumber).sort()).toEqual([
      '15550001111',
      '15550002222',
    ]);
  });

  it('verifies the signature over the decoded bytes when API Gateway hands the body over base64-encoded', async () => {
    const body = notificationBody([{ phone: '15550001111', text: 'olá' }]);
    const event = httpEvent('POST', { body, headers: { 'x-hub-signature-256': sign(body) } });
    Object.assign(event, { body: body.toString('base64'), isBase64Encoded: true });

    const response = await invoke(world.emulator.ingest, event);

    expect(response.statusCode).toBe(200);
    expect((await drain(world.emulator.sqs, world.queueUrl)).map((message) => message.payload)).toEqual([body.toString('utf8')]);
  });

  it('refuses one of its own deliveries coming back, validly signed as it is, with 403 and queues nothing: no loops', async () => {
    const body = notificationBody([{ phone: '15550001111' }]);
    const response = await invoke(
      world.emulator.ingest,
      httpEvent('POST', { body, headers: { 'x-hub-signature-256': sign(body), 'x-multi-webhook-delivery': '1' } }),
    );

    expect(response.statusCode).toBe(403);
    expect(JSON.parse(response.body!)).toEqual({ error: expect.stringMatching(/loop/) });
    expect(await drain(world.emulator.sqs, world.queueUrl)).toEqual([]);
  });

  it('refuses a notification without X-Hub-Signature-256 with 401 and queues nothing', async () => {
    const response = await post(notificationBody([{ phone: '15550001111' }]), null);

    expect(response.statusCode).toBe(401);
    expect(JSON.parse(response.body!)).toEqual({ error: expect.any(String) });
    expect(await drain(world.emulator.sqs, world.queueUrl)).toEqual([]);
  });

  it('refuses a notification signed with another secret with 401 and queues nothing', async () => {
    const body = notificationBody([{ phone: '15550001111' }]);

    const response = await post(body, sign(body, 'not-the-app-secret'));

    expect(response.statusCode).toBe(401);
    expect(await drain(world.emulator.sqs, world.queueUrl)).toEqual([]);
  });

  it('checks the signature before the JSON: an unsigned body that is not JSON is 401, not 400', async () => {
    const response = await post(Buffer.from('not json'), 'sha256=' + '0'.repeat(64));

    expect(response.statusCode).toBe(401);
  });

  it.each([
    ['is not JSON', Buffer.from('{"entry": [')],
    ['is JSON without an entry array', Buffer.from('{"object": "whatsapp_business_account"}')],
  ])('answers 400 to a correctly signed body that %s', async (_case, body) => {
    const response = await post(body);

    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body!)).toEqual({ error: expect.any(String) });
    expect(await drain(world.emulator.sqs, world.queueUrl)).toEqual([]);
  });

  it('answers 200 and queues nothing when the notification names no phone number', async () => {
    const body = Buffer.from(
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: 'waba', changes: [{ field: 'account_update', value: { event: 'X' } }] }],
      }),
    );

    const response = await post(body);

    expect(response.statusCode).toBe(200);
    expect(await drain(world.emulator.sqs, world.queueUrl)).toEqual([]);
  });

  it('splits a payload mixing two numbers into one message per number with only its changes, signed with the app secret', async () => {
    const body = notificationBody([
      { phone: '15550001111', text: 'for one' },
      { phone: '15550002222', text: 'for two' },
    ]);

    const response = await post(body);

    expect(response.statusCode).toBe(200);
    const messages = await drain(world.emulator.sqs, world.queueUrl);
    expect(messages.map((message) => message.phoneNumber).sort()).toEqual(['15550001111', '15550002222']);
    for (const message of messages) {
      expect(message.signature).toBe(sign(message.payload));
      expect(message.id).toBe(copyId(message.phoneNumber, message.payload));
      const texts = JSON.parse(message.payload).entry.flatMap((entry: any) =>
        entry.changes.map((change: any) => change.value.messages[0].text.body),
      );
      expect(texts).toEqual([message.phoneNumber === '15550001111' ? 'for one' : 'for two']);
    }
  });

  it("offloads a 1.5 MB payload to S3, under the number's own prefix, and delivery reads it back byte for byte", async () => {
    const body = bodyOfSize(1_500_000);

    const response = await post(body);

    expect(response.statusCode).toBe(200);
    const [message, ...others] = await drain(world.emulator.sqs, world.queueUrl);
    expect(others).toEqual([]);
    expect(message).toEqual({
      phoneNumber: '15550001111',
      id: notificationId(body),
      payloadRef: { bucket: world.emulator.bucket, key: `payloads/15550001111/${notificationId(body)}` },
      signature: sign(body),
      receivedAt: expect.any(Number),
    });
    const payload = await payloadOf(message);
    expect(Buffer.from(payload ?? '', 'utf8').equals(body)).toBe(true);
  });

  it('accepts a body of exactly 3 MiB', async () => {
    const response = await post(bodyOfSize(MAX_NOTIFICATION_BYTES));

    expect(response.statusCode).toBe(200);
    expect(await drain(world.emulator.sqs, world.queueUrl)).toHaveLength(1);
  });

  it('refuses a body of 3 MiB + 1 byte with 413 and queues nothing, even when correctly signed', async () => {
    const response = await post(bodyOfSize(MAX_NOTIFICATION_BYTES + 1));

    expect(response.statusCode).toBe(413);
    expect(JSON.parse(response.body!)).toEqual({ error: expect.any(String) });
    expect(await drain(world.emulator.sqs, world.queueUrl)).toEqual([]);
  });

  it('queues two split halves that fit SQS one by one but not together in one batch', async () => {
    const body = notificationBody([
      { phone: '15550001111', text: 'a'.repeat(700_000) },
      { phone: '15550002222', text: 'b'.repeat(700_000) },
    ]);

    const response = await post(body);

    expect(response.statusCode).toBe(200);
    const messages = await drain(world.emulator.sqs, world.queueUrl);
    expect(messages.map((message) => [message.phoneNumber, message.payload !== undefined]).sort()).toEqual([
      ['15550001111', true],
      ['15550002222', true],
    ]);
  });

  it('queues a payload holding U+FFFF, which SQS refuses raw, and hands it back unchanged', async () => {
    const body = notificationBody([{ phone: '15550001111', text: 'edge \uffff\ufffe case' }]);

    const response = await post(body);

    expect(response.statusCode).toBe(200);
    const [message] = await drain(world.emulator.sqs, world.queueUrl);
    expect(await payloadOf(message)).toBe(body.toString('utf8'));
  });
});
