// `multi-webhook smoke`: after a deploy (or on `npm start`), one notification through the whole path:
// a throwaway key and number, a primary webhook set over the API, a signed post to ingest, its
// delivery to a test receiver, and everything removed again.
import { randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { maskPhone } from '../shared/logger.js';
import { notificationId, signatureOf } from '../shared/domain/whatsapp.js';
import { createServices, type Services } from '../shared/services.js';
import { INGEST_PATH } from '../infra/routes.js';
import type { Command } from './arguments.js';
import { UserError, type Target } from './target.js';

type SmokeCommand = Extract<Command, { command: 'smoke' }>;

/** A number in the fictional 555-01xx range of the North American plan, with random digits, so it is nobody's. */
export function throwawayNumber(): string {
  return `1555010${String(randomInt(0, 10_000)).padStart(4, '0')}`;
}

/** A WhatsApp text notification for the number, without a WABA id, so ingest learns no WABA membership from it. */
export function smokeNotification(phoneNumber: string, now: number): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: phoneNumber, phone_number_id: 'multi-webhook-smoke' },
              messages: [
                {
                  from: '15550100000',
                  id: `wamid.MULTI-WEBHOOK-SMOKE-${now}`,
                  timestamp: String(Math.floor(now / 1000)),
                  type: 'text',
                  text: { body: 'multi-webhook smoke test' },
                },
              ],
            },
          },
        ],
      },
    ],
  });
}

interface Received {
  body: string;
  signature?: string;
  webhookId?: string;
}

/** A loopback receiver that answers 200 and remembers what it got (the local policy allows loopback destinations). */
async function startLoopbackReceiver(): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        body: Buffer.concat(chunks).toString('utf8'),
        signature: request.headers['x-hub-signature-256'] as string | undefined,
        webhookId: request.headers['webhook-id'] as string | undefined,
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/multi-webhook-smoke`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function runSmoke(
  command: SmokeCommand,
  target: Target,
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<number> {
  if (!target.apiUrl) throw new UserError('The target has no API URL: use the local stack or --stack <name> (its ApiUrl output).');
  if (target.kind !== 'local' && !command.receiver) {
    throw new UserError(
      'A deployed stack delivers to public https URLs only: give --receiver <https URL> of an endpoint that answers 200.',
    );
  }
  const apiUrl = target.apiUrl;
  const services = createServices(target.config);
  const loopback = command.receiver ? undefined : await startLoopbackReceiver();
  const receiver = command.receiver ?? loopback!.url;
  const phoneNumber = command.phoneNumber ?? throwawayNumber();
  const cleanup: (() => Promise<unknown>)[] = [];
  let failed = false;
  const step = async (name: string, run: () => Promise<string | void>): Promise<boolean> => {
    if (failed) return false;
    try {
      const detail = await run();
      out(`ok    ${name}${detail ? `: ${detail}` : ''}`);
      return true;
    } catch (error) {
      failed = true;
      out(`FAIL  ${name}: ${error instanceof Error ? error.message : String(error)}`);
      return false;
    }
  };

  try {
    out(`Smoke test of ${apiUrl} with number ${maskPhone(phoneNumber)}, receiver ${receiver}`);
    await step('the number is unused', async () => {
      const config = await services.webhooks.readPhoneConfig(phoneNumber);
      if (config.primary || config.destinations.length > 0) {
        throw new Error('it has webhooks configured; the smoke test changes only a number of its own (leave out --phone)');
      }
      cleanup.push(() => services.webhooks.forget(phoneNumber));
    });
    let key = '';
    await step('a throwaway API key', async () => {
      const created = await services.apiKeys.create(phoneNumber);
      key = created.key;
      cleanup.push(() => services.apiKeys.revoke(phoneNumber, created.keyId));
      return `key id ${created.keyId}`;
    });
    await step('the primary webhook set over the API', async () => {
      const set = await call(`${apiUrl}/v1/configs/webhook`, 'POST', { 'd360-api-key': key }, JSON.stringify({ url: receiver }));
      if (set.status !== 200) throw new Error(`POST /v1/configs/webhook answered ${set.status} ${set.text}`);
      const read = await call(`${apiUrl}/v1/configs/webhook`, 'GET', { 'd360-api-key': key });
      if (read.status !== 200 || (JSON.parse(read.text) as { url?: string }).url !== receiver) {
        throw new Error(`GET /v1/configs/webhook answered ${read.status} ${read.text}`);
      }
    });
    const body = smokeNotification(phoneNumber, Date.now());
    const signature = signatureOf(
      body,
      await services.secrets.appSecret().catch((error: Error) => {
        throw new UserError(`The app secret could not be read: ${error.message}`);
      }),
    );
    await step('a signed notification accepted by ingest', async () => {
      const posted = await call(`${apiUrl}${INGEST_PATH}`, 'POST', { 'x-hub-signature-256': signature }, body);
      if (posted.status !== 200) throw new Error(`POST ${INGEST_PATH} answered ${posted.status} ${posted.text}`);
      return `webhook-id ${notificationId(body)}`;
    });
    if (loopback) {
      await step('delivered to the receiver, signature unchanged', async () => {
        const got = await waitFor(() => loopback.received.find((request) => request.body === body), command.timeoutSeconds);
        if (!got) throw new Error(`nothing arrived within ${command.timeoutSeconds} s (see the delivery logs)`);
        if (got.signature !== signature) throw new Error('it arrived with another X-Hub-Signature-256');
        return `webhook-id ${got.webhookId}`;
      });
    } else if (!failed) {
      out(`note  delivery is confirmed by the receiver: look there for webhook-id ${notificationId(body)}`);
    }
  } finally {
    await removeAll(cleanup, services, out);
    await loopback?.close();
  }
  out(failed ? 'Smoke test failed.' : 'Smoke test passed.');
  return failed ? 1 : 0;
}

/** Last in, first out: the key goes before the number's configuration. */
async function removeAll(cleanup: (() => Promise<unknown>)[], services: Services, out: (line: string) => void): Promise<void> {
  let removed = true;
  for (const undo of cleanup.reverse()) {
    await undo().catch((error: Error) => {
      removed = false;
      out(`FAIL  cleanup: ${error.message}`);
    });
  }
  if (cleanup.length > 0 && removed) out('ok    the key and the configuration removed');
  await services.close();
}

async function call(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body });
  return { status: response.status, text: await response.text() };
}

async function waitFor<T>(find: () => T | undefined, timeoutSeconds: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const found = find();
    if (found !== undefined || Date.now() >= deadline) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
