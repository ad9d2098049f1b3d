// The delivery function's own metrics (embedded metric format, shared/domain/delivery-metrics.ts) as
// CloudWatch metrics for the alarms and the dashboard, on this stack's Stage dimension.
import { Stack, type Duration } from 'aws-cdk-lib';
import { MathExpression, Metric, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import type { IConstruct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, METRICS_SERVICE, type Role } from '../../shared/domain/delivery-metrics.js';

export type DeliveryMetricName = (typeof METRIC)[keyof typeof METRIC];

/** The Stage dimension the functions publish with: the stack's name (METRICS_STAGE in their environment). */
export const metricsStageOf = (scope: IConstruct): string => Stack.of(scope).stackName;

export interface DeliveryMetricOptions {
  period: Duration;
  statistic: string;
  label?: string;
}

/** One metric of one role (or, for OldestParkedAgeSeconds, of no role). */
export function deliveryMetric(
  scope: IConstruct,
  metricName: DeliveryMetricName,
  role: Role | undefined,
  options: DeliveryMetricOptions,
): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: METRICS_SERVICE, Stage: metricsStageOf(scope), ...(role && { Role: role }) },
    ...options,
  });
}

/** A count over both roles: primary and clone are published as two metrics, an absent one counts 0. */
export function bothRoles(scope: IConstruct, metricName: DeliveryMetricName, options: DeliveryMetricOptions): IMetric {
  // Ids unique per metric name: a graph holds several of these expressions.
  const id = `${metricName.charAt(0).toLowerCase()}${metricName.slice(1)}`;
  return new MathExpression({
    expression: `FILL(${id}Primary, 0) + FILL(${id}Clone, 0)`,
    usingMetrics: {
      [`${id}Primary`]: deliveryMetric(scope, metricName, 'primary', options),
      [`${id}Clone`]: deliveryMetric(scope, metricName, 'clone', options),
    },
    period: options.period,
    label: options.label ?? metricName,
  });
}
