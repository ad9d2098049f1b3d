import { describe, expect, it } from 'vitest';
import {
  admission,
  afterFailure,
  afterParked,
  afterSuccess,
  afterUnparked,
  BREAKER_FAILURE_THRESHOLD,
  type DestinationHealth,
  HEALTHY,
  probeDue,
  transition,
} from '../../../shared/domain/destination-health.js';
import { MAX_BACKOFF_SECONDS } from '../../../shared/domain/retry-schedule.js';

const policy = { baseSeconds: 5, maxAgeSeconds: 7 * 24 * 3600 };
const now = 1_700_000_000_000;
const timeout = { error: 'timeout', latencyMs: 5000 };
const ok = { status: 200, latencyMs: 80 };
// The top of the jitter range, so that a spacing is exactly the step of the schedule.
const fullStep = 0.999999;

function failTimes(health: DestinationHealth, times: number, at = now): DestinationHealth {
  let current = health;
  for (let i = 0; i < times; i += 1) current = afterFailure(current, timeout, at, policy, fullStep);
  return current;
}

function openBreaker(parked = 0): DestinationHealth {
  return afterParked(failTimes(HEALTHY, BREAKER_FAILURE_THRESHOLD), parked);
}

describe('destination health', () => {
  it('stays closed one failure short of the threshold', () => {
    expect(failTimes(HEALTHY, BREAKER_FAILURE_THRESHOLD - 1).state).toBe('closed');
  });

  it('opens exactly at the threshold and schedules the first probe one base step later', () => {
    const opened = failTimes(HEALTHY, BREAKER_FAILURE_THRESHOLD);
    expect(opened).toMatchObject({ state: 'open', openedAt: now, nextProbeAt: now + 5000, changedAt: now });
  });

  it('starts counting again after a success in between', () => {
    const recovered = afterSuccess(failTimes(HEALTHY, BREAKER_FAILURE_THRESHOLD - 1), ok, now);
    expect(failTimes(recovered, BREAKER_FAILURE_THRESHOLD - 1).state).toBe('closed');
  });

  it('records what the destination last answered', () => {
    const failed = afterFailure(HEALTHY, { status: 503, latencyMs: 12 }, now, policy, 0.5);
    expect(failed).toMatchObject({ lastStatus: 503, lastError: undefined, lastLatencyMs: 12, consecutiveFailures: 1 });
  });

  it('spaces the probes further apart after each failed probe', () => {
    const spacings: number[] = [];
    let health = openBreaker();
    for (let probe = 0; probe < 4; probe += 1) {
      const at = health.nextProbeAt!;
      health = afterFailure(health, timeout, at, policy, fullStep);
      spacings.push((health.nextProbeAt! - at) / 1000);
    }
    expect(spacings).toEqual([10, 20, 40, 80]);
  });

  it('never spaces probes more than 6 hours apart', () => {
    let health = openBreaker();
    for (let probe = 0; probe < 40; probe += 1) health = afterFailure(health, timeout, now, policy, fullStep);
    expect(health.nextProbeAt! - now).toBe(MAX_BACKOFF_SECONDS * 1000);
  });

  it('lets a probe run only once its time has come', () => {
    const opened = openBreaker();
    expect([probeDue(opened, opened.nextProbeAt! - 1), probeDue(opened, opened.nextProbeAt!)]).toEqual([false, true]);
  });

  it('runs no probe while closed', () => {
    expect(probeDue(HEALTHY, now)).toBe(false);
  });

  it('drains after a successful probe when notifications are parked', () => {
    expect(afterSuccess(openBreaker(3), ok, now + 5000)).toMatchObject({ state: 'draining', failedProbes: 0, nextProbeAt: undefined });
  });

  it('closes after a successful probe when nothing is parked', () => {
    expect(afterSuccess(openBreaker(0), ok, now + 5000)).toMatchObject({ state: 'closed', openedAt: undefined });
  });

  it('keeps draining after a successful drain attempt', () => {
    const draining = afterSuccess(openBreaker(3), ok, now);
    expect(afterSuccess(draining, ok, now).state).toBe('draining');
  });

  it('closes the drain when the last parked notification is unparked', () => {
    const draining = afterSuccess(openBreaker(3), ok, now);
    const stillDraining = afterUnparked(draining, 2, now);
    expect([stillDraining.state, afterUnparked(stillDraining, 1, now + 1000).state]).toEqual(['draining', 'closed']);
  });

  it('never counts fewer than zero parked notifications', () => {
    expect(afterUnparked(openBreaker(1), 5, now)).toMatchObject({ parked: 0, state: 'open' });
  });

  it('keeps draining through a failed drain attempt, and reopens after a run of them, with the next probe a step further out', () => {
    let health = afterSuccess(openBreaker(3), ok, now);
    for (let i = 1; i < BREAKER_FAILURE_THRESHOLD; i++) {
      health = afterFailure(health, timeout, now + 1000, policy, fullStep);
      expect(health).toMatchObject({ state: 'draining', consecutiveFailures: i });
    }
    const reopened = afterFailure(health, timeout, now + 1000, policy, fullStep);
    expect(reopened).toMatchObject({ state: 'open', failedProbes: 1, parked: 3, nextProbeAt: now + 1000 + 10_000 });
  });

  it('attempts while closed and parks while open or draining', () => {
    const opened = openBreaker(1);
    expect([admission(HEALTHY), admission(opened), admission(afterSuccess(opened, ok, now))]).toEqual(['attempt', 'park', 'park']);
  });

  it('names a transition and stays silent when the state did not change', () => {
    const opened = openBreaker();
    expect([transition(HEALTHY, opened), transition(opened, failTimes(opened, 1))]).toEqual(['closed→open', undefined]);
  });

  it('returns new objects and leaves the one it was given unchanged', () => {
    const before = { ...HEALTHY };
    const snapshot = structuredClone(before);
    afterUnparked(afterSuccess(afterParked(failTimes(before, BREAKER_FAILURE_THRESHOLD), 1), ok, now), 1, now);
    afterFailure(before, timeout, now, policy, 0.5);
    expect(before).toEqual(snapshot);
  });
});
