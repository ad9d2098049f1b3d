// SSRF at delivery time in strict mode, end to end: ingest -> queue -> the delivery service with a strict
// sender whose resolver the test controls (the deployed function uses the system resolver). A name that
// was accepted as public when configured and resolves to an internal address when delivering is refused
// before any connection, on every attempt, and its clones are never even resolved.
// (Redirects, which are never followed, are proven end to end in faults-primary.test.ts.)
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postNotification } from '../helpers/delivery-world.js';
import { freshClient, type ApiClient } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait-for.js';
import { startFaultStack, type FaultStack } from './fault-support/fault-stack.js';
import { deadLetterReader, failedAttempts } from './fault-support/observations.js';
import { controlledDns, strictSender } from './fault-support/strict-delivery.js';

const dns = controlledDns();
let stack: FaultStack;
let notificationsDeadLetters: ReturnType<typeof deadLetterReader>;

/** Remote ports of every TCP connection this process opened. */
const connectedPorts: number[] = [];
const onSocket = (message: unknown) => {
  const { socket } = message as { socket: Socket };
  socket.once('connect', () => connectedPorts.push(socket.remotePort ?? 0));
};

beforeAll(async () => {
  subscribe('net.client.socket', onSocket);
  stack = await startFaultStack({
    visibilityTimeoutSeconds: 30,
    env: { DESTINATION_POLICY: 'strict', RETRY_BASE_SECONDS: '1', RETRY_MAX_AGE_SECONDS: '3', DELIVERY_TIMEOUT_MS: '1000' },
    adapters: { sender: strictSender(dns.lookup, 1000) },
  });
  notificationsDeadLetters = deadLetterReader(stack.queues.NOTIFICATIONS_DLQ_URL);
});
afterAll(async () => {
  unsubscribe('net.client.socket', onSocket);
  notificationsDeadLetters?.close();
  await stack?.stop();
});

interface StrictNumber {
  client: ApiClient;
  phoneNumber: string;
  primaryHost: string;
  cloneHosts: string[];
}

/** A fresh number configured through the strict API: a public-looking https primary and two clones. */
async function configureStrictNumber(): Promise<StrictNumber> {
  const client = await freshClient(stack);
  const phoneNumber = client.phoneNumber;
  const primaryHost = `hooks-${phoneNumber}.customer-example.com`;
  const cloneHosts = ['crm', 'analytics'].map((name) => `${name}-${phoneNumber}.customer-example.com`);
  const primary = await client.post('/v1/configs/webhook', { url: `https://${primaryHost}/whatsapp` });
  const clones = await client.post('/multi_webhook', {
    enabled: true,
    destinations: cloneHosts.map((host, i) => ({ name: `clone-${i}`, url: `https://${host}/hook` })),
  });
  // Accepted as public: the strict configuration check found nothing wrong with these URLs.
  expect([primary.status, clones.status]).toEqual([200, 200]);
  return { client, phoneNumber, primaryHost, cloneHosts };
}

function expectNeverConnected(number: StrictNumber): void {
  // Every TCP connection this process opened, whatever opened it: none went to a webhook's port.
  expect(connectedPorts).not.toContain(443);
  // The clones were never released, so their names were never even looked up.
  for (const host of number.cloneHosts) expect(dns.asked).not.toContain(host);
}

describe.concurrent('a destination name that resolves to an internal address when delivering, in strict mode', () => {
  it.each([
    ['loopback', ['127.0.0.1']],
    ['a private address', ['10.0.0.7']],
    ['the cloud metadata address', ['169.254.169.254']],
    ['IPv6 loopback', ['::1']],
    ['an IPv6 unique-local address', ['fd12:3456::1']],
    ['a carrier-grade NAT address', ['100.64.0.1']],
    ['a public and a private address at once', ['93.184.215.14', '10.0.0.7']],
  ])('refuses a primary that resolves to %s without connecting, and holds the clones', async (_what, addresses) => {
    const number = await configureStrictNumber();
    dns.set(number.primaryHost, addresses);
    for (const host of number.cloneHosts) dns.set(host, ['93.184.215.14']);
    expect((await postNotification(stack, number.phoneNumber)).status).toBe(200);

    const [failure] = await waitFor(async () => {
      const recorded = await failedAttempts(stack, number.phoneNumber);
      return recorded.length > 0 && recorded;
    });
    expect(failure).toMatchObject({ destination: 'primary', error: 'refused-address', attempt: 1 });
    expect(dns.asked).toContain(number.primaryHost);
    expectNeverConnected(number);
  });

  it('re-checks the name on every attempt and dead-letters the notification at the end of the window, having connected nowhere and sent no clone', async () => {
    const number = await configureStrictNumber();
    dns.set(number.primaryHost, ['10.20.30.40']);
    await postNotification(stack, number.phoneNumber);

    const [deadLetter] = await waitFor(
      async () => {
        const mine = (await notificationsDeadLetters.read()).filter((d) => d.body.phoneNumber === number.phoneNumber);
        return mine.length > 0 && mine;
      },
      { timeoutMs: 15_000 },
    );
    expect(deadLetter!.reason).toMatch(/^primary still failing after \d+ attempts .*\(refused-address\)$/);

    const failures = await failedAttempts(stack, number.phoneNumber);
    expect(failures.length).toBeGreaterThanOrEqual(2);
    expect(failures.every((f) => f.destination === 'primary' && f.error === 'refused-address')).toBe(true);
    expect(failures.map((f) => f.attempt)).toEqual(failures.map((_, i) => i + 1));
    // One lookup per attempt: the answer of an earlier attempt is never reused.
    expect(dns.asked.filter((host) => host === number.primaryHost)).toHaveLength(failures.length);
    expectNeverConnected(number);
  });
});
