// Load through the whole local stack, CI-sized: 1,000 signed notifications across 8 numbers with 3 clones
// each reach every destination exactly once; with one clone failing the first attempt of every other
// notification nothing is lost and the retries stay bounded. The 10,000-notification version is the opt-in soak (npm run soak).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { runLoad } from './fault-support/load-run.js';

const NOTIFICATIONS = 1_000;
const NUMBERS = 8;
const CLONES = ['a', 'b', 'c'] as const;

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({ numbers: 0, env: { RETRY_BASE_SECONDS: '1' } });
});
afterAll(async () => {
  await stack?.stop();
});

describe(`${NOTIFICATIONS} notifications through ingest, queue and delivery`, () => {
  it(
    'reaches every destination of every number exactly once, never a clone before the primary answered 200',
    { timeout: 120_000 },
    async () => {
      const figures = await runLoad(stack, { notifications: NOTIFICATIONS, numbers: NUMBERS, clones: CLONES });

      expect(figures).toMatchObject({
        accepted: NOTIFICATIONS,
        deliveredPerDestination: { primary: NOTIFICATIONS, a: NOTIFICATIONS, b: NOTIFICATIONS, c: NOTIFICATIONS },
        lost: 0,
        duplicated: 0,
        failedAttempts: 0,
        retries: 0,
        recordedFailures: 0,
        clonesBeforePrimary200: 0,
        webhookIdMismatches: 0,
        deadLettered: 0,
      });
    },
  );

  it(
    'loses nothing when one clone fails the first attempt of every other notification: one retry per failed copy, nobody else receives anything twice',
    { timeout: 120_000 },
    async () => {
      const figures = await runLoad(stack, { notifications: NOTIFICATIONS, numbers: NUMBERS, clones: CLONES, flakyClone: 'c' });

      expect(figures).toMatchObject({
        accepted: NOTIFICATIONS,
        deliveredPerDestination: { primary: NOTIFICATIONS, a: NOTIFICATIONS, b: NOTIFICATIONS, c: NOTIFICATIONS },
        lost: 0,
        duplicated: 0,
        // Every other notification's first attempt at the flaky clone failed, and its retry succeeded.
        failedAttempts: NOTIFICATIONS / 2,
        retries: NOTIFICATIONS / 2,
        maxAttemptsPerCopy: 2,
        recordedFailures: NOTIFICATIONS / 2,
        clonesBeforePrimary200: 0,
        webhookIdMismatches: 0,
        deadLettered: 0,
      });
    },
  );
});
