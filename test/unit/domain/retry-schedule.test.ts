import { describe, expect, it } from 'vitest';
import { backoffSeconds, decideRetry, MAX_BACKOFF_SECONDS } from '../../../shared/domain/retry-schedule.js';

const policy = { baseSeconds: 5, maxAgeSeconds: 7 * 24 * 3600 };

describe('retry schedule', () => {
  it('doubles the step from the base at each attempt', () => {
    expect([1, 2, 3, 4].map((attempt) => backoffSeconds(attempt, policy, 0.999999))).toEqual([5, 10, 20, 40]);
  });

  it('jitters between half and all of the step', () => {
    expect(backoffSeconds(3, policy, 0)).toBe(10);
    expect(backoffSeconds(3, policy, 0.5)).toBe(15);
  });

  it('never waits longer than the cap, even after many attempts', () => {
    expect(backoffSeconds(60, policy, 0.999999)).toBe(MAX_BACKOFF_SECONDS);
  });

  it('gives up once the notification is older than the window', () => {
    expect(decideRetry(3, policy.maxAgeSeconds, policy, 0.5)).toEqual({ kind: 'give-up' });
  });

  it('schedules the last retry at the end of the window rather than past it', () => {
    expect(decideRetry(30, policy.maxAgeSeconds - 60, policy, 0.999999)).toEqual({ kind: 'retry', delaySeconds: 60 });
  });

  it('keeps 7 days of retries within the redrive safety net of 100 receives', () => {
    let age = 0;
    let attempt = 1;
    while (decideRetry(attempt, age, policy, 0).kind === 'retry') {
      age += (decideRetry(attempt, age, policy, 0) as { delaySeconds: number }).delaySeconds;
      attempt += 1;
    }
    expect(age).toBeGreaterThanOrEqual(policy.maxAgeSeconds);
    expect(attempt).toBeLessThan(100);
  });
});
