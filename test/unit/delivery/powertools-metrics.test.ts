// Delivery's metrics as CloudWatch embedded metric format lines: one per role, stage and service, no number or name.
import { describe, expect, it, vi } from 'vitest';
import { PowertoolsDeliveryMetrics } from '../../../shared/delivery/powertools-metrics.js';
import { METRIC, METRICS_NAMESPACE } from '../../../shared/domain/delivery-metrics.js';

/** The JSON lines written to stdout while `act` runs (Powertools writes EMF there, and the logger its warnings). */
function linesOf(act: () => void): any[] {
  const written: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  try {
    act();
  } finally {
    spy.mockRestore();
  }
  return written
    .join('')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

describe('PowertoolsDeliveryMetrics', () => {
  it('publishes one line per role with that role, the stage and the service as dimensions', () => {
    const metrics = new PowertoolsDeliveryMetrics('MultiWebhook-staging');
    metrics.attempted('primary', true, 12.4);
    metrics.attempted('clone', true, 30);
    metrics.attempted('clone', false, 5000);
    metrics.retryScheduled('clone');

    const lines = linesOf(() => metrics.publish());

    expect(lines).toHaveLength(2);
    const [primary, clone] = lines;
    expect(primary._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: METRICS_NAMESPACE, Dimensions: [['service', 'Stage', 'Role']] });
    expect(primary).toMatchObject({ Role: 'primary', Stage: 'MultiWebhook-staging', service: 'multi-webhook' });
    expect(primary[METRIC.delivered]).toBe(1);
    expect(primary[METRIC.attemptLatency]).toBe(12);
    expect(clone).toMatchObject({ Role: 'clone', [METRIC.delivered]: 1, [METRIC.failed]: 1, [METRIC.retryScheduled]: 1 });
    expect(clone[METRIC.attemptLatency]).toEqual([30, 5000]);
  });

  it('counts a breaker opening and closing, and publishes the oldest parked age without a role', () => {
    const metrics = new PowertoolsDeliveryMetrics('local');
    metrics.breakerMoved('primary', 'closed', 'open');
    metrics.breakerMoved('primary', 'open', 'draining');
    metrics.breakerMoved('primary', 'draining', 'closed');
    metrics.parked('primary', 125.6);

    const lines = linesOf(() => metrics.publish());

    expect(lines[0]).toMatchObject({ Role: 'primary', [METRIC.breakerOpened]: 1, [METRIC.breakerClosed]: 1, [METRIC.parked]: 1 });
    expect(lines[1]).not.toHaveProperty('Role');
    expect(lines[1]._aws.CloudWatchMetrics[0].Dimensions).toEqual([['service', 'Stage']]);
    expect(lines[1][METRIC.oldestParkedAge]).toBe(126);
  });

  it('writes nothing, not even a warning, for an invocation that counted nothing, and starts afresh after a publish', () => {
    const metrics = new PowertoolsDeliveryMetrics('local');
    expect(linesOf(() => metrics.publish())).toEqual([]);
    metrics.drained('clone');
    expect(linesOf(() => metrics.publish())).toHaveLength(1);
    expect(linesOf(() => metrics.publish())).toEqual([]);
  });
});
