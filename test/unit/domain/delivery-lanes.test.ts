import { describe, expect, it } from 'vitest';
import { decideLane, MAX_ATTEMPTS_IN_FLIGHT_PER_DESTINATION, SLOW_ATTEMPT_MS } from '../../../shared/domain/delivery-lanes.js';
import { BREAKER_FAILURE_THRESHOLD, HEALTHY, afterFailure } from '../../../shared/domain/destination-health.js';

const idle = { running: 0, stalled: 0, proven: false };
const open = Array.from({ length: BREAKER_FAILURE_THRESHOLD }).reduce(
  (health: typeof HEALTHY) => afterFailure(health, { status: 503, latencyMs: 1 }, 0, { baseSeconds: 5, maxAgeSeconds: 3600 }, 0.5),
  HEALTHY,
);

describe('decideLane', () => {
  it('attempts a healthy, idle destination on the fast lane', () => {
    expect(decideLane(HEALTHY, idle, 'fast')).toBe('attempt');
  });

  it('parks while the breaker is open, on either lane', () => {
    expect([decideLane(open, idle, 'fast'), decideLane(open, idle, 'slow')]).toEqual(['park', 'park']);
  });

  it('moves a copy to the slow lane when its destination failed last time or answers slowly', () => {
    expect(decideLane({ ...HEALTHY, consecutiveFailures: 1 }, idle, 'fast')).toBe('slow-lane');
    expect(decideLane({ ...HEALTHY, lastLatencyMs: SLOW_ATTEMPT_MS }, idle, 'fast')).toBe('slow-lane');
  });

  it('gives a destination not yet proven in this process one fast-lane attempt at a time, and a proven one as many as it takes until one stalls', () => {
    expect(decideLane(HEALTHY, { running: 1, stalled: 0, proven: false }, 'fast')).toBe('slow-lane');
    expect(decideLane(HEALTHY, { running: 5, stalled: 0, proven: true }, 'fast')).toBe('attempt');
    expect(decideLane(HEALTHY, { running: 5, stalled: 1, proven: true }, 'fast')).toBe('slow-lane');
  });

  it('defers on the slow lane past the cap of attempts in flight per destination', () => {
    expect(decideLane(HEALTHY, { running: MAX_ATTEMPTS_IN_FLIGHT_PER_DESTINATION - 1, stalled: 1, proven: false }, 'slow')).toBe('attempt');
    expect(decideLane(HEALTHY, { running: MAX_ATTEMPTS_IN_FLIGHT_PER_DESTINATION, stalled: 0, proven: true }, 'slow')).toBe('defer');
  });
});
