// Signed deliveries end to end: secrets issued once, never shown again, and every attempt (a retry,
// a copy of a notification that arrived long ago, a clone) verified by the standardwebhooks package.
import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { configureNumber, postNotification, queuesSettled, received } from '../helpers/delivery-world.js';
import { sqsTestClient } from '../helpers/fresh-queues.js';
import { freshClient, type ApiClient } from '../helpers/local-stack.js';
import { OpenApiChecker } from '../helpers/openapi.js';
import { useScriptedStack } from '../helpers/scripted-stack.js';
import type { SinkRequest } from '../helpers/sink-server.js';

const world = useScriptedStack({ RETRY_BASE_SECONDS: '1' });
/** The answers that carry secrets and extension fields, checked against the OpenAPI document. */
const checker = new OpenApiChecker();

/** What standardwebhooks' verify needs of a recorded request (a 5-minute tolerance on webhook-timestamp). */
function verifies(secret: string, request: SinkRequest): boolean {
  const { headers } = request;
  try {
    new Webhook(secret).verify(request.body, {
      'webhook-id': String(headers['webhook-id']),
      'webhook-timestamp': String(headers['webhook-timestamp']),
      'webhook-signature': String(headers['webhook-signature']),
    });
    return true;
  } catch {
    return false;
  }
}

/** A number whose primary and clone "signed" sign, and the secrets each was given, once. */
async function signingNumber(): Promise<{ client: ApiClient; phoneNumber: string; primarySecret: string; cloneSecret: string }> {
  const client = await freshClient(world.stack);
  const { phoneNumber } = client;
  const primary = await client.post('/v1/configs/webhook', { url: `${world.sink.url}/${phoneNumber}/primary`, signing: true });
  expect(primary.status).toBe(200);
  expect(primary.body).toEqual({ url: `${world.sink.url}/${phoneNumber}/primary`, headers: {}, signing: true, secret: expect.any(String) });
  const enabled = await client.post('/multi_webhook', {
    enabled: true,
    destinations: [
      { name: 'signed', url: `${world.sink.url}/${phoneNumber}/signed`, signing: true },
      { name: 'plain', url: `${world.sink.url}/${phoneNumber}/plain` },
    ],
  });
  expect(enabled.status).toBe(200);
  expect(Object.keys(enabled.body.secrets)).toEqual(['signed']);
  expect(checker.answerProblems('POST', '/v1/configs/webhook', primary)).toEqual([]);
  expect(checker.answerProblems('POST', '/multi_webhook', enabled)).toEqual([]);
  expect(checker.answerProblems('GET', '/v1/configs/webhook', await client.get('/v1/configs/webhook'))).toEqual([]);
  expect(checker.answerProblems('GET', '/multi_webhook', await client.get('/multi_webhook'))).toEqual([]);
  return { client, phoneNumber, primarySecret: primary.body.secret, cloneSecret: enabled.body.secrets.signed };
}

describe('signed deliveries', () => {
  it('issues whsec_ secrets once and never shows them again, keeping 360dialog shapes for webhooks that do not sign', async () => {
    const { client, phoneNumber, primarySecret, cloneSecret } = await signingNumber();
    for (const secret of [primarySecret, cloneSecret]) expect(Buffer.from(secret.replace(/^whsec_/, ''), 'base64').length).toBe(24);
    const primary = await client.get('/v1/configs/webhook');
    expect(primary.body).toEqual({ url: `${world.sink.url}/${phoneNumber}/primary`, headers: {}, signing: true });
    const multi = await client.get('/multi_webhook');
    expect(multi.body).toEqual({
      enabled: true,
      destinations: [
        { name: 'signed', url: `${world.sink.url}/${phoneNumber}/signed`, headers: {}, signing: true },
        { name: 'plain', url: `${world.sink.url}/${phoneNumber}/plain`, headers: {} },
      ],
    });
    const shown = JSON.stringify([primary.body, multi.body]);
    for (const hidden of [primarySecret, cloneSecret, 'whsec_', 'v1.']) expect(shown).not.toContain(hidden);
  });

  it('signs the primary and the clone copy so that standardwebhooks verifies each, and leaves the plain clone unsigned', async () => {
    const { phoneNumber, primarySecret, cloneSecret } = await signingNumber();
    await postNotification(world.stack, phoneNumber);
    await queuesSettled(world.stack);
    const [primary] = received(world.sink, phoneNumber, 'primary');
    const [signed] = received(world.sink, phoneNumber, 'signed');
    const [plain] = received(world.sink, phoneNumber, 'plain');
    expect(verifies(primarySecret, primary!)).toBe(true);
    expect(verifies(cloneSecret, signed!)).toBe(true);
    // Each webhook's own secret: the clone's does not verify the primary's copy.
    expect(verifies(cloneSecret, primary!)).toBe(false);
    expect(plain!.headers).not.toHaveProperty('webhook-signature');
  });

  it('signs a retry with the time of that attempt, so it still verifies after the first attempt failed', async () => {
    const { phoneNumber, primarySecret } = await signingNumber();
    world.script.set(`/${phoneNumber}/primary`, [{ status: 500 }]);
    await postNotification(world.stack, phoneNumber);
    await queuesSettled(world.stack);
    const attempts = received(world.sink, phoneNumber, 'primary');
    expect(attempts).toHaveLength(2);
    expect(verifies(primarySecret, attempts[1]!)).toBe(true);
  });

  it('verifies a copy of a notification that arrived two hours ago: webhook-timestamp is the attempt, not the arrival', async () => {
    const { phoneNumber, primarySecret, cloneSecret } = await signingNumber();
    const sqs = sqsTestClient();
    try {
      const message = { phoneNumber, payload: '{"object":"whatsapp_business_account","entry":[]}', id: randomUUID().replaceAll('-', '') };
      const receivedAt = Date.now() - 2 * 60 * 60 * 1000;
      await sqs.send(
        new SendMessageCommand({
          QueueUrl: world.stack.queues.NOTIFICATIONS_QUEUE_URL,
          MessageBody: JSON.stringify({ ...message, receivedAt }),
        }),
      );
    } finally {
      sqs.destroy();
    }
    await queuesSettled(world.stack);
    const [primary] = received(world.sink, phoneNumber, 'primary');
    const [signed] = received(world.sink, phoneNumber, 'signed');
    expect(verifies(primarySecret, primary!)).toBe(true);
    expect(verifies(cloneSecret, signed!)).toBe(true);
  });

  it('sends both signatures during the grace period of a rotation, each verifying with its own secret', async () => {
    const { client, phoneNumber, cloneSecret } = await signingNumber();
    const rotation = await client.post('/multi_webhook/secret', { name: 'signed' });
    expect(rotation.status).toBe(200);
    expect(rotation.body).toEqual({
      message: expect.any(String),
      secret: expect.stringMatching(/^whsec_/),
      previousValidForSeconds: 86400,
    });
    expect(rotation.body.secret).not.toBe(cloneSecret);
    expect(checker.answerProblems('POST', '/multi_webhook/secret', rotation)).toEqual([]);
    await postNotification(world.stack, phoneNumber);
    await queuesSettled(world.stack);
    const [signed] = received(world.sink, phoneNumber, 'signed');
    expect(String(signed!.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifies(rotation.body.secret, signed!)).toBe(true);
    expect(verifies(cloneSecret, signed!)).toBe(true);
  });

  it('stops signing once signing is turned off, and keeps the secret when signing: true is sent again', async () => {
    const { client, phoneNumber, primarySecret } = await signingNumber();
    const again = await client.post('/v1/configs/webhook', { url: `${world.sink.url}/${phoneNumber}/primary`, signing: true });
    expect(again.body).toEqual({ url: `${world.sink.url}/${phoneNumber}/primary`, headers: {}, signing: true });
    const off = await client.patch('/multi_webhook', { name: 'signed', signing: false });
    expect(off.body).toEqual({ message: 'Updated webhook "signed".' });
    await postNotification(world.stack, phoneNumber);
    await queuesSettled(world.stack);
    expect(verifies(primarySecret, received(world.sink, phoneNumber, 'primary')[0]!)).toBe(true);
    expect(received(world.sink, phoneNumber, 'signed')[0]!.headers).not.toHaveProperty('webhook-signature');
    const on = await client.patch('/multi_webhook', { name: 'plain', signing: true });
    expect(on.body).toEqual({ message: 'Updated webhook "plain".', secret: expect.stringMatching(/^whsec_/) });
    expect(checker.answerProblems('PATCH', '/multi_webhook', on)).toEqual([]);
  });

  it('refuses a rotation for a webhook that does not sign (409), an unknown name (404) and a malformed body (400)', async () => {
    const { client } = await signingNumber();
    expect((await client.post('/multi_webhook/secret', { name: 'plain' })).status).toBe(409);
    expect((await client.post('/multi_webhook/secret', { name: 'absent' })).status).toBe(404);
    const malformed = await client.post('/multi_webhook/secret', { name: 7 });
    expect(malformed).toEqual({ status: 400, body: { error: expect.any(String) } });
    const unsignedNumber = await configureNumber(world.stack, world.sink, []);
    expect((await unsignedNumber.client.post('/multi_webhook/secret', {})).status).toBe(409);
  });
});
