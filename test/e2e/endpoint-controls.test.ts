// Endpoint controls end to end: pausing parks a destination's copies, resuming drains them in order;
// the test event reaches one webhook once and answers with what its receiver said.
import { freePort } from '../../infra/local/free-port.js';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { PRIMARY, cloneRef } from '../../shared/domain/destination.js';
import { configureNumber, postNotification, queuesSettled, received } from '../helpers/delivery-world.js';
import { freshClient } from '../helpers/local-stack.js';
import { useScriptedStack } from '../helpers/scripted-stack.js';
import { waitFor } from '../helpers/wait-for.js';

const world = useScriptedStack({ RETRY_BASE_SECONDS: '1' });

const texts = ['first', 'second', 'third'];
const textsOf = (requests: { body: Buffer }[]) =>
  requests.map((request) => JSON.parse(request.body.toString()).entry[0].changes[0].value.messages[0].text.body);

describe('pause and resume', () => {
  it('parks a paused clone and shows it paused; on resume its copies arrive in the order they came', async () => {
    const { client, phoneNumber } = await configureNumber(world.stack, world.sink, ['crm', 'audit']);
    expect(await client.patch('/multi_webhook', { name: 'crm', paused: true })).toEqual({
      status: 200,
      body: { message: 'Updated webhook "crm".' },
    });
    const listed = await client.get('/multi_webhook');
    expect(listed.body.destinations.map((d: { name: string; paused?: boolean }) => [d.name, d.paused])).toEqual([
      ['crm', true],
      ['audit', undefined],
    ]);
    for (const text of texts) await postNotification(world.stack, phoneNumber, text);
    await queuesSettled(world.stack);
    expect(textsOf(received(world.sink, phoneNumber, 'audit')).sort()).toEqual([...texts].sort());
    expect(received(world.sink, phoneNumber, 'crm')).toEqual([]);
    expect((await world.stack.services.health.read(phoneNumber, cloneRef('crm'))).parked).toBe(3);

    await client.patch('/multi_webhook', { name: 'crm', paused: false });
    await waitFor(() => received(world.sink, phoneNumber, 'crm').length === 3, { timeoutMs: 20_000 });
    // Each post was accepted before the next was sent: arrival order is the order posted.
    expect(textsOf(received(world.sink, phoneNumber, 'crm'))).toEqual(texts);
    expect((await client.get('/multi_webhook')).body.destinations[0]).not.toHaveProperty('paused');
  });

  it('holds the clones of a paused primary too, and releases them after each drained primary copy', async () => {
    const { client, phoneNumber } = await configureNumber(world.stack, world.sink, ['crm']);
    const url = `${world.sink.url}/${phoneNumber}/primary`;
    const paused = await client.post('/v1/configs/webhook', { url, paused: true });
    expect(paused.body).toEqual({ url, headers: {}, paused: true });
    expect((await client.get('/v1/configs/webhook')).body).toEqual({ url, headers: {}, paused: true });
    for (const text of texts) await postNotification(world.stack, phoneNumber, text);
    await queuesSettled(world.stack);
    expect([received(world.sink, phoneNumber, 'primary'), received(world.sink, phoneNumber, 'crm')]).toEqual([[], []]);
    expect((await world.stack.services.health.read(phoneNumber, PRIMARY)).parked).toBe(3);

    await client.post('/v1/configs/webhook', { url, paused: false });
    await waitFor(() => received(world.sink, phoneNumber, 'crm').length === 3, { timeoutMs: 20_000 });
    const primary = received(world.sink, phoneNumber, 'primary');
    expect(primary).toHaveLength(3);
    for (const copy of received(world.sink, phoneNumber, 'crm')) {
      const own = primary.find((p) => p.headers['webhook-id'] === copy.headers['webhook-id'])!;
      expect(copy.receivedAt).toBeGreaterThanOrEqual(own.answeredAt!);
    }
    expect((await client.get('/v1/configs/webhook')).body).toEqual({ url, headers: {} });
  });

  it('refuses a paused that is not a boolean (400) and a pause of an unknown name (404), changing nothing', async () => {
    const { client } = await configureNumber(world.stack, world.sink, ['crm']);
    expect((await client.patch('/multi_webhook', { name: 'crm', paused: 'yes' })).status).toBe(400);
    expect((await client.patch('/multi_webhook', { name: 'absent', paused: true })).status).toBe(404);
    expect((await client.get('/multi_webhook')).body.destinations[0]).not.toHaveProperty('paused');
  });
});

describe('the test event', () => {
  it("sends one signed synthetic notification to the named webhook and answers with the receiver's status, latency and body", async () => {
    const client = await freshClient(world.stack);
    const { phoneNumber } = client;
    await client.post('/v1/configs/webhook', { url: `${world.sink.url}/${phoneNumber}/primary` });
    const enabled = await client.post('/multi_webhook', {
      enabled: true,
      destinations: [{ name: 'crm', url: `${world.sink.url}/${phoneNumber}/crm`, headers: { 'X-Clone': 'crm' }, signing: true }],
    });
    world.script.set(`/${phoneNumber}/crm`, [{ status: 503, body: 'busy right now' }]);

    const answer = await client.post('/multi_webhook/test', { name: 'crm' });

    expect(answer).toEqual({ status: 200, body: { status: 503, latencyMs: expect.any(Number), body: 'busy right now' } });
    const [request] = received(world.sink, phoneNumber, 'crm');
    expect(JSON.parse(request!.body.toString())).toEqual({
      object: 'multi_webhook',
      type: 'test',
      phone_number: phoneNumber,
      webhook: 'crm',
      sent_at: expect.any(String),
    });
    expect(request!.headers).toMatchObject({ 'webhook-id': expect.stringMatching(/^test_[0-9a-f]{32}$/), 'x-clone': 'crm' });
    const headers = Object.fromEntries(
      ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [name, String(request!.headers[name])]),
    );
    expect(() => new Webhook(enabled.body.secrets.crm).verify(request!.body, headers)).not.toThrow();
    // Sent once: the 503 is neither retried nor counted by the breaker, and nobody else got anything.
    await queuesSettled(world.stack);
    expect(received(world.sink, phoneNumber, 'crm')).toHaveLength(1);
    expect(received(world.sink, phoneNumber, 'primary')).toEqual([]);
    expect((await world.stack.services.health.read(phoneNumber, cloneRef('crm'))).consecutiveFailures).toBe(0);
  });

  it('goes to the primary when no name is given, and reports a receiver that cannot be reached in a sentence', async () => {
    const client = await freshClient(world.stack);
    const url = `http://127.0.0.1:${await freePort()}/hook`;
    await client.post('/v1/configs/webhook', { url });
    const answer = await client.post('/multi_webhook/test', {});
    expect(answer).toEqual({
      status: 200,
      body: { connectionError: expect.stringMatching(/^The connection to the receiver failed .*\.$/), latencyMs: expect.any(Number) },
    });
  });

  it('answers 404 for an unknown name or a number without a primary, and 400 for a malformed body', async () => {
    const client = await freshClient(world.stack);
    expect((await client.post('/multi_webhook/test', {})).status).toBe(404);
    expect((await client.post('/multi_webhook/test', { name: 'absent' })).status).toBe(404);
    expect((await client.post('/multi_webhook/test', { name: '' })).status).toBe(400);
    expect((await client.post('/multi_webhook/test', { name: 'crm', extra: 1 })).status).toBe(400);
  });
});
