// One number's dead, hung or flapping receiver costs no other number anything, end to end through the
// local stack: its breaker opens, its copies wait parked (nothing held in flight, nothing attempted),
// they drain in arrival order once it answers again, primary first and clones after its 200.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRIMARY } from '../../shared/domain/destination.js';
import { BREAKER_FAILURE_THRESHOLD, DRAIN_CONCURRENCY } from '../../shared/domain/destination-health.js';
import { configureNumber, postNotification, queuesSettled, received } from '../helpers/delivery-world.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait-for.js';
import { deliveredTo, expectNoCloneBeforePrimary200, startScriptedSink, type ScriptedSink } from './fault-support/scripted-sink.js';

const DELIVERY_TIMEOUT_MS = 1000;
const CLONES = ['a', 'b'] as const;

let stack: TestStack;
let sink: ScriptedSink;

beforeAll(async () => {
  [stack, sink] = await Promise.all([
    startTestStack({ numbers: 0, env: { RETRY_BASE_SECONDS: '1', DELIVERY_TIMEOUT_MS: String(DELIVERY_TIMEOUT_MS) } }),
    startScriptedSink(),
  ]);
});
afterAll(async () => {
  await Promise.all([stack?.stop(), sink?.close()]);
});

const texts = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix} ${String(i).padStart(2, '0')}`);
const textOf = (body: Buffer) =>
  (JSON.parse(body.toString()) as { entry: [{ changes: [{ value: { messages: [{ text: { body: string } }] } }] }] }).entry[0].changes[0]
    .value.messages[0].text.body;

describe('tenant isolation', () => {
  it("parks a hung primary's notifications behind its open breaker, while another number's are delivered at once, and drains them in order when it answers", async () => {
    const hung = await configureNumber(stack, sink, [...CLONES]);
    const healthy = await configureNumber(stack, sink, [...CLONES]);
    sink.answerAlways(hung.phoneNumber, 'primary', 'hang');

    // Posted one after the other, so the arrival order is known.
    const hungTexts = texts('hung', 12);
    for (const text of hungTexts) await postNotification(stack, hung.phoneNumber, text);
    const healthyPosts = await Promise.all(texts('healthy', 6).map((text) => postNotification(stack, healthy.phoneNumber, text)));

    await waitFor(async () => (await stack.services.health.read(hung.phoneNumber, PRIMARY)).parked > 0, { timeoutMs: 20_000 });
    await waitFor(() => deliveredTo(sink, healthy.phoneNumber, 'primary').length === healthyPosts.length, { timeoutMs: 20_000 });
    for (const clone of CLONES) expect(received(sink, hung.phoneNumber, clone)).toEqual([]);
    // The breaker opened after a handful of timeouts: far fewer attempts than notifications.
    const attemptsWhileHung = received(sink, hung.phoneNumber, 'primary').length;
    expect(attemptsWhileHung).toBeLessThanOrEqual(BREAKER_FAILURE_THRESHOLD + 3);

    sink.answerAlways(hung.phoneNumber, 'primary', undefined);
    await queuesSettled(stack, 40_000);

    const delivered = deliveredTo(sink, hung.phoneNumber, 'primary').map((request) => textOf(request.body));
    expect([...delivered].sort()).toEqual(hungTexts);
    // Drained in arrival order: each parked copy started after every copy parked before it, with up to
    // DRAIN_CONCURRENCY in flight. The few attempted before the breaker opened come back through their
    // own retries, so a copy lands at most that many places further from its place in line.
    const slack = DRAIN_CONCURRENCY + BREAKER_FAILURE_THRESHOLD;
    delivered.forEach((text, position) => expect(Math.abs(hungTexts.indexOf(text) - position)).toBeLessThan(slack));
    // And the line as a whole kept its order: most copies arrived after the one posted before them.
    const inOrder = delivered.filter((text, position) => position === 0 || text > delivered[position - 1]!).length;
    expect(inOrder).toBeGreaterThanOrEqual(delivered.length / 2);
    for (const clone of CLONES) expect(deliveredTo(sink, hung.phoneNumber, clone)).toHaveLength(hungTexts.length);
    expectNoCloneBeforePrimary200(sink, hung.phoneNumber, CLONES);
    for (const destination of ['primary', ...CLONES])
      expect(deliveredTo(sink, healthy.phoneNumber, destination)).toHaveLength(healthyPosts.length);
    expect(await stack.services.health.read(hung.phoneNumber, PRIMARY)).toMatchObject({ state: 'closed', parked: 0 });
  });

  it('loses nothing to a flapping primary and never sends a clone before its 200', async () => {
    const flapping = await configureNumber(stack, sink, [...CLONES]);
    // Down for 1.5 s, up for 1.5 s, while notifications keep coming.
    const startedAt = Date.now();
    sink.answerAlways(flapping.phoneNumber, 'primary', () =>
      Math.floor((Date.now() - startedAt) / 1500) % 2 === 0 ? { status: 503 } : { status: 200 },
    );
    const posted: string[] = [];
    for (const text of texts('flap', 40)) {
      await postNotification(stack, flapping.phoneNumber, text);
      posted.push(text);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    sink.answerAlways(flapping.phoneNumber, 'primary', undefined);
    await queuesSettled(stack, 60_000);

    expect(
      deliveredTo(sink, flapping.phoneNumber, 'primary')
        .map((request) => textOf(request.body))
        .sort(),
    ).toEqual(posted);
    for (const clone of CLONES)
      expect(
        deliveredTo(sink, flapping.phoneNumber, clone)
          .map((request) => textOf(request.body))
          .sort(),
      ).toEqual(posted);
    expectNoCloneBeforePrimary200(sink, flapping.phoneNumber, CLONES);
  });
});
