// Faults of an additional webhook, end to end: a failing clone is retried on its own schedule, a bounded
// number of times, then dead-lettered, while the primary, the other clones and other numbers are unaffected.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decideRetry, type RetryPolicy } from '../../shared/domain/retry-schedule.js';
import { configureNumber, postNotification, queuesSettled, received } from '../helpers/delivery-world.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait-for.js';
import { deadLetterReader, failedAttempts } from './fault-support/observations.js';
import {
  expectNoCloneBeforePrimary200,
  expectOneNotification,
  startScriptedSink,
  type ScriptedSink,
} from './fault-support/scripted-sink.js';

const POLICY: RetryPolicy = { baseSeconds: 1, maxAgeSeconds: 3 };
const DELIVERY_TIMEOUT_MS = 1000;

let stack: TestStack;
let sink: ScriptedSink;
let retriesDeadLetters: ReturnType<typeof deadLetterReader>;

beforeAll(async () => {
  [stack, sink] = await Promise.all([
    startTestStack({
      numbers: 0,
      env: {
        RETRY_BASE_SECONDS: String(POLICY.baseSeconds),
        RETRY_MAX_AGE_SECONDS: String(POLICY.maxAgeSeconds),
        DELIVERY_TIMEOUT_MS: String(DELIVERY_TIMEOUT_MS),
      },
    }),
    startScriptedSink(),
  ]);
  retriesDeadLetters = deadLetterReader(stack.queues.RETRIES_DLQ_URL);
});
afterAll(async () => {
  retriesDeadLetters?.close();
  await Promise.all([stack?.stop(), sink?.close()]);
});

/**
 * The most attempts the schedule allows a clone within the window: the shortest jitter at every step
 * and no time spent delivering. One more is tolerated, for a record the queue shows a few ms early
 * at the very end of the window (the last retry is placed there).
 */
function mostAttemptsAllowed(policy: RetryPolicy): number {
  const first = decideRetry(1, 0, policy, 0);
  let elapsed = first.kind === 'retry' ? first.delaySeconds : 0;
  for (let attempt = 2; ; attempt++) {
    const decision = decideRetry(attempt, elapsed, policy, 0);
    if (decision.kind === 'give-up') return attempt + 1;
    elapsed += decision.delaySeconds;
  }
}

// Concurrent: each test has numbers of its own, and settling waits for every test's deliveries alike.
describe.concurrent('faults of an additional webhook', () => {
  it('retries a clone that answers 500 for the whole window on its own schedule, a bounded number of times, then dead-letters it; the primary, the other clones and another number get everything once', async () => {
    const failing = await configureNumber(stack, sink, ['down', 'b', 'c']);
    const healthy = await configureNumber(stack, sink, ['a', 'b', 'c']);
    sink.answerAlways(failing.phoneNumber, 'down', { status: 500 });
    const posted = await Promise.all(
      [1, 2, 3].flatMap((i) => [
        postNotification(stack, failing.phoneNumber, `down ${i}`),
        postNotification(stack, healthy.phoneNumber, `healthy ${i}`),
      ]),
    );
    const sentTo = (phoneNumber: string) =>
      posted
        .filter((p) => p.body.includes(phoneNumber))
        .map((p) => p.body.toString())
        .sort();

    const deadLetters = await waitFor(
      async () => {
        const mine = (await retriesDeadLetters.read()).filter((d) => d.body.phoneNumber === failing.phoneNumber);
        return mine.length === 3 && mine;
      },
      { timeoutMs: 20_000 },
    );
    await queuesSettled(stack);

    // Nothing else was touched: every other destination received every notification exactly once.
    for (const destination of ['primary', 'b', 'c']) {
      expect(
        received(sink, failing.phoneNumber, destination)
          .map((r) => r.body.toString())
          .sort(),
      ).toEqual(sentTo(failing.phoneNumber));
    }
    for (const destination of ['primary', 'a', 'b', 'c']) {
      expect(
        received(sink, healthy.phoneNumber, destination)
          .map((r) => r.body.toString())
          .sort(),
      ).toEqual(sentTo(healthy.phoneNumber));
    }
    expectNoCloneBeforePrimary200(sink, failing.phoneNumber, ['down', 'b', 'c']);

    // The failing clone: a bounded number of attempts per notification, each with the same webhook-id and bytes.
    const failures = await failedAttempts(stack, failing.phoneNumber);
    const bound = mostAttemptsAllowed(POLICY);
    for (const body of sentTo(failing.phoneNumber)) {
      const copies = received(sink, failing.phoneNumber, 'down').filter((r) => r.body.toString() === body);
      expectOneNotification(copies);
      // At least once; once the clone's breaker opened, its copies wait parked instead of each being tried on its own.
      expect(copies.length).toBeGreaterThanOrEqual(1);
      expect(copies.length).toBeLessThanOrEqual(bound);
      const id = String(copies[0]!.headers['webhook-id']);
      // One record per attempt, numbered 1..n; only the last one has no next attempt.
      const recorded = failures.filter((f) => f.notificationId === id);
      expect(recorded.map((f) => f.attempt)).toEqual(copies.map((_, i) => i + 1));
      expect(recorded.every((f) => f.destination === 'down' && f.status === 500)).toBe(true);
      expect(recorded.slice(0, -1).every((f) => f.nextAttemptAt !== undefined)).toBe(true);
      // Dead-lettered after its last attempt (which then names no next one), or parked behind the open
      // breaker and dead-lettered when its window ended before the next probe.
      const deadLetter = deadLetters.find((d) => d.body.id === id)!;
      expect(deadLetter).toMatchObject({
        body: { destination: 'down' },
        reason: expect.stringMatching(new RegExp(`^down (still failing|parked past its retry window) after ${copies.length} attempts`)),
      });
      if (deadLetter.reason!.includes('still failing')) expect(recorded.at(-1)!.nextAttemptAt).toBeUndefined();
    }
  });

  it('retries a clone that does not answer within the timeout until it answers, without sending the primary or the other clones anything again', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, ['slow', 'b']);
    sink.script(phoneNumber, 'slow', 'hang');
    const { body } = await postNotification(stack, phoneNumber);
    await queuesSettled(stack);

    expect(received(sink, phoneNumber, 'primary')).toHaveLength(1);
    expect(received(sink, phoneNumber, 'b')).toHaveLength(1);
    const slow = received(sink, phoneNumber, 'slow');
    expect(slow).toHaveLength(2);
    expectOneNotification(slow, body);
    expect(slow[0]!.headers['webhook-id']).toBe(received(sink, phoneNumber, 'primary')[0]!.headers['webhook-id']);
    expect((await failedAttempts(stack, phoneNumber)).map((f) => [f.destination, f.error, f.attempt])).toEqual([['slow', 'timeout', 1]]);
    expect((await retriesDeadLetters.read()).filter((d) => d.body.phoneNumber === phoneNumber)).toEqual([]);
  });

  it('gives a clone that answers its 200 after the timeout the notification again, with the same webhook-id, and nobody else', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, ['late', 'b']);
    sink.script(phoneNumber, 'late', { status: 200, delayMs: DELIVERY_TIMEOUT_MS * 2 });
    const { body } = await postNotification(stack, phoneNumber);
    await queuesSettled(stack);

    // The documented duplicate: the clone processed the first copy but answered too late to count.
    const late = received(sink, phoneNumber, 'late');
    expect(late).toHaveLength(2);
    expectOneNotification(late, body);
    expect(received(sink, phoneNumber, 'primary')).toHaveLength(1);
    expect(received(sink, phoneNumber, 'b')).toHaveLength(1);
  });
});
