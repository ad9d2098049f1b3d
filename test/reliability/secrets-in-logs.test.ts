// Secrets and personal data never reach the logs: a full scenario runs with every log level on and
// Powertools' event logging asked for, while everything the process writes is captured, then each
// secret is searched for in every line.
import { randomUUID } from 'node:crypto';
import { ReceiveMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { InternalServerError } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { logger } from '../../shared/logger.js';
import { queuesSettled } from '../helpers/delivery-world.js';
import { freshPhoneNumber } from '../helpers/dynamo.js';
import { sqsTestClient } from '../helpers/fresh-queues.js';
import { ApiClient, startTestStack, type TestStack } from '../helpers/local-stack.js';
import { startSink, type Sink } from '../helpers/sink-server.js';
import { waitFor } from '../helpers/wait-for.js';
import { sign } from '../helpers/whatsapp.js';
import { notificationJson } from './support/door-cases.js';
import { captureOutput, type CapturedOutput } from './support/log-capture.js';
import { send } from './support/raw-http.js';
import { clientFor, expectOk } from './support/subjects.js';

// The environment a deployed function would have if an operator turned everything up: LOG_LEVEL
// (what the stack sets) at DEBUG, and POWERTOOLS_LOGGER_LOG_EVENT=true, which would log every
// invocation's event (API keys, bodies) unless the handlers pin event logging off. vitest runs with
// POWERTOOLS_LOG_LEVEL=ERROR, which wins over LOG_LEVEL, so it goes. The logger reads all of this when
// created, and the Lambda middleware resets the level on every invocation, so it is set before
// shared/logger.ts is first imported.
const TURNED_UP = { LOG_LEVEL: 'DEBUG', POWERTOOLS_LOGGER_LOG_EVENT: 'true' } as const;
const envBefore = vi.hoisted(() => {
  const names = ['POWERTOOLS_LOG_LEVEL', 'LOG_LEVEL', 'POWERTOOLS_LOGGER_LOG_EVENT'] as const;
  const before = Object.fromEntries(names.map((name) => [name, process.env[name]]));
  delete process.env.POWERTOOLS_LOG_LEVEL;
  process.env.LOG_LEVEL = 'DEBUG';
  process.env.POWERTOOLS_LOGGER_LOG_EVENT = 'true';
  return before;
});

/** Values shaped like the secrets they stand for, unique so that a hit can only come from a leak. */
const secret = (kind: string) => `${kind}-${randomUUID()}`;
const SECRETS = {
  appSecret: secret('app-secret'),
  verifyToken: secret('verify-token'),
  wrongVerifyToken: secret('presented-token'),
  unknownApiKey: `mwk_${secret('unknown')}`,
  primaryHeader: `Bearer ${secret('primary')}`,
  primaryUrlToken: secret('url-token'),
  cloneHeader: secret('clone-key'),
  patchedHeader: secret('patched'),
  refusedHeader: secret('refused'),
  headerLineAsName: secret('header-line'),
  faultedHeader: secret('faulted'),
  messageText: secret('message-text'),
  producerText: secret('producer-text'),
  signingMasterKey: secret('signing-master-key'),
};
/** The signing secrets the scenario was given (issued and rotated), and their sealed forms as stored. */
const issuedSecrets: string[] = [];

let stack: TestStack;
let sink: Sink;
let sqs: SQSClient;
let output: CapturedOutput;
let client: ApiClient;
let lines: string[] = [];
const phoneNumber = freshPhoneNumber();

beforeAll(async () => {
  sink = await startSink();
  stack = await startTestStack({
    numbers: 0,
    env: {
      WHATSAPP_APP_SECRET: SECRETS.appSecret,
      WHATSAPP_VERIFY_TOKEN: SECRETS.verifyToken,
      RETRY_BASE_SECONDS: '1',
      RETRY_MAX_AGE_SECONDS: '2',
      SIGNING_MASTER_KEY: SECRETS.signingMasterKey,
    },
  });
  sqs = sqsTestClient();
  client = await clientFor(stack, phoneNumber);
  output = captureOutput();
  try {
    await runScenario();
  } finally {
    output.stop();
    lines = output.lines();
  }
}, 60_000);
afterAll(async () => {
  for (const [name, value] of Object.entries(envBefore)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  logger.setLogLevel((envBefore.POWERTOOLS_LOG_LEVEL as 'ERROR' | undefined) ?? 'INFO');
  sqs?.destroy();
  await Promise.all([stack?.stop(), sink?.close()]);
});

/** Management calls, refused ones, a 500, ingest, the subscription check, failing deliveries and the queue door. */
async function runScenario(): Promise<void> {
  const at = (name: string) => `${sink.url}/${name}`;
  let primaryAttempts = 0;
  sink.replyByDefault((request) => {
    if (request.path.startsWith('/primary')) return { status: ++primaryAttempts === 1 ? 500 : 200 };
    return { status: request.path.startsWith('/flaky') ? 503 : 200 };
  });

  const primary = await client.post('/v1/configs/webhook', {
    url: `${at('primary')}?token=${SECRETS.primaryUrlToken}`,
    headers: { Authorization: SECRETS.primaryHeader },
    signing: true,
  });
  expect(primary.status).toBe(200);
  const enabled = await client.post('/multi_webhook', {
    enabled: true,
    destinations: [{ name: 'steady', url: at('steady'), headers: { 'X-Api-Key': SECRETS.cloneHeader }, signing: true }],
  });
  expect(enabled.status).toBe(200);
  const rotated = await client.post('/multi_webhook/secret', { name: 'steady' });
  expect(rotated.status).toBe(200);
  issuedSecrets.push(primary.body.secret, enabled.body.secrets.steady, rotated.body.secret);
  const stored = await stack.services.webhooks.readPhoneConfig(phoneNumber);
  issuedSecrets.push(
    stored.primary!.signing!.secret,
    stored.destinations[0]!.signing!.secret,
    stored.destinations[0]!.signing!.previous!.secret,
  );
  await expectOk(
    client.put('/multi_webhook', { destinations: [{ name: 'flaky', url: at('flaky'), headers: { 'X-Api-Key': SECRETS.cloneHeader } }] }),
  );
  await expectOk(
    client.patch('/multi_webhook', { name: 'steady', headers: { 'X-Api-Key': SECRETS.cloneHeader, 'X-Patched': SECRETS.patchedHeader } }),
  );
  await client.get('/v1/configs/webhook');
  await client.get('/multi_webhook');

  // Refusals that carry secrets in their bodies and keys.
  expect(
    (
      await client.put('/multi_webhook', {
        destinations: [{ name: 'x', url: at('x'), headers: { 'X-A': `${SECRETS.refusedHeader}\r\n` } }],
      })
    ).status,
  ).toBe(400);
  expect(
    (
      await client.put('/multi_webhook', {
        destinations: [{ name: 'x', url: at('x'), headers: { [`Authorization: Bearer ${SECRETS.headerLineAsName}`]: 'v' } }],
      })
    ).status,
  ).toBe(400);
  expect((await client.put('/multi_webhook', `{"destinations": [{"name": "x", "headers": {"X-A": "${SECRETS.refusedHeader}"`)).status).toBe(
    400,
  );
  expect((await new ApiClient(stack.apiUrl, SECRETS.unknownApiKey).get('/multi_webhook')).status).toBe(401);
  expect((await client.delete('/multi_webhook?name=absent')).status).toBe(404);

  // A 500: DynamoDB fails the write with a service error, a fault DynamoDB Local cannot be made to produce.
  expect(
    (
      await withDynamoDbFailure(() =>
        client.put('/multi_webhook', {
          destinations: [{ name: 'faulted', url: at('faulted'), headers: { 'X-Api-Key': SECRETS.faultedHeader } }],
        }),
      )
    ).status,
  ).toBe(500);

  // The subscription check, right and wrong.
  expect(
    (
      await send(stack.apiUrl, {
        method: 'GET',
        path: `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${SECRETS.verifyToken}&hub.challenge=ok`,
      })
    ).status,
  ).toBe(200);
  expect(
    (
      await send(stack.apiUrl, {
        method: 'GET',
        path: `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${SECRETS.wrongVerifyToken}&hub.challenge=ok`,
      })
    ).status,
  ).toBe(403);

  // Ingest: a forged signature, then the real notification, whose primary fails once and whose flaky clone gives up.
  const body = Buffer.from(notificationJson(phoneNumber, SECRETS.messageText));
  const headers = (signature: string) => ({ 'content-type': 'application/json', 'x-hub-signature-256': signature });
  expect(
    (await send(stack.apiUrl, { method: 'POST', path: '/webhooks/whatsapp', headers: headers(sign(body, 'forged')), body })).status,
  ).toBe(401);
  expect(
    (await send(stack.apiUrl, { method: 'POST', path: '/webhooks/whatsapp', headers: headers(sign(body, SECRETS.appSecret)), body }))
      .status,
  ).toBe(200);

  // The queue door: a producer's malformed message holding a message text and the full number.
  const malformed = JSON.stringify({ phoneNumber: `+${phoneNumber}`, payload: { text: SECRETS.producerText } });
  await sqs.send(new SendMessageCommand({ QueueUrl: stack.queues.NOTIFICATIONS_QUEUE_URL, MessageBody: malformed }));

  await waitFor(() => deadLetterArrived(stack.queues.RETRIES_DLQ_URL), { timeoutMs: 20_000 });
  await waitFor(() => deadLetterArrived(stack.queues.NOTIFICATIONS_DLQ_URL), { timeoutMs: 10_000 });
  await queuesSettled(stack);
  const paths = sink.requests.map((request) => request.path.split('?')[0]);
  expect(paths.filter((path) => path === '/primary')).toHaveLength(2);
  expect(paths).toEqual(expect.arrayContaining(['/steady', '/flaky']));
}

async function deadLetterArrived(queueUrl: string): Promise<boolean> {
  const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 0 }));
  return Messages.length > 0;
}

/** Makes the next TransactWriteItems fail with a DynamoDB service error (after the SDK's own retries). */
async function withDynamoDbFailure<T>(run: () => Promise<T>): Promise<T> {
  let armed = true;
  const name = `failure-${randomUUID()}`;
  stack.services.clients.dynamo.middlewareStack.add(
    ((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      if (!armed || context.commandName !== 'TransactWriteItemsCommand') return next(args);
      armed = false;
      throw new InternalServerError({ message: 'Internal server error', $metadata: { httpStatusCode: 500 } });
    }) as never,
    { step: 'initialize', name },
  );
  try {
    return await run();
  } finally {
    stack.services.clients.dynamo.middlewareStack.remove(name);
  }
}

describe('the logs of a full scenario', () => {
  it('were written by a logger that took LOG_LEVEL=DEBUG and POWERTOOLS_LOGGER_LOG_EVENT=true, so only the handlers keep events out', () => {
    expect(process.env).toMatchObject(TURNED_UP);
    expect(logger.getLevelName()).toBe('DEBUG');
    expect(logger.getLogEvent()).toBe(true);
  });

  it('never hold an invocation event, from any handler (HTTP routes, the authorizer, delivery)', () => {
    const events = lines.filter((line) => line.includes('Lambda invocation event') || line.includes('"event":'));
    expect(events).toEqual([]);
  });

  it('were captured: every kind of line the scenario should produce is there, at every level', () => {
    const messages = lines.flatMap((line) => {
      try {
        return [String((JSON.parse(line) as { message?: unknown }).message)];
      } catch {
        return [];
      }
    });
    expect(messages).toEqual(
      expect.arrayContaining([
        'Unknown or missing API key',
        'Request failed',
        'Subscription check answered',
        'Subscription check refused',
        'Notification refused: bad signature',
        'Notification queued',
        'Delivery attempt failed',
        'Delivery given up: dead-lettered',
        'Malformed queue message dead-lettered',
      ]),
    );
  });

  it.for(Object.entries(SECRETS))('never hold the %s', ([, value]) => {
    expect(lines.filter((line) => line.includes(value))).toEqual([]);
  });

  it('never hold a signing secret, issued or rotated, nor its sealed form', () => {
    expect(issuedSecrets.filter((value) => typeof value === 'string' && value.length > 20)).toHaveLength(6);
    for (const value of issuedSecrets) expect(lines.filter((line) => line.includes(value))).toEqual([]);
    expect(lines.filter((line) => line.includes('whsec_'))).toEqual([]);
  });

  it('never hold the API key of the number', () => {
    expect(lines.filter((line) => line.includes(client.key!))).toEqual([]);
  });

  it('never hold the full phone number, nor any part of it but the last four digits', () => {
    expect(lines.filter((line) => line.includes(phoneNumber) || line.includes(phoneNumber.slice(0, -4)))).toEqual([]);
    // The masked form is what they carry instead.
    expect(lines.some((line) => line.includes(`${'*'.repeat(phoneNumber.length - 4)}${phoneNumber.slice(-4)}`))).toBe(true);
  });

  it('never hold the notification body', () => {
    const body = notificationJson(phoneNumber, SECRETS.messageText);
    expect(lines.filter((line) => line.includes(body) || line.includes('whatsapp_business_account'))).toEqual([]);
  });
});
