// DynamoDB throttling under delivery, end to end: injected through the middleware stack of the process's
// own DynamoDB client, after the SDK's retry middleware, so the SDK's retry strategy handles it exactly as
// it would handle DynamoDB's ProvisionedThroughputExceededException.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureNumber, postNotification, queuesSettled, received } from '../helpers/delivery-world.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { failedAttempts } from './fault-support/observations.js';
import {
  expectNoCloneBeforePrimary200,
  expectOneNotification,
  startScriptedSink,
  type ScriptedSink,
} from './fault-support/scripted-sink.js';
import { injectFault, throughputExceeded, type FaultPlan, type InjectedFault } from './fault-support/sdk-faults.js';

/**
 * Longer than the SDK's worst case for one throttled call (4 attempts for DynamoDB, with full-jitter
 * backoff on a 1 s base: up to 1 + 2 + 4 s), so a record, or one sharing its batch, is never handed
 * out twice merely because the SDK was still backing off; short, so a failed record comes back soon.
 * (Lambda's is 6 minutes.)
 */
const VISIBILITY_TIMEOUT_SECONDS = 9;
const CLONES = ['a', 'b'] as const;

let stack: TestStack;
let sink: ScriptedSink;
const faults: InjectedFault[] = [];
/** The client's own attempts per call (DynamoDB's default is 4): a fault this many times in a row reaches delivery. */
let sdkMaxAttempts: number;

beforeAll(async () => {
  [stack, sink] = await Promise.all([
    // One batch per test in flight at once: a test's record never waits for a batch another test's throttled call holds up.
    startTestStack({
      numbers: 0,
      queueVisibilityTimeoutSeconds: VISIBILITY_TIMEOUT_SECONDS,
      deliveryConcurrency: 4,
      env: { RETRY_BASE_SECONDS: '1' },
    }),
    startScriptedSink(),
  ]);
  sdkMaxAttempts = await stack.services.clients.dynamo.config.maxAttempts();
});
afterAll(async () => {
  // Each fault names its test's number and is used up by the end of its test; removed once all ran.
  for (const fault of faults) fault.remove();
  await Promise.all([stack?.stop(), sink?.close()]);
});

function throttle(plan: Omit<FaultPlan, 'error'>): InjectedFault {
  const fault = injectFault(stack.services.clients.dynamo, { ...plan, error: throughputExceeded });
  faults.push(fault);
  return fault;
}

/** Calls whose marshalled input names this value (a phone number in a key, an attempts partition). */
const naming = (value: string) => (input: Record<string, unknown>) => JSON.stringify(input).includes(`"${value}"`);

function expectEachDestinationOnce(phoneNumber: string, body: Buffer, destinations: readonly string[]): void {
  for (const destination of destinations) {
    const copies = received(sink, phoneNumber, destination);
    expect(copies).toHaveLength(1);
    expectOneNotification(copies, body);
  }
  expectNoCloneBeforePrimary200(
    sink,
    phoneNumber,
    destinations.filter((d) => d !== 'primary'),
  );
}

describe.concurrent('DynamoDB throttling during delivery', () => {
  it("absorbs throttled configuration reads within the SDK's own retries: delivered once, nothing recorded as failed", async () => {
    const { phoneNumber } = await configureNumber(stack, sink, [...CLONES]);
    const throttled = throttle({ command: 'QueryCommand', times: sdkMaxAttempts - 1, matches: naming(phoneNumber) });
    const { body } = await postNotification(stack, phoneNumber);
    await queuesSettled(stack);

    expect(throttled.injected).toBe(sdkMaxAttempts - 1);
    expect(throttled.calls).toBe(sdkMaxAttempts);
    expectEachDestinationOnce(phoneNumber, body, ['primary', ...CLONES]);
    expect(await failedAttempts(stack, phoneNumber)).toEqual([]);
  });

  it("fails only the throttled record when throttling outlasts the SDK's retries; it comes back after its visibility timeout and is delivered once", async () => {
    const [throttledNumber, otherNumber] = await Promise.all([
      configureNumber(stack, sink, [...CLONES]),
      configureNumber(stack, sink, [...CLONES]),
    ]);
    const throttled = throttle({ command: 'QueryCommand', times: sdkMaxAttempts, matches: naming(throttledNumber.phoneNumber) });
    const [first, second] = await Promise.all([
      postNotification(stack, throttledNumber.phoneNumber),
      postNotification(stack, otherNumber.phoneNumber),
    ]);
    await queuesSettled(stack, 30_000);

    expect(throttled.injected).toBe(sdkMaxAttempts);
    // Read again on the second receive (a failed read is not cached), then delivered.
    expect(throttled.calls).toBe(sdkMaxAttempts + 1);
    expectEachDestinationOnce(throttledNumber.phoneNumber, first!.body, ['primary', ...CLONES]);
    expectEachDestinationOnce(otherNumber.phoneNumber, second!.body, ['primary', ...CLONES]);
  });

  it("keeps delivering when recording a clone's failed attempt is throttled past the SDK's retries: the primary and the healthy clone receive it once", async () => {
    const { phoneNumber } = await configureNumber(stack, sink, ['flaky', 'b']);
    sink.script(phoneNumber, 'flaky', { status: 503 });
    // The document client's Put is DynamoDB's PutItem underneath.
    const throttled = throttle({ command: 'PutItemCommand', times: sdkMaxAttempts, matches: naming(`attempts#${phoneNumber}`) });
    const { body } = await postNotification(stack, phoneNumber);
    await queuesSettled(stack, 30_000);

    expect(throttled.injected).toBe(sdkMaxAttempts);
    expect(received(sink, phoneNumber, 'primary')).toHaveLength(1);
    expect(received(sink, phoneNumber, 'b')).toHaveLength(1);
    expect(received(sink, phoneNumber, 'flaky')).toHaveLength(2);
    for (const destination of ['primary', 'flaky', 'b']) expectOneNotification(received(sink, phoneNumber, destination), body);
    expectNoCloneBeforePrimary200(sink, phoneNumber, ['flaky', 'b']);
  });
});
