// Faults of the platform under delivery, end to end: the function crashing after the primary's 200, SQS
// handing a message out twice, SQS refusing the clone retries (injected through the SDK middleware stack
// of the process's own client). Nothing is lost, and every duplicate carries the same webhook-id.
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureNumber, postNotification, queuesSettled, received } from '../helpers/delivery-world.js';
import { sqsTestClient } from '../helpers/fresh-queues.js';
import { notificationBody, sign } from '../helpers/whatsapp.js';
import { startFaultStack, type FaultStack } from './fault-support/fault-stack.js';
import {
  expectNoCloneBeforePrimary200,
  expectOneNotification,
  startScriptedSink,
  type ScriptedSink,
} from './fault-support/scripted-sink.js';
import { injectFault, sqsInternalError, type InjectedFault } from './fault-support/sdk-faults.js';

// Sequential, unlike the other fault files: a crash or a held-up invocation affects every record of its
// batch, so two tests must never share one.

/** A crashed batch is received again after this; short, so the tests wait little. */
const VISIBILITY_TIMEOUT_SECONDS = 2;
const CLONES = ['a', 'b'] as const;

/** Planned crashes: the next `remaining` invocations whose batch holds a record of one of these numbers. */
const crashes: Array<{ phoneNumbers: string[]; remaining: number }> = [];
const concerns = (event: SQSEvent, phoneNumbers: string[]) =>
  event.Records.some((record) => phoneNumbers.some((phoneNumber) => record.body.includes(`"phoneNumber":"${phoneNumber}"`)));

let stack: FaultStack;
let sink: ScriptedSink;
const faults: InjectedFault[] = [];

beforeAll(async () => {
  [stack, sink] = await Promise.all([
    startFaultStack({
      visibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
      env: { RETRY_BASE_SECONDS: '1', DELIVERY_TIMEOUT_MS: '5000' },
      // The real delivery function runs to the end (every send done, the batch response built); then the
      // invocation dies before the event source deletes anything, as a crash or a timeout would leave it.
      delivery: (product) => async (event, context) => {
        const response = await product(event, context);
        const crash = crashes.find((planned) => planned.remaining > 0 && concerns(event, planned.phoneNumbers));
        if (crash) {
          crash.remaining--;
          throw new Error('injected crash: the function died after handling the batch, before it completed');
        }
        return response;
      },
    }),
    startScriptedSink(),
  ]);
});
afterAll(async () => {
  for (const fault of faults) fault.remove();
  await Promise.all([stack?.stop(), sink?.close()]);
});

function inject(...args: Parameters<typeof injectFault>): InjectedFault {
  const fault = injectFault(...args);
  faults.push(fault);
  return fault;
}

/** Every destination of the number holds every notification, each copy of one notification alike, no clone before a primary 200. */
function expectNothingLost(phoneNumber: string, bodies: readonly Buffer[], destinations: readonly string[] = ['primary', ...CLONES]): void {
  for (const destination of destinations) {
    for (const body of bodies) {
      const copies = received(sink, phoneNumber, destination).filter((r) => r.body.equals(body));
      expectOneNotification(copies, body);
      expect(copies.some((copy) => sink.answerOf(copy) === 200)).toBe(true);
    }
  }
  expectNoCloneBeforePrimary200(
    sink,
    phoneNumber,
    destinations.filter((d) => d !== 'primary'),
  );
}

/** The documented duplicate: the primary and every clone received the same notification twice. */
function expectEveryDestinationTwice(phoneNumber: string, body: Buffer): void {
  for (const destination of ['primary', ...CLONES]) {
    const copies = received(sink, phoneNumber, destination);
    expect(copies).toHaveLength(2);
    expectOneNotification(copies, body);
  }
}

describe('the delivery function crashing after the primary answered 200', () => {
  it('brings the record back: the primary and every clone receive the notification again with the same webhook-id', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, [...CLONES]);
    crashes.push({ phoneNumbers: [phoneNumber], remaining: 1 });
    const { body } = await postNotification(stack, phoneNumber);
    await queuesSettled(stack);

    expectEveryDestinationTwice(phoneNumber, body);
    expect(received(sink, phoneNumber, 'a')[0]!.headers['webhook-id']).toBe(
      received(sink, phoneNumber, 'primary')[0]!.headers['webhook-id'],
    );
    expectNoCloneBeforePrimary200(sink, phoneNumber, CLONES);
    expect(stack.pollerReports).toContain('the handler failed; the whole batch will be received again');
  });

  it('loses nothing of a burst whose batches crash twice: every notification reaches every destination, at most once per crash more', async () => {
    const numbers = await Promise.all([configureNumber(stack, sink, [...CLONES]), configureNumber(stack, sink, [...CLONES])]);
    const phoneNumbers = numbers.map((n) => n.phoneNumber);
    crashes.push({ phoneNumbers, remaining: 2 });
    const posted = await Promise.all(Array.from({ length: 30 }, (_, i) => postNotification(stack, phoneNumbers[i % 2]!, `burst ${i}`)));
    await queuesSettled(stack);

    for (const [index, phoneNumber] of phoneNumbers.entries()) {
      const bodies = posted.filter((_, i) => i % 2 === index).map((p) => p.body);
      expectNothingLost(phoneNumber, bodies);
      for (const body of bodies)
        expect(received(sink, phoneNumber, 'primary').filter((r) => r.body.equals(body)).length).toBeLessThanOrEqual(3);
    }
    expect(crashes.at(-1)!.remaining).toBe(0);
  });
});

describe('SQS delivering a message more than once', () => {
  it('delivers a message handed out again while its first delivery is still running to everyone, at most twice, with one webhook-id', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, [...CLONES]);
    // The primary holds its first answer until the queue, the visibility timeout over, has handed the
    // same message to a second invocation.
    sink.script(phoneNumber, 'primary', async () => {
      await sink.waitFor(() => received(sink, phoneNumber, 'primary').length >= 2, 'the copy of the second invocation', 10_000);
      return { status: 200 };
    });
    const { body } = await postNotification(stack, phoneNumber);
    await queuesSettled(stack);

    // The primary gets both copies (its first answer waits for the second). The second copy takes
    // the slow lane (an attempt to the primary is already running); whether a clone then hears it
    // twice depends on how the two deliveries interleave: once or twice, never more, one webhook-id.
    expect(received(sink, phoneNumber, 'primary')).toHaveLength(2);
    for (const destination of ['primary', ...CLONES]) {
      const copies = received(sink, phoneNumber, destination);
      expect(copies.length).toBeGreaterThanOrEqual(1);
      expect(copies.length).toBeLessThanOrEqual(2);
      expectOneNotification(copies, body);
    }
    expectNoCloneBeforePrimary200(sink, phoneNumber, CLONES);
  });

  it("delivers a producer's message that reached the queue twice once to everyone, with the message's id as webhook-id", async () => {
    const { phoneNumber } = await configureNumber(stack, sink, [...CLONES]);
    const message = JSON.stringify({ phoneNumber, payload: JSON.stringify({ order: 42 }), id: `order-42-${phoneNumber}` });
    const sqs = sqsTestClient();
    try {
      for (const _ of [1, 2])
        await sqs.send(new SendMessageCommand({ QueueUrl: stack.queues.NOTIFICATIONS_QUEUE_URL, MessageBody: message }));
    } finally {
      sqs.destroy();
    }
    await queuesSettled(stack);

    for (const destination of ['primary', ...CLONES]) {
      const copies = received(sink, phoneNumber, destination);
      // The queue door de-duplicates a producer's id, as ingest does Meta's re-sends.
      expect(copies.map((r) => r.headers['webhook-id'])).toEqual([`order-42-${phoneNumber}`]);
    }
    expectNoCloneBeforePrimary200(sink, phoneNumber, CLONES);
  });

  it('delivers a notification Meta sends twice once: the re-send is answered duplicate', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, [...CLONES]);
    const body = notificationBody([{ phone: phoneNumber, text: 'sent twice by Meta' }]);
    const answers = [];
    for (const _ of [1, 2]) {
      const response = await fetch(`${stack.apiUrl}/webhooks/whatsapp`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, stack.config.WHATSAPP_APP_SECRET!) },
        body,
      });
      answers.push([response.status, await response.json()]);
    }
    await queuesSettled(stack);

    expect(answers).toEqual([
      [200, { status: 'queued' }],
      [200, { status: 'duplicate' }],
    ]);
    for (const destination of ['primary', ...CLONES]) expect(received(sink, phoneNumber, destination)).toHaveLength(1);
  });
});

describe('SQS refusing the clone retries', () => {
  it("retries the notification whole when queueing a failed clone's retry fails past the SDK's retries, as documented: same webhook-id, nothing lost", async () => {
    const { phoneNumber } = await configureNumber(stack, sink, ['flaky', 'b']);
    sink.script(phoneNumber, 'flaky', { status: 503 });
    // The client's own attempts per call (3 for SQS, a 500 retried after at most 50 then 100 ms).
    const sdkMaxAttempts = await stack.services.clients.sqs.config.maxAttempts();
    const refused = inject(stack.services.clients.sqs, {
      command: 'SendMessageBatchCommand',
      times: sdkMaxAttempts,
      matches: (input) => input.QueueUrl === stack.queues.RETRIES_QUEUE_URL && JSON.stringify(input).includes(phoneNumber),
      error: sqsInternalError,
    });
    const { body } = await postNotification(stack, phoneNumber);
    await queuesSettled(stack);

    expect(refused.injected).toBe(sdkMaxAttempts);
    expectNothingLost(phoneNumber, [body], ['primary', 'flaky', 'b']);
    // The documented duplicate: the whole notification again, the clone now answering 200.
    expect(received(sink, phoneNumber, 'primary')).toHaveLength(2);
    expect(received(sink, phoneNumber, 'b')).toHaveLength(2);
    expect(received(sink, phoneNumber, 'flaky').map((r) => sink.answerOf(r))).toEqual([503, 200]);
  });
});
