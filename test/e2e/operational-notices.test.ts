// Operational notices end to end: a primary that asked for them hears of a dead-lettered clone copy.
import { describe, expect, it } from 'vitest';
import { postNotification, queuesSettled, received } from '../helpers/delivery-world.js';
import { freshClient } from '../helpers/local-stack.js';
import { useScriptedStack } from '../helpers/scripted-stack.js';
import { waitFor } from '../helpers/wait-for.js';

const world = useScriptedStack({ RETRY_BASE_SECONDS: '1', RETRY_MAX_AGE_SECONDS: '2' });

/** A number whose clone "crm" always answers 503; the primary asked for notices or not. */
async function numberWithFailingClone(notices: boolean) {
  const client = await freshClient(world.stack);
  const { phoneNumber } = client;
  const url = `${world.sink.url}/${phoneNumber}/primary`;
  const set = await client.post('/v1/configs/webhook', { url, ...(notices && { notices: true }) });
  expect(set.body).toEqual({ url, headers: {}, ...(notices && { notices: true }) });
  await client.post('/multi_webhook', { enabled: true, destinations: [{ name: 'crm', url: `${world.sink.url}/${phoneNumber}/crm` }] });
  world.script.set(`/${phoneNumber}/crm`, Array(20).fill({ status: 503 }));
  return { client, phoneNumber };
}

const noticesTo = (phoneNumber: string) =>
  received(world.sink, phoneNumber, 'primary')
    .map((request) => ({ headers: request.headers, json: JSON.parse(request.body.toString()) }))
    .filter(({ json }) => json.object === 'multi_webhook');

describe('operational notices', () => {
  it('tell a primary that asked for them of a dead-lettered clone copy, once, marked as a delivery of this service', async () => {
    const { client, phoneNumber } = await numberWithFailingClone(true);
    expect((await client.get('/v1/configs/webhook')).body).toMatchObject({ notices: true });
    await postNotification(world.stack, phoneNumber);
    await waitFor(() => noticesTo(phoneNumber).length > 0, { timeoutMs: 20_000 });
    await queuesSettled(world.stack);
    const notices = noticesTo(phoneNumber);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.json).toEqual({
      object: 'multi_webhook',
      type: 'notification.dead_lettered',
      phone_number: phoneNumber,
      webhook: 'crm',
      at: expect.any(String),
      notification_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      reason: expect.stringMatching(/^crm still failing after/),
    });
    expect(notices[0]!.headers).toMatchObject({ 'x-multi-webhook-delivery': '1', 'webhook-id': expect.stringMatching(/^notice_/) });
    // Never cloned: the clone got only the notification's copies.
    expect(received(world.sink, phoneNumber, 'crm').every((request) => !request.body.toString().includes('"object":"multi_webhook"'))).toBe(
      true,
    );
  });

  it('are not sent to a primary that did not ask for them', async () => {
    const { phoneNumber } = await numberWithFailingClone(false);
    await postNotification(world.stack, phoneNumber);
    await queuesSettled(world.stack);
    expect(received(world.sink, phoneNumber, 'primary')).toHaveLength(1);
    expect(noticesTo(phoneNumber)).toEqual([]);
  });
});
