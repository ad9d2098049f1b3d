// Delivery's metrics as CloudWatch embedded metric format, through Powertools Metrics: one JSON line
// per dimension set and invocation on stdout, which CloudWatch turns into metrics (no API calls).
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRIC, METRICS_NAMESPACE, METRICS_SERVICE, type DeliveryMetrics, type Role } from '../domain/delivery-metrics.js';
import { logger } from '../logger.js';

/**
 * One Metrics per dimension set: an EMF line has one value per dimension, so primary and clone
 * counts go on lines of their own. Never the number or the destination's name as a dimension: each
 * value would be a metric of its own, billed.
 */
export class PowertoolsDeliveryMetrics implements DeliveryMetrics {
  private readonly byRole: Record<Role, Metrics>;
  private readonly overall: Metrics;

  constructor(stage: string) {
    const withDimensions = (dimensions: Record<string, string>) =>
      new Metrics({
        namespace: METRICS_NAMESPACE,
        serviceName: METRICS_SERVICE,
        defaultDimensions: { Stage: stage, ...dimensions },
        logger,
      });
    this.byRole = { primary: withDimensions({ Role: 'primary' }), clone: withDimensions({ Role: 'clone' }) };
    this.overall = withDimensions({});
  }

  attempted(role: Role, delivered: boolean, latencyMs: number): void {
    const metrics = this.byRole[role];
    metrics.addMetric(delivered ? METRIC.delivered : METRIC.failed, MetricUnit.Count, 1);
    metrics.addMetric(METRIC.attemptLatency, MetricUnit.Milliseconds, Math.round(latencyMs));
  }

  retryScheduled(role: Role): void {
    this.count(role, METRIC.retryScheduled);
  }

  parked(role: Role, oldestAgeSeconds?: number): void {
    this.count(role, METRIC.parked);
    if (oldestAgeSeconds !== undefined) this.oldestParkedAge(oldestAgeSeconds);
  }

  drained(role: Role): void {
    this.count(role, METRIC.drained);
  }

  deadLettered(role: Role): void {
    this.count(role, METRIC.deadLettered);
  }

  breakerMoved(role: Role, from: string, to: string): void {
    if (to === 'open') this.count(role, METRIC.breakerOpened);
    else if (to === 'closed' && from !== 'closed') this.count(role, METRIC.breakerClosed);
  }

  oldestParkedAge(seconds: number): void {
    this.overall.addMetric(METRIC.oldestParkedAge, MetricUnit.Seconds, Math.round(seconds));
  }

  publish(): void {
    // Only lines with something in them: an empty publish would log a warning per invocation.
    for (const metrics of [this.byRole.primary, this.byRole.clone, this.overall]) {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  }

  private count(role: Role, name: string): void {
    this.byRole[role].addMetric(name, MetricUnit.Count, 1);
  }
}
