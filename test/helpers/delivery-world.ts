// A running local stack with loopback sinks: configure a number, post signed notifications, wait for quiet queues.
import { sqsTestClient, queueCounts } from './fresh-queues.js';
import { freshClient, type ApiClient, type TestStack } from './local-stack.js';
import type { Sink, SinkRequest } from './sink-server.js';
import { waitFor } from './wait-for.js';
import { notificationBody, sign } from './whatsapp.js';

export interface Configured {
  client: ApiClient;
  phoneNumber: string;
}

/** A fresh number whose primary is `<sink>/primary` and whose clones are `<sink>/<name>`. */
export async function configureNumber(
  stack: TestStack,
  sink: Sink,
  clones: string[],
  options: { enabled?: boolean; primary?: boolean } = {},
): Promise<Configured> {
  const client = await freshClient(stack);
  if (options.primary !== false) {
    await expectOk(
      client.post('/v1/configs/webhook', { url: `${sink.url}/${client.phoneNumber}/primary`, headers: { 'X-Primary-Token': 'p-secret' } }),
    );
  }
  const destinations = clones.map((name) => ({
    name,
    url: `${sink.url}/${client.phoneNumber}/${encodeURIComponent(name)}`,
    headers: { 'X-Clone': name },
  }));
  await expectOk(client.post('/multi_webhook', { enabled: true, ...(destinations.length > 0 && { destinations }) }));
  if (options.enabled === false) await expectOk(client.post('/multi_webhook', { enabled: false }));
  return { client, phoneNumber: client.phoneNumber };
}

/** Posts a signed notification to the ingest route; returns the status and the exact body sent. */
export async function postNotification(
  stack: TestStack,
  phoneNumber: string,
  text = 'hello',
  signature?: string,
): Promise<{ status: number; body: Buffer }> {
  const body = notificationBody([{ phone: phoneNumber, text }]);
  const response = await fetch(`${stack.apiUrl}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature ?? sign(body, stack.config.WHATSAPP_APP_SECRET!) },
    body,
  });
  await response.arrayBuffer();
  return { status: response.status, body };
}

/** Resolves once no message of the stack is visible, in flight or delayed: every delivery has settled. */
export async function queuesSettled(stack: TestStack, timeoutMs = 20_000): Promise<void> {
  const sqs = sqsTestClient();
  const urls = [stack.queues.NOTIFICATIONS_QUEUE_URL, stack.queues.RETRIES_QUEUE_URL];
  try {
    await waitFor(
      async () => {
        const counts = await Promise.all(urls.map((url) => queueCounts(sqs, url)));
        return counts.every((c) => c.visible + c.inFlight + c.delayed === 0);
      },
      { timeoutMs, intervalMs: 50 },
    );
  } finally {
    sqs.destroy();
  }
}

/** The requests that reached one destination of a number, by its path segment. */
export function received(sink: Sink, phoneNumber: string, destination: string): SinkRequest[] {
  return sink.requests.filter((request) => request.path === `/${phoneNumber}/${encodeURIComponent(destination)}`);
}

async function expectOk(answer: Promise<{ status: number; body: unknown }>): Promise<void> {
  const { status, body } = await answer;
  if (status !== 200) throw new Error(`setup request failed: ${status} ${JSON.stringify(body)}`);
}
