// One CloudWatch dashboard: API traffic, queue health and delivery, with the alarms on top.
import { Duration } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { AlarmStatusWidget, Dashboard, GraphWidget, type Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { METRIC } from '../../shared/domain/delivery-metrics.js';
import { bothRoles, deliveryMetric } from './delivery-metrics.js';
import type { NotificationQueues } from './notification-queues.js';

export interface OperationsDashboardProps {
  readonly api: HttpApi;
  readonly queues: NotificationQueues;
  readonly delivery: IFunction;
  readonly alarms: readonly Alarm[];
}

export class OperationsDashboard extends Construct {
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsDashboardProps) {
    super(scope, id);
    const { api, queues, delivery } = props;
    const period = Duration.minutes(1);
    const sum = { period, statistic: 'Sum' };
    const max = { period, statistic: 'Maximum' };

    this.dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.hours(3) });
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'Alarms', alarms: [...props.alarms], width: 24 }));
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests',
        left: [api.metricCount(sum), api.metricClientError(sum), api.metricServerError(sum)],
        width: 12,
      }),
      new GraphWidget({
        title: 'API latency (ms)',
        left: [api.metricLatency({ period, statistic: 'p50' }), api.metricLatency({ period, statistic: 'p99' })],
        right: [api.metricIntegrationLatency({ period, statistic: 'p99' })],
        width: 12,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Queued messages',
        left: [
          queues.notifications.queue.metricApproximateNumberOfMessagesVisible({ ...max, label: 'notifications' }),
          queues.retries.queue.metricApproximateNumberOfMessagesVisible({ ...max, label: 'retries' }),
          queues.retries.queue.metricApproximateNumberOfMessagesNotVisible({ ...max, label: 'retries in flight or delayed' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Age of oldest message (s)',
        left: [
          queues.notifications.queue.metricApproximateAgeOfOldestMessage({ ...max, label: 'notifications' }),
          queues.retries.queue.metricApproximateAgeOfOldestMessage({ ...max, label: 'retries' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'Dead-letter queues',
        left: [
          queues.notifications.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ ...max, label: 'notifications DLQ' }),
          queues.retries.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ ...max, label: 'retries DLQ' }),
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Delivery invocations',
        left: [delivery.metricInvocations(sum), delivery.metricErrors(sum), delivery.metricThrottles(sum)],
        width: 12,
      }),
      new GraphWidget({
        title: 'Delivery duration (ms) and concurrency',
        left: [delivery.metricDuration({ period, statistic: 'p50' }), delivery.metricDuration({ period, statistic: 'p99' })],
        right: [delivery.metric('ConcurrentExecutions', { ...max, label: 'concurrent executions' })],
        width: 12,
      }),
    );
    this.addDeliveryMetrics(period);
  }

  /** The delivery function's own metrics (docs/metrics.md): outcomes by role, latency, the retry and parking paths, breakers. */
  private addDeliveryMetrics(period: Duration): void {
    const sum = { period, statistic: 'Sum' };
    const roles = ['primary', 'clone'] as const;
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Deliveries by role (attempts)',
        left: roles.flatMap((role) => [
          deliveryMetric(this, METRIC.delivered, role, { ...sum, label: `${role} succeeded` }),
          deliveryMetric(this, METRIC.failed, role, { ...sum, label: `${role} failed` }),
        ]),
        width: 8,
      }),
      new GraphWidget({
        title: 'Attempt latency (ms)',
        left: roles.flatMap((role) =>
          ['p50', 'p99'].map((statistic) =>
            deliveryMetric(this, METRIC.attemptLatency, role, { period, statistic, label: `${role} ${statistic}` }),
          ),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: 'Retries, parks, drains, dead letters',
        left: [
          bothRoles(this, METRIC.retryScheduled, { ...sum, label: 'retries scheduled' }),
          bothRoles(this, METRIC.parked, { ...sum, label: 'parked' }),
          bothRoles(this, METRIC.drained, { ...sum, label: 'drained' }),
          bothRoles(this, METRIC.deadLettered, { ...sum, label: 'dead-lettered' }),
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Breakers opened and closed',
        left: [
          bothRoles(this, METRIC.breakerOpened, { ...sum, label: 'opened' }),
          bothRoles(this, METRIC.breakerClosed, { ...sum, label: 'closed' }),
        ],
        width: 12,
      }),
      new GraphWidget({
        title: 'Oldest parked copy (s)',
        left: [deliveryMetric(this, METRIC.oldestParkedAge, undefined, { period, statistic: 'Maximum', label: 'oldest parked age' })],
        width: 12,
      }),
    );
  }
}
