// The delivery log end to end: a failing copy shows in GET /deliveries and GET /multi_webhook/status,
// and one POST /deliveries/{id}/retry delivers it once its receiver is fixed, the gate still holding.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureNumber, postNotification, received } from '../helpers/delivery-world.js';
import type { ApiClient } from '../helpers/local-stack.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { OpenApiChecker } from '../helpers/openapi.js';
import { startSink, type Sink, type SinkReply } from '../helpers/sink-server.js';
import { waitFor } from '../helpers/wait-for.js';

let stack: TestStack;
let sink: Sink;
/** The answer of each path until changed; 200 otherwise. */
const answers = new Map<string, SinkReply>();

beforeAll(async () => {
  // Retries an hour out: a failed copy waits in the log, so only the replay can deliver it here.
  [stack, sink] = await Promise.all([
    startTestStack({ numbers: 0, env: { RETRY_BASE_SECONDS: '3600', DELIVERY_TIMEOUT_MS: '1000' } }),
    startSink(),
  ]);
  sink.replyByDefault((request) => answers.get(request.path) ?? { status: 200 });
});
afterAll(async () => {
  await Promise.all([stack?.stop(), sink?.close()]);
});

const checker = new OpenApiChecker();
/** Why an answer is not what the OpenAPI document declares for it (these answers need a failed delivery first). */
const problems = checker.answerProblems.bind(checker);

const answer = (phoneNumber: string, destination: string, reply: SinkReply | undefined) =>
  reply === undefined ? answers.delete(`/${phoneNumber}/${destination}`) : answers.set(`/${phoneNumber}/${destination}`, reply);

async function logged(client: ApiClient, query: string, count: number) {
  let deliveries: any[] = [];
  await waitFor(async () => {
    const { status, body } = await client.get(`/deliveries${query}`);
    expect(status).toBe(200);
    deliveries = body.deliveries;
    return deliveries.length === count;
  });
  return deliveries;
}

describe('the delivery log and replay', () => {
  it('shows a failing clone as retrying with its last answer, and one retry call delivers it without sending the primary again', async () => {
    const { client, phoneNumber } = await configureNumber(stack, sink, ['crm', 'ok']);
    answer(phoneNumber, 'crm', { status: 503, body: 'down for maintenance' });
    await postNotification(stack, phoneNumber);

    const [entry] = await logged(client, '?status=failed', 1);
    const webhookId = String(received(sink, phoneNumber, 'primary')[0]!.headers['webhook-id']);
    expect(entry).toMatchObject({
      notificationId: webhookId,
      destination: 'crm',
      status: 'retrying',
      lastStatus: 503,
      lastLatencyMs: expect.any(Number),
      nextAttemptAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      responseExcerpt: 'down for maintenance',
      retryQueued: false,
    });
    expect(entry).not.toHaveProperty('payload');
    const status = await client.get('/multi_webhook/status');
    expect(status.body.destinations.find((d: { destination: string }) => d.destination === 'crm')).toMatchObject({
      breaker: 'closed',
      consecutiveFailures: 1,
      lastStatus: 503,
      parked: 0,
      nextProbeAt: null,
    });

    answer(phoneNumber, 'crm', undefined);
    const retry = await client.post(`/deliveries/${encodeURIComponent(webhookId)}/retry`, undefined);
    expect(retry).toEqual({ status: 202, body: expect.objectContaining({ notificationId: webhookId, destinations: ['crm'] }) });
    expect(problems('POST', `/deliveries/${encodeURIComponent(webhookId)}/retry`, retry)).toEqual([]);

    await waitFor(() => received(sink, phoneNumber, 'crm').length === 2);
    const [delivered] = await logged(client, '?status=delivered', 1);
    expect(delivered).toMatchObject({ destination: 'crm', status: 'delivered', attempts: 2, lastStatus: 200, retryQueued: false });
    expect(received(sink, phoneNumber, 'crm')[1]!.headers['webhook-id']).toBe(webhookId);
    expect(received(sink, phoneNumber, 'primary')).toHaveLength(1);
    expect(received(sink, phoneNumber, 'ok')).toHaveLength(1);

    const again = await client.post(`/deliveries/${encodeURIComponent(webhookId)}/retry`, undefined);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/delivered to every destination/);
    expect(problems('POST', `/deliveries/${encodeURIComponent(webhookId)}/retry`, again)).toEqual([]);
    expect(problems('GET', '/deliveries', await client.get('/deliveries'))).toEqual([]);
    expect(problems('GET', '/multi_webhook/status', await client.get('/multi_webhook/status'))).toEqual([]);
  });

  it('replays a failed primary first, and its 200 releases the clones', async () => {
    const { client, phoneNumber } = await configureNumber(stack, sink, ['a']);
    answer(phoneNumber, 'primary', { status: 500 });
    await postNotification(stack, phoneNumber);
    const [entry] = await logged(client, '?destination=primary', 1);
    expect(entry).toMatchObject({ destination: 'primary', status: 'retrying', lastStatus: 500 });
    expect(received(sink, phoneNumber, 'a')).toHaveLength(0);

    answer(phoneNumber, 'primary', undefined);
    const retry = await client.post(`/deliveries/${encodeURIComponent(entry.notificationId)}/retry`, undefined);
    expect(retry.status).toBe(202);
    expect(retry.body.destinations).toEqual(['primary']);

    await waitFor(() => received(sink, phoneNumber, 'a').length === 1);
    const primary = received(sink, phoneNumber, 'primary');
    expect(primary).toHaveLength(2);
    expect(received(sink, phoneNumber, 'a')[0]!.receivedAt).toBeGreaterThanOrEqual(primary[1]!.answeredAt!);
    expect(received(sink, phoneNumber, 'a')[0]!.headers['webhook-id']).toBe(entry.notificationId);
    expect((await logged(client, '', 1))[0]).toMatchObject({ destination: 'primary', status: 'delivered', attempts: 2 });
  });

  it("answers 404 for a notification the log does not hold, and never shows another number's deliveries", async () => {
    const one = await configureNumber(stack, sink, []);
    const other = await configureNumber(stack, sink, []);
    answer(one.phoneNumber, 'primary', { status: 502 });
    await postNotification(stack, one.phoneNumber);
    const [entry] = await logged(one.client, '', 1);

    expect((await other.client.get('/deliveries')).body).toEqual({ deliveries: [], nextCursor: null });
    const stranger = await other.client.post(`/deliveries/${encodeURIComponent(entry.notificationId)}/retry`, undefined);
    expect(stranger.status).toBe(404);
    expect(stranger.body.error).toMatch(/not in the delivery log/);
  });
});
