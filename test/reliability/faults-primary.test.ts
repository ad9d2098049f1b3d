// Faults of the primary webhook, end to end through the local stack: each one holds the clones until the
// primary's exact 200, loses nothing, and every repeated copy carries the same webhook-id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureNumber, postNotification, queuesSettled, received } from '../helpers/delivery-world.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { startSink, type Sink } from '../helpers/sink-server.js';
import { waitFor } from '../helpers/wait-for.js';
import { PRIMARY } from '../../shared/domain/destination.js';
import { failedAttempts } from './fault-support/observations.js';
import {
  deliveredTo,
  expectNoCloneBeforePrimary200,
  expectOneNotification,
  startScriptedSink,
  type ScriptedSink,
} from './fault-support/scripted-sink.js';

/** Short enough that a hung primary costs little, long enough that SLOW_ANSWER_MS is well within it. */
const DELIVERY_TIMEOUT_MS = 1000;
const SLOW_ANSWER_MS = 250;
const CLONES = ['a', 'b', 'c'] as const;

let stack: TestStack;
let sink: ScriptedSink;
/** Where a redirect might lead: an internal service that must never hear from delivery. */
let internal: Sink;

beforeAll(async () => {
  [stack, sink] = await Promise.all([
    startTestStack({ numbers: 0, env: { RETRY_BASE_SECONDS: '1', DELIVERY_TIMEOUT_MS: String(DELIVERY_TIMEOUT_MS) } }),
    startScriptedSink(),
  ]);
  internal = await startSink();
});
afterAll(async () => {
  await Promise.all([stack?.stop(), sink?.close(), internal?.close()]);
});

/** After the fault: the primary and every clone hold the notification, each clone exactly once, after the primary's 200. */
async function expectDeliveredOnceToClones(phoneNumber: string, body: Buffer): Promise<void> {
  await queuesSettled(stack);
  expect(deliveredTo(sink, phoneNumber, 'primary')).toHaveLength(1);
  expectOneNotification(received(sink, phoneNumber, 'primary'), body);
  for (const clone of CLONES) {
    expect(received(sink, phoneNumber, clone)).toHaveLength(1);
    expectOneNotification(received(sink, phoneNumber, clone), body);
  }
  expect(received(sink, phoneNumber, 'a')[0]!.headers['webhook-id']).toBe(received(sink, phoneNumber, 'primary')[0]!.headers['webhook-id']);
  expectNoCloneBeforePrimary200(sink, phoneNumber, CLONES);
}

// Concurrent: each test has numbers of its own, and settling waits for every test's deliveries alike.
describe.concurrent('faults of the primary webhook', () => {
  it('holds every clone through an outage of 500s, parks the notifications behind the open breaker, and delivers each to each clone once after the recovery', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, [...CLONES]);
    sink.answerAlways(phoneNumber, 'primary', { status: 500 });
    const posted = await Promise.all(Array.from({ length: 8 }, (_, i) => postNotification(stack, phoneNumber, `outage ${i}`)));

    // The breaker opened and every notification waits parked, and no clone heard of any.
    await waitFor(
      async () => {
        const health = await stack.services.health.read(phoneNumber, PRIMARY);
        return health.state === 'open' && health.parked === posted.length;
      },
      { timeoutMs: 15_000 },
    );
    for (const clone of CLONES) expect(received(sink, phoneNumber, clone)).toHaveLength(0);

    sink.answerAlways(phoneNumber, 'primary', undefined);
    await queuesSettled(stack);
    expect(await stack.services.health.read(phoneNumber, PRIMARY)).toMatchObject({ state: 'closed', parked: 0 });

    for (const { body } of posted) {
      const primaryCopies = received(sink, phoneNumber, 'primary').filter((r) => r.body.equals(body));
      expectOneNotification(primaryCopies, body);
      expect(primaryCopies.filter((r) => sink.answerOf(r) === 200)).toHaveLength(1);
      for (const clone of CLONES) {
        const copies = received(sink, phoneNumber, clone).filter((r) => r.body.equals(body));
        expect(copies).toHaveLength(1);
        expect(copies[0]!.headers['webhook-id']).toBe(primaryCopies[0]!.headers['webhook-id']);
      }
    }
    expectNoCloneBeforePrimary200(sink, phoneNumber, CLONES);
    // Every 500 was recorded as a failed attempt of the primary, numbered per notification.
    const failures = await failedAttempts(stack, phoneNumber);
    const answered500 = received(sink, phoneNumber, 'primary').filter((r) => sink.answerOf(r) === 500).length;
    expect(failures).toHaveLength(answered500);
    expect(failures.every((f) => f.destination === 'primary' && f.status === 500)).toBe(true);
  });

  it('treats a 200 that comes after the timeout as a failure: the primary receives the notification again with the same webhook-id, each clone once', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, [...CLONES]);
    sink.script(phoneNumber, 'primary', { status: 200, delayMs: DELIVERY_TIMEOUT_MS * 2 });
    const { body } = await postNotification(stack, phoneNumber);
    await queuesSettled(stack);

    const primary = received(sink, phoneNumber, 'primary');
    // The documented duplicate: the destination processed the first copy but answered too late.
    expect(primary).toHaveLength(2);
    expectOneNotification(primary, body);
    for (const clone of CLONES) {
      const copies = received(sink, phoneNumber, clone);
      expect(copies).toHaveLength(1);
      // Released by the second copy's 200, not by the late answer to the first.
      expect(copies[0]!.receivedAt).toBeGreaterThanOrEqual(primary[1]!.answeredAt!);
    }
    expect((await failedAttempts(stack, phoneNumber)).map((f) => [f.destination, f.error])).toEqual([['primary', 'timeout']]);
  });

  it('holds the clones while the primary takes the request and never answers, then delivers each clone once after its 200', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, [...CLONES]);
    sink.script(phoneNumber, 'primary', 'hang');
    const { body } = await postNotification(stack, phoneNumber);
    await waitFor(async () => (await failedAttempts(stack, phoneNumber)).length === 1);
    for (const clone of CLONES) expect(received(sink, phoneNumber, clone)).toHaveLength(0);

    await expectDeliveredOnceToClones(phoneNumber, body);
    expect(received(sink, phoneNumber, 'primary')).toHaveLength(2);
    expect((await failedAttempts(stack, phoneNumber)).map((f) => [f.destination, f.error, f.attempt])).toEqual([['primary', 'timeout', 1]]);
  });

  it('retries a primary that resets the connection, and releases the clones only after its 200', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, [...CLONES]);
    sink.script(phoneNumber, 'primary', 'reset', 'reset');
    const { body } = await postNotification(stack, phoneNumber);

    await expectDeliveredOnceToClones(phoneNumber, body);
    expect(received(sink, phoneNumber, 'primary')).toHaveLength(3);
    expect((await failedAttempts(stack, phoneNumber)).map((f) => [f.destination, f.error])).toEqual([
      ['primary', 'connection'],
      ['primary', 'connection'],
    ]);
  });

  it('delivers once, with nothing recorded as failed, when the primary answers slowly but within the timeout', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, [...CLONES]);
    sink.answerAlways(phoneNumber, 'primary', { status: 200, delayMs: SLOW_ANSWER_MS });
    const posted = await Promise.all([1, 2, 3].map((i) => postNotification(stack, phoneNumber, `slow ${i}`)));
    await queuesSettled(stack);

    for (const destination of ['primary', ...CLONES]) {
      expect(
        received(sink, phoneNumber, destination)
          .map((r) => r.body.toString())
          .sort(),
      ).toEqual(posted.map((p) => p.body.toString()).sort());
    }
    expectNoCloneBeforePrimary200(sink, phoneNumber, CLONES);
    expect(await failedAttempts(stack, phoneNumber)).toEqual([]);
  });

  // The stack delivers with the system resolver. A name under .invalid never resolves (RFC 6761), on
  // any machine and with or without a network; *.localhost does not help, the system resolver does not
  // map it to loopback on every machine (it does not on these).
  it('records DNS failures without sending any clone, and delivers once the primary points at a resolvable host again', async () => {
    const { client, phoneNumber } = await configureNumber(stack, sink, [...CLONES]);
    const unresolvable = `https://primary-${phoneNumber}.invalid/hook`;
    expect((await client.post('/v1/configs/webhook', { url: unresolvable })).status).toBe(200);
    const { body } = await postNotification(stack, phoneNumber);

    const failures = await waitFor(
      async () => {
        const recorded = await failedAttempts(stack, phoneNumber);
        return recorded.length >= 2 && recorded;
      },
      { timeoutMs: 15_000 },
    );
    // 'dns' where the resolver answers NXDOMAIN; a resolver that cannot reach its server answers after the deadline.
    for (const failure of failures)
      expect(failure).toMatchObject({ destination: 'primary', error: expect.stringMatching(/^(dns|timeout)$/) });
    expect(sink.requests.filter((r) => r.path.startsWith(`/${phoneNumber}/`))).toHaveLength(0);

    // The customer fixes the primary; the next attempt reads the configuration again.
    expect((await client.post('/v1/configs/webhook', { url: `${sink.url}/${phoneNumber}/primary` })).status).toBe(200);
    await expectDeliveredOnceToClones(phoneNumber, body);
  });

  it('follows neither a redirect to a clone nor one to an internal address, counts both as failures and releases the clones only on the 200', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, [...CLONES]);
    sink.script(
      phoneNumber,
      'primary',
      { status: 302, headers: { location: `${sink.url}/${phoneNumber}/a` } },
      { status: 307, headers: { location: `${internal.url}/latest/meta-data/iam/security-credentials/` } },
    );
    const { body } = await postNotification(stack, phoneNumber);

    await expectDeliveredOnceToClones(phoneNumber, body);
    expect(received(sink, phoneNumber, 'primary')).toHaveLength(3);
    expect(internal.requests).toHaveLength(0);
    expect((await failedAttempts(stack, phoneNumber)).map((f) => [f.destination, f.status])).toEqual([
      ['primary', 302],
      ['primary', 307],
    ]);
  });
});
