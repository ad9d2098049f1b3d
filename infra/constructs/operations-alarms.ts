// The alarms a platform team is paged by, and the SNS topic they notify.
import { Annotations, ArnFormat, Aws, CfnRule, Duration, Fn, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterPattern, MetricFilter, type IFilterPattern, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE } from '../../shared/domain/delivery-metrics.js';
import { ALARMS_NEED_A_TARGET } from '../stacks/stack-config.js';
import { bothRoles, deliveryMetric } from './delivery-metrics.js';
import type { NotificationQueues } from './notification-queues.js';

export interface OperationsAlarmsProps {
  readonly queues: NotificationQueues;
  readonly delivery: IFunction;
  readonly api: HttpApi;
  /** The API's access log (JSON lines with apiId, routeKey and status): ingest's refusals are counted from it. */
  readonly accessLogs: ILogGroup;
  /** "POST /webhooks/whatsapp" */
  readonly ingestRouteKey: string;
  readonly ingest: IFunction;
  readonly oldestNotificationAlarmSeconds: number;
  /** Alarms notify this existing topic... */
  readonly alarmTopicArn?: string;
  /** ...or a new topic with this address subscribed; with neither, alarms only show in the console. */
  readonly alarmEmail?: string;
  /** Without a target, add a CloudFormation rule that refuses to create or update the stack (context alarms=required-at-deploy). */
  readonly refuseDeployWithoutTarget?: boolean;
  /** Without a target, the operator said so (context alarms=none): a warning, nothing more. */
  readonly acknowledgedWithoutTarget?: boolean;
}

/**
 * In-flight messages per queue that raise the alarm: half of SQS's ~120,000 ceiling for a standard
 * queue. Retries are new delayed messages and dead destinations park, so only a flood or crashing
 * batches get near it.
 */
export const IN_FLIGHT_ALARM_THRESHOLD = 60_000;

/** A parked copy older than this pages someone: a destination has been down for an hour. */
export const PARKED_AGE_ALARM_SECONDS = 60 * 60;

/** The metric namespace of what the functions publish and the stack reads from its logs. */
export const METRIC_NAMESPACE = METRICS_NAMESPACE;

/** Percent of API requests answered 5xx that raises the alarm. */
export const API_5XX_RATE_THRESHOLD_PERCENT = 5;

/**
 * Percent of ingest posts refused with a 4xx (429 included) that raises the alarm. Meta's own posts
 * are signed and within limits, so a high share is a wrong app secret, a throttle set too low, or a flood.
 */
export const INGEST_REJECTED_RATE_THRESHOLD_PERCENT = 10;

/** Fewer ingest posts than this in five minutes are too few for a rate: a stray unsigned post is no page. */
export const INGEST_REJECTED_RATE_MIN_REQUESTS = 20;

export class OperationsAlarms extends Construct {
  readonly alarms: readonly Alarm[];
  readonly topic?: ITopic;

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    const { queues } = props;
    const oneMinute = Duration.minutes(1);
    const fiveMinutes = Duration.minutes(5);

    // The delivery function's own metrics (docs/metrics.md), on this stack's Stage: two stages in one account stay apart.
    const breakerOpened = bothRoles(this, METRIC.breakerOpened, { period: fiveMinutes, statistic: 'Sum', label: 'breakers opened' });
    const oldestParked = deliveryMetric(this, METRIC.oldestParkedAge, undefined, { period: fiveMinutes, statistic: 'Maximum' });
    const ingest = this.ingestMetrics(props, fiveMinutes);

    const alarms = [
      // A destination stopped answering: its copies are parked, not lost, but its owner should know.
      this.alarm('BreakerOpened', {
        metric: breakerOpened,
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        description:
          "A destination's circuit breaker opened after repeated failures: its notifications are parked until a probe gets a 200. The delivery logs name the number (masked) and the destination.",
      }),
      this.alarm('ParkedOlderThanAnHour', {
        metric: oldestParked,
        threshold: PARKED_AGE_ALARM_SECONDS,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        description: `Notifications have been parked behind an open breaker for ${PARKED_AGE_ALARM_SECONDS / 60} minutes or more: a destination is still down. They are dead-lettered at the end of their 7-day window.`,
      }),
      // Anything in a dead-letter queue is a notification that will not be delivered without a redrive.
      this.alarm('NotificationsDlqNotEmpty', {
        metric: queues.notifications.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: oneMinute, statistic: 'Maximum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        description:
          'Notifications were dead-lettered (primary failing for 7 days, malformed, or crashing delivery). Inspect and redrive the notifications DLQ.',
      }),
      this.alarm('RetriesDlqNotEmpty', {
        metric: queues.retries.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: oneMinute, statistic: 'Maximum' }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        description: 'Retried deliveries were dead-lettered. Inspect and redrive the retries DLQ.',
      }),
      // Delivery falls behind (or is not running): new notifications wait.
      this.alarm('NotificationsBacklog', {
        metric: queues.notifications.queue.metricApproximateAgeOfOldestMessage({ period: fiveMinutes, statistic: 'Maximum' }),
        threshold: props.oldestNotificationAlarmSeconds,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        description: `The oldest notification has waited ${props.oldestNotificationAlarmSeconds} s or more: delivery is falling behind or failing.`,
      }),
      // Held retries count against SQS's in-flight ceiling; past it, receives return nothing for everyone.
      ...(['notifications', 'retries'] as const).map((role) =>
        this.alarm(`${role === 'notifications' ? 'Notifications' : 'Retries'}InFlightHigh`, {
          metric: queues[role].queue.metricApproximateNumberOfMessagesNotVisible({ period: fiveMinutes, statistic: 'Maximum' }),
          threshold: IN_FLIGHT_ALARM_THRESHOLD,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          description: `${IN_FLIGHT_ALARM_THRESHOLD} or more ${role} messages in flight, half of SQS's ceiling: delivery is flooded or its batches keep crashing. See docs/delivery.md.`,
        }),
      ),
      // Delivery reports per-record failures; an invocation error is a crash or a timeout.
      this.alarm('DeliveryErrors', {
        metric: props.delivery.metricErrors({ period: fiveMinutes, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        description: 'The delivery function crashed or timed out; its whole batch will be received again.',
      }),
      this.alarm('DeliveryThrottles', {
        metric: props.delivery.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        description: 'The delivery function was throttled: the account or function concurrency limit is reached.',
      }),
      this.alarm('Api5xxRate', {
        metric: new MathExpression({
          label: 'API 5xx rate (%)',
          expression: 'IF(requests > 0, 100 * errors / requests, 0)',
          usingMetrics: {
            errors: props.api.metricServerError({ period: fiveMinutes, statistic: 'Sum' }),
            requests: props.api.metricCount({ period: fiveMinutes, statistic: 'Sum' }),
          },
          period: fiveMinutes,
        }),
        threshold: API_5XX_RATE_THRESHOLD_PERCENT,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // Two bad windows out of three: one unlucky request at night should not page anyone.
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        description: `${API_5XX_RATE_THRESHOLD_PERCENT}% or more of API requests answered 5xx. Client mistakes are 4xx, so this is a fault: check the functions' logs.`,
      }),
      this.alarm('IngestRejectedRate', {
        metric: new MathExpression({
          label: 'Ingest posts refused with 4xx (%)',
          expression: `IF(requests >= ${INGEST_REJECTED_RATE_MIN_REQUESTS}, 100 * FILL(rejected, 0) / requests, 0)`,
          usingMetrics: { rejected: ingest.rejected, requests: ingest.requests },
          period: fiveMinutes,
        }),
        threshold: INGEST_REJECTED_RATE_THRESHOLD_PERCENT,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        description: `${INGEST_REJECTED_RATE_THRESHOLD_PERCENT}% or more of the posts to ${props.ingestRouteKey} were refused with a 4xx in 2 of 3 five-minute windows: 401 means the app secret in SSM does not match Meta's (or forged posts), 429 the ingest throttle. The access logs give the status per request.`,
      }),
      // Meta retries a 429, but every refused post is a notification that waits; one is enough to look.
      this.alarm('IngestThrottled', {
        metric: ingest.throttled,
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        description: `API Gateway answered 429 to posts on ${props.ingestRouteKey}: the ingest throttle (ingestThrottleRateLimit / ingestThrottleBurstLimit) is below Meta's traffic, or a flood is taking it. Meta retries; see docs/deploy.md to size it.`,
      }),
      this.alarm('IngestFunctionThrottled', {
        metric: props.ingest.metricThrottles({ period: fiveMinutes, statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        description:
          'Lambda throttled the ingest function: its reserved concurrency (ingestReservedConcurrency) is too small for the traffic, or the account has no concurrency left. Meta gets a 5xx and retries.',
      }),
    ];
    this.alarms = alarms;

    this.topic = this.alarmTopic(props);
    if (this.topic) {
      const action = new SnsAction(this.topic);
      for (const alarm of alarms) {
        alarm.addAlarmAction(action);
        alarm.addOkAction(action);
      }
    } else if (props.refuseDeployWithoutTarget) {
      // Synthesizes (the offline checks need that) but never deploys: CloudFormation evaluates rules
      // before it touches a resource, and the region is never this string.
      new CfnRule(this, 'AlarmTargetRequired', {
        assertions: [{ assert: Fn.conditionEquals(Aws.REGION, 'alarms-need-a-target'), assertDescription: ALARMS_NEED_A_TARGET }],
      });
      Annotations.of(this).addWarningV2('multi-webhook:alarms-need-a-target', `This template cannot be deployed: ${ALARMS_NEED_A_TARGET}`);
    } else if (props.acknowledgedWithoutTarget) {
      Annotations.of(this).addWarningV2(
        'multi-webhook:alarms-notify-nobody',
        'alarms=none: the alarms notify nobody; they show in the console and on the dashboard only.',
      );
    }
  }

  /** Ingest's posts, its 4xx refusals and its 429s, counted per API from the access log. */
  private ingestMetrics(props: OperationsAlarmsProps, period: Duration): { requests: IMetric; rejected: IMetric; throttled: IMetric } {
    const route = FilterPattern.stringValue('$.routeKey', '=', props.ingestRouteKey);
    // The API id as a dimension: two stages in one account keep their counts apart.
    const dimensions = { ApiId: '$.apiId' };
    const count = (id: string, metricName: string, pattern: IFilterPattern) =>
      new MetricFilter(this, id, {
        logGroup: props.accessLogs,
        filterPattern: pattern,
        metricNamespace: METRIC_NAMESPACE,
        metricName,
        metricValue: '1',
        dimensions,
      }).metric({ period, statistic: 'Sum', dimensionsMap: { ApiId: props.api.apiId } });
    return {
      requests: count('IngestRequestsFilter', 'IngestRequests', route),
      rejected: count('IngestRejectedFilter', 'IngestRejected', FilterPattern.all(route, FilterPattern.stringValue('$.status', '=', '4*'))),
      throttled: count(
        'IngestThrottledFilter',
        'IngestThrottled',
        FilterPattern.all(route, FilterPattern.stringValue('$.status', '=', '429')),
      ),
    };
  }

  private alarm(
    id: string,
    props: {
      metric: IMetric;
      threshold: number;
      comparisonOperator: ComparisonOperator;
      description: string;
      evaluationPeriods?: number;
      datapointsToAlarm?: number;
    },
  ): Alarm {
    return new Alarm(this, id, {
      metric: props.metric,
      threshold: props.threshold,
      comparisonOperator: props.comparisonOperator,
      evaluationPeriods: props.evaluationPeriods ?? 1,
      datapointsToAlarm: props.datapointsToAlarm,
      // No data means no traffic (or an empty queue), which is healthy.
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: props.description,
    });
  }

  private alarmTopic(props: OperationsAlarmsProps): ITopic | undefined {
    if (props.alarmTopicArn) return Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn);
    if (!props.alarmEmail) return undefined;
    const topic = new Topic(this, 'AlarmTopic', { displayName: 'multi-webhook alarms', enforceSSL: true });
    topic.addSubscription(new EmailSubscription(props.alarmEmail));
    // The SSL-only statement replaces the topic's default policy, so allow CloudWatch explicitly, and
    // only on behalf of this account's alarms (no other account's alarm can use this topic).
    // No SSE: CloudWatch cannot publish to a topic under the AWS-managed SNS key, and alarm messages
    // carry alarm names and metric values only; bring an encrypted topic through alarmTopicArn.
    const stack = Stack.of(this);
    topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: {
            'aws:SourceArn': stack.formatArn({
              service: 'cloudwatch',
              resource: 'alarm',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    return topic;
  }
}
