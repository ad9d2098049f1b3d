// The bad-input matrix for one destination policy: every route of infra/routes.ts and the SQS
// notifications door, each case answered with the right 4xx and {"error"} and leaving the number as it was.
import { randomUUID } from 'node:crypto';
import { ReceiveMessageCommand, DeleteMessageCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../../infra/routes.js';
import type { DestinationPolicy } from '../../../shared/domain/address-policy.js';
import { openApiDocument } from '../../../shared/openapi/document.js';
import { queuesSettled } from '../../helpers/delivery-world.js';
import { freshPhoneNumber } from '../../helpers/dynamo.js';
import { sqsTestClient } from '../../helpers/fresh-queues.js';
import { startTestStack, type TestStack } from '../../helpers/local-stack.js';
import { waitFor } from '../../helpers/wait-for.js';
import { sign } from '../../helpers/whatsapp.js';
import { watchAwsTraffic, type AwsTraffic } from './aws-traffic.js';
import { VERIFY_CASES, ingestCases, ingestSignature, notificationJson, queueDoorCases, verifyQuery } from './door-cases.js';
import { controlRequests, managementCases, type BadInput, type SubjectState } from './management-cases.js';
import { send } from './raw-http.js';
import {
  expectApiUnchanged,
  expectErrorAnswer,
  expectUnchanged,
  partitionReader,
  prepareSubject,
  type PartitionReader,
  type Subject,
} from './subjects.js';

/** Stands for the stack's payload bucket in queue messages, whose name is known only once it runs. */
const BUCKET = '__BUCKET__';
/** Numbers per state that management cases spread over, so that cases run concurrently, one at a time per number. */
const LANES = 4;

export function describeBadInputMatrix(policy: DestinationPolicy): void {
  const appSecret = `app-secret-${randomUUID()}`;
  const verifyToken = `verify-token-${randomUUID()}`;
  // The number the ingest and queue cases name: chosen now, because their bodies are built before the stack runs.
  const doorPhone = freshPhoneNumber();
  const management = managementCases(policy);
  const ingest = ingestCases(doorPhone);
  const door = queueDoorCases(doorPhone, BUCKET);

  let stack: TestStack;
  let traffic: AwsTraffic;
  let sqs: SQSClient;
  let read: PartitionReader;
  let doorSubject: Subject;
  const lanes: Record<SubjectState, Subject[]> = { enabled: [], disabled: [] };
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();

  beforeAll(async () => {
    stack = await startTestStack({
      numbers: 0,
      env: { DESTINATION_POLICY: policy, WHATSAPP_APP_SECRET: appSecret, WHATSAPP_VERIFY_TOKEN: verifyToken },
    });
    traffic = watchAwsTraffic(stack.services);
    sqs = sqsTestClient();
    read = partitionReader(stack);
    doorSubject = await prepareSubject(stack, read, doorPhone, 'enabled');
    for (const state of ['enabled', 'disabled'] as const) {
      lanes[state] = await Promise.all(Array.from({ length: LANES }, () => prepareSubject(stack, read, freshPhoneNumber(), state)));
    }
  });
  afterAll(async () => {
    sqs?.destroy();
    await stack?.stop();
  });

  const label = (c: BadInput) => `${c.method} ${c.path.split('?')[0]}${c.path.includes('?') ? '?name=' : ''}`;

  describe.concurrent(`management routes under the ${policy} policy`, () => {
    it('covers every route of the route table', () => {
      const covered = new Set([
        ...management.map((c) => `${c.method} ${c.route ?? c.path.split('?')[0]}`),
        'GET /webhooks/whatsapp',
        'POST /webhooks/whatsapp',
        'GET /health',
        'GET /openapi.json',
      ]);
      expect(routes.map((route) => `${route.method} ${route.path}`).filter((key) => !covered.has(key))).toEqual([]);
    });

    it.for(management.map((c, index) => [label(c), c.what, c.status, c, index] as const))(
      '%s refuses %s with %i and changes nothing',
      async ([, , , c, index]) => {
        const subject = lanes[c.subject][index % LANES]!;
        await subject.exclusive(async () => {
          const mark = traffic.mark();
          const body = c.body === undefined ? undefined : 'json' in c.body ? JSON.stringify(c.body.json) : c.body.raw;
          const answer = await send(stack.apiUrl, {
            method: c.method,
            path: c.path,
            headers: { 'd360-api-key': subject.client.key!, 'content-type': 'application/json' },
            body,
          });
          try {
            expectErrorAnswer(answer, c.status);
          } finally {
            await expectUnchanged(subject, read, traffic, mark);
          }
        });
      },
    );

    it('accepts the valid requests the cases are built from (the control for the cases above)', async () => {
      for (const control of controlRequests()) {
        const subject = await prepareSubject(stack, read, freshPhoneNumber(), control.subject);
        const answer = await send(stack.apiUrl, {
          method: control.method,
          path: control.path,
          headers: { 'd360-api-key': subject.client.key! },
          body: JSON.stringify(control.body),
        });
        expect({ control: control.what, status: answer.status }).toEqual({ control: control.what, status: 200 });
      }
    });
  });

  describe(`POST /webhooks/whatsapp under the ${policy} policy`, () => {
    it.for(ingest.map((c) => [c.what, c.status, c] as const))('refuses %s with %i and queues nothing', async ([, , c]) => {
      const mark = traffic.mark();
      const signature = ingestSignature(c, appSecret);
      const headers = { 'content-type': 'application/json', ...(signature !== undefined && { 'x-hub-signature-256': signature }) };
      const answer = await send(stack.apiUrl, { method: 'POST', path: '/webhooks/whatsapp', headers, body: c.body });
      expectErrorAnswer(answer, c.status);
      expect(traffic.since(mark).map((call) => call.command)).toEqual([]);
      await expectUnchanged(doorSubject, read, traffic, mark);
      await expectApiUnchanged(doorSubject);
    });

    it('queues a correctly signed notification (the control for the cases above)', async () => {
      const mark = traffic.mark();
      const body = Buffer.from(notificationJson(freshPhoneNumber()));
      const answer = await send(stack.apiUrl, {
        method: 'POST',
        path: '/webhooks/whatsapp',
        headers: { 'x-hub-signature-256': sign(body, appSecret) },
        body,
      });
      expect(answer.status).toBe(200);
      // Its de-duplication record (PutItem, then UpdateItem) around the send to the queue.
      expect(traffic.since(mark).map((call) => call.command)).toEqual(
        expect.arrayContaining(['PutItemCommand', 'SendMessageBatchCommand']),
      );
      // Delivered (to no one: the number has no primary) before the next section watches the traffic.
      await queuesSettled(stack);
    });
  });

  describe(`GET /webhooks/whatsapp under the ${policy} policy`, () => {
    it.for(VERIFY_CASES.map((c) => [c.what, c.status, c] as const))('refuses %s with %i', async ([, , c]) => {
      const query = verifyQuery(c.query, verifyToken);
      const answer = await send(stack.apiUrl, { method: 'GET', path: `/webhooks/whatsapp${query ? `?${query}` : ''}` });
      expectErrorAnswer(answer, c.status);
    });

    it('answers the challenge to the right token (the control for the cases above)', async () => {
      const answer = await send(stack.apiUrl, {
        method: 'GET',
        path: `/webhooks/whatsapp?${verifyQuery('hub.mode=subscribe&hub.verify_token=TOKEN&hub.challenge=c1', verifyToken)}`,
      });
      expect({ status: answer.status, text: answer.text }).toEqual({ status: 200, text: 'c1' });
    });
  });

  // The routes that take no input: a junk query or a stray % changes nothing of their answer.
  for (const [path, body] of [
    ['/health', { status: 'ok' }],
    ['/openapi.json', JSON.parse(JSON.stringify(openApiDocument())) as unknown],
  ] as const) {
    describe(`GET ${path} under the ${policy} policy`, () => {
      it('takes no input: a junk query leaves its answer as it is', async () => {
        const answer = await send(stack.apiUrl, { method: 'GET', path: `${path}?__proto__=1&constructor=%00` });
        expect({ status: answer.status, body: answer.json }).toEqual({ status: 200, body });
      });

      it('answers a query string that is not percent-encoded properly with a JSON 400, as API Gateway refuses it', async () => {
        const answer = await send(stack.apiUrl, { method: 'GET', path: `${path}?x=%ZZ` });
        expect({ status: answer.status, error: typeof (answer.json as { error?: unknown } | undefined)?.error }).toEqual({
          status: 400,
          error: 'string',
        });
      });
    });
  }

  describe(`the notifications queue door under the ${policy} policy`, () => {
    it.for(door.map((c) => [c.what, c] as const))('dead-letters %s at once, never retried, delivering nothing', async ([, c]) => {
      const body = c.body.replaceAll(BUCKET, stack.queues.PAYLOAD_BUCKET);
      const mark = traffic.mark();
      await sqs.send(new SendMessageCommand({ QueueUrl: stack.queues.NOTIFICATIONS_QUEUE_URL, MessageBody: body }));
      const dead = await nextDeadLetter();
      expect(dead).toEqual({ body, reason: expect.stringMatching(/^malformed: \S/) });
      await queuesSettled(stack, 5_000);
      expect(await nextDeadLetter(0)).toBeUndefined();
      // The one call is the dead-lettering: no configuration read, no delivery record, no retry message.
      expect(traffic.since(mark).map((call) => `${call.command} ${String(call.input.QueueUrl)}`)).toEqual([
        `SendMessageBatchCommand ${stack.queues.NOTIFICATIONS_DLQ_URL}`,
      ]);
      await expectUnchanged(doorSubject, read, traffic, mark);
      await expectApiUnchanged(doorSubject);
    });
  });

  describe(`after the matrix under the ${policy} policy`, () => {
    it('shows every number through the API exactly as before its cases (ApiClient.snapshot)', async () => {
      for (const subject of [...lanes.enabled, ...lanes.disabled, doorSubject]) await expectApiUnchanged(subject);
    });

    it('left Object.prototype exactly as it was', () => {
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeKeys);
      expect(({} as Record<string, unknown>).pollutedByMatrix).toBeUndefined();
    });
  });

  /** The next message on the notifications dead-letter queue, consumed; with `timeoutMs` 0, whatever is there now. */
  async function nextDeadLetter(timeoutMs = 10_000): Promise<{ body: string; reason: string | undefined } | undefined> {
    const receive = async () => {
      const { Messages = [] } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: stack.queues.NOTIFICATIONS_DLQ_URL,
          MaxNumberOfMessages: 1,
          MessageAttributeNames: ['All'],
          WaitTimeSeconds: 0,
        }),
      );
      const [message] = Messages;
      if (!message) return undefined;
      await sqs.send(new DeleteMessageCommand({ QueueUrl: stack.queues.NOTIFICATIONS_DLQ_URL, ReceiptHandle: message.ReceiptHandle! }));
      return { body: message.Body!, reason: message.MessageAttributes?.reason?.StringValue };
    };
    if (timeoutMs === 0) return receive();
    return waitFor(receive, { timeoutMs, intervalMs: 20 });
  }
}
