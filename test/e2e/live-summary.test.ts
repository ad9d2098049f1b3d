// The local stack's live summary line: it appears once traffic flows, with what delivery did, and never while idle.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configureNumber, postNotification } from '../helpers/delivery-world.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { startSink, type Sink } from '../helpers/sink-server.js';
import { waitFor } from '../helpers/wait-for.js';
import { notificationBody, sign } from '../helpers/whatsapp.js';
import { cleanUp, npmStart, type NpmStart } from './support/npm-start.js';

let stack: TestStack;
let sink: Sink;
const lines: string[] = [];

beforeAll(async () => {
  [stack, sink] = await Promise.all([
    startTestStack({ numbers: 0, liveSummary: { print: (line) => lines.push(line), intervalMs: 50 } }),
    startSink(),
  ]);
  sink.replyByDefault((request) => ({ status: request.path.endsWith('/down') ? 500 : 200 }));
});
afterAll(async () => {
  await Promise.all([stack?.stop(), sink?.close()]);
});

describe('the live summary of the local stack', () => {
  it('prints nothing while idle, then the delivered, failed and retrying copies once a notification fans out', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, ['crm', 'down']);
    expect(lines).toEqual([]);

    expect((await postNotification(stack, phoneNumber)).status).toBe(200);

    // The primary and "crm" answer 200; "down" answers 500 and is scheduled for a retry.
    await waitFor(() => lines.at(-1) === 'delivered 2 · failed 1 · retrying 1 · parked 0', { timeoutMs: 20_000 });
  });
});

describe('npm start', () => {
  let started: NpmStart | undefined;
  afterEach(async () => {
    await cleanUp(started);
    started = undefined;
  });

  it('prints the live line after a notification reaches the demo number, and not before', { timeout: 60_000 }, async () => {
    started = npmStart();
    const { banner, state } = await started.ready;
    const phone = '15550001111';
    const configured = await fetch(`${state.apiUrl}/v1/configs/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'D360-API-KEY': 'local-demo-key' },
      body: JSON.stringify({ url: `${sink.url}/${phone}/primary` }),
    });
    expect(configured.status).toBe(200);
    expect(started.stdout()).not.toContain('delivered');

    const body = notificationBody([{ phone, text: 'hello' }]);
    const posted = await fetch(`${state.apiUrl}/webhooks/whatsapp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, 'local-app-secret') },
      body,
    });
    expect(posted.status).toBe(200);

    await waitFor(() => started!.stdout().slice(banner.length).includes('delivered 1 · failed 0 · retrying 0 · parked 0'), {
      timeoutMs: 20_000,
    });
  });
});
