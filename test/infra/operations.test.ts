import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALARMS_NEED_A_TARGET } from '../../infra/stacks/stack-config.js';
import { buildStack, functionIds, type StackFixture } from './support/stack-fixture.js';
import { logicalId, refersTo, resources } from './support/template-queries.js';

let fixture: StackFixture;

beforeAll(() => {
  fixture = buildStack();
});
afterAll(() => fixture.cleanup());

/** Dimensions in one order, whatever order the template lists them in. */
const byName = (dimensions: { Name: string }[]) => [...dimensions].sort((a, b) => a.Name.localeCompare(b.Name));
const alarms = (f: StackFixture) => Object.values(resources(f.template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);

describe('alarms', () => {
  it('fire when either dead-letter queue holds a message', () => {
    const { notifications, retries } = fixture.stack.queues;
    for (const dlq of [notifications.deadLetterQueue, retries.deadLetterQueue]) {
      const alarm = alarms(fixture).find(
        (a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && refersTo(a.Dimensions, logicalId(dlq)),
      );
      expect(alarm).toMatchObject({ ComparisonOperator: 'GreaterThanThreshold', Threshold: 0, Statistic: 'Maximum' });
    }
  });

  it('fire when the oldest notification waits too long', () => {
    const alarm = alarms(fixture).find(
      (a) =>
        a.MetricName === 'ApproximateAgeOfOldestMessage' && refersTo(a.Dimensions, logicalId(fixture.stack.queues.notifications.queue)),
    );
    expect(alarm).toMatchObject({ Threshold: 900, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it('fire when either queue holds half of the in-flight ceiling of SQS', () => {
    const { notifications, retries } = fixture.stack.queues;
    for (const queue of [notifications.queue, retries.queue]) {
      const alarm = alarms(fixture).find(
        (a) => a.MetricName === 'ApproximateNumberOfMessagesNotVisible' && refersTo(a.Dimensions, logicalId(queue)),
      );
      expect(alarm).toMatchObject({ Threshold: 60_000, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Statistic: 'Maximum' });
    }
  });

  it('fire on delivery errors and throttles', () => {
    const deliveryId = functionIds(fixture).get('delivery')!;
    for (const metric of ['Errors', 'Throttles']) {
      const alarm = alarms(fixture).find((a) => a.MetricName === metric && refersTo(a.Dimensions, deliveryId));
      expect(alarm, metric).toMatchObject({ Namespace: 'AWS/Lambda', Threshold: 1, Statistic: 'Sum' });
    }
  });

  it("fire when a destination's breaker opens and when a copy has been parked for an hour, from the delivery function's own metrics on this stage", () => {
    const stage = { Name: 'Stage', Value: fixture.stack.stackName };
    const service = { Name: 'service', Value: 'multi-webhook' };
    const opened = alarms(fixture).find((a) => JSON.stringify(a.Metrics ?? []).includes('"BreakerOpened"'))!;
    expect(opened.Metrics.find((m: { Expression?: string }) => m.Expression)?.Expression).toBe(
      'FILL(breakerOpenedPrimary, 0) + FILL(breakerOpenedClone, 0)',
    );
    const byRole = opened.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat);
    expect(byRole.map((m: any) => byName(m.MetricStat.Metric.Dimensions))).toEqual([
      byName([service, stage, { Name: 'Role', Value: 'primary' }]),
      byName([service, stage, { Name: 'Role', Value: 'clone' }]),
    ]);
    for (const m of byRole) expect(m.MetricStat).toMatchObject({ Metric: { Namespace: 'MultiWebhook' }, Stat: 'Sum' });
    expect(opened).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });

    const parked = alarms(fixture).find((a) => a.MetricName === 'OldestParkedAgeSeconds');
    expect(parked).toMatchObject({ Namespace: 'MultiWebhook', Threshold: 3600, Statistic: 'Maximum' });
    expect(byName(parked!.Dimensions)).toEqual(byName([service, stage]));
    // The log metric filters these replace are gone; the delivery function publishes on the same Stage.
    const filters = Object.values(resources(fixture.template, 'AWS::Logs::MetricFilter')).map((filter) => filter.Properties);
    expect(filters.map((filter) => filter.MetricTransformations[0].MetricName)).not.toContain('BreakersOpened');
    const delivery = resources(fixture.template, 'AWS::Lambda::Function')[functionIds(fixture).get('delivery')!]!;
    expect(delivery.Properties.Environment.Variables.METRICS_STAGE).toBe(fixture.stack.stackName);
  });

  it('fire on the rate of API 5xx answers, not their count', () => {
    const alarm = alarms(fixture).find((a) => JSON.stringify(a.Metrics ?? []).includes('"5xx"'));
    expect(alarm).toBeDefined();
    expect(alarm!.Metrics.find((m: { Expression?: string }) => m.Expression)?.Expression).toBe(
      'IF(requests > 0, 100 * errors / requests, 0)',
    );
    expect(alarm).toMatchObject({ Threshold: 5, EvaluationPeriods: 3, DatapointsToAlarm: 2 });
  });

  it("fire on the share of ingest posts refused with a 4xx, counted per API from the stage's access log", () => {
    const filters = Object.values(resources(fixture.template, 'AWS::Logs::MetricFilter')).map((filter) => filter.Properties);
    const byName = (name: string) => filters.find((filter) => filter.MetricTransformations[0].MetricName === name)!;
    const route = '($.routeKey = "POST /webhooks/whatsapp")';
    expect(byName('IngestRequests').FilterPattern).toBe('{ $.routeKey = "POST /webhooks/whatsapp" }');
    expect(byName('IngestRejected').FilterPattern).toBe(`{ ${route} && ($.status = "4*") }`);
    expect(byName('IngestThrottled').FilterPattern).toBe(`{ ${route} && ($.status = "429") }`);
    const accessLogs = logicalId(fixture.stack.api.accessLogs);
    for (const name of ['IngestRequests', 'IngestRejected', 'IngestThrottled']) {
      expect(byName(name).LogGroupName, name).toEqual({ Ref: accessLogs });
      // Two stages in one account keep their counts apart.
      expect(byName(name).MetricTransformations[0].Dimensions, name).toEqual([{ Key: 'ApiId', Value: '$.apiId' }]);
    }
    const alarm = alarms(fixture).find((a) => JSON.stringify(a.Metrics ?? []).includes('"IngestRejected"'))!;
    expect(alarm.Metrics.find((m: { Expression?: string }) => m.Expression)?.Expression).toBe(
      'IF(requests >= 20, 100 * FILL(rejected, 0) / requests, 0)',
    );
    expect(alarm).toMatchObject({
      Threshold: 10,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    const apiId = logicalId(fixture.stack.api.api);
    for (const metric of alarm.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat)) {
      expect(metric.MetricStat.Metric.Dimensions).toEqual([{ Name: 'ApiId', Value: { Ref: apiId } }]);
    }
  });

  it("fire on any 429 API Gateway gives ingest, and on any throttle of the ingest function's reserved concurrency", () => {
    expect(alarms(fixture).find((a) => a.MetricName === 'IngestThrottled')).toMatchObject({
      Namespace: 'MultiWebhook',
      Threshold: 1,
      Statistic: 'Sum',
    });
    const ingestId = functionIds(fixture).get('whatsapp-ingest')!;
    const throttles = alarms(fixture).find((a) => a.MetricName === 'Throttles' && refersTo(a.Dimensions, ingestId));
    expect(throttles).toMatchObject({
      Namespace: 'AWS/Lambda',
      Threshold: 1,
      Statistic: 'Sum',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it("refuse to deploy a retained stage that would page nobody (cdk.json's alarms=required-at-deploy): a rule that fails with the sentence", () => {
    expect(alarms(fixture).every((a) => a.AlarmActions === undefined)).toBe(true);
    fixture.template.resourceCountIs('AWS::SNS::Topic', 0);
    const rules = fixture.template.toJSON().Rules as Record<string, { Assertions: { Assert: unknown; AssertDescription: string }[] }>;
    const [rule] = Object.entries(rules)
      .filter(([id]) => id !== 'CheckBootstrapVersion')
      .map(([, r]) => r);
    // CloudFormation evaluates rules before it touches any resource; the region is never this string.
    expect(rule!.Assertions).toEqual([
      { Assert: { 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'alarms-need-a-target'] }, AssertDescription: ALARMS_NEED_A_TARGET },
    ]);
  });

  it('deploy without that rule when the stage has a target, is acknowledged with alarms=none, or is a throwaway one', () => {
    for (const context of [{ alarmEmail: 'ops@example.com' }, { alarms: 'none' }, { removalPolicy: 'destroy' }]) {
      const variant = buildStack({ context });
      try {
        expect(Object.keys(variant.template.toJSON().Rules), JSON.stringify(context)).toEqual(['CheckBootstrapVersion']);
      } finally {
        variant.cleanup();
      }
    }
  });

  it("notify a new topic when alarmEmail is set, which only this account's alarms may publish to", () => {
    const withEmail = buildStack({ context: { alarmEmail: 'ops@example.com' } });
    try {
      const [topicId] = Object.keys(resources(withEmail.template, 'AWS::SNS::Topic'));
      withEmail.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
      expect(alarms(withEmail)).toHaveLength(13);
      for (const alarm of alarms(withEmail)) {
        expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
        expect(alarm.OKActions).toEqual([{ Ref: topicId }]);
      }
      const [policy] = Object.values(resources(withEmail.template, 'AWS::SNS::TopicPolicy'));
      const statements = policy!.Properties.PolicyDocument.Statement as Record<string, any>[];
      expect(statements).toContainEqual(
        expect.objectContaining({
          Effect: 'Allow',
          Action: 'sns:Publish',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          // Only this account's alarms may publish: no other account's CloudWatch can use the topic.
          Condition: {
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
            ArnLike: {
              'aws:SourceArn': {
                'Fn::Join': [
                  '',
                  ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':alarm:*'],
                ],
              },
            },
          },
        }),
      );
      expect(statements.filter((statement) => statement.Effect === 'Allow')).toHaveLength(1);
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
    } finally {
      withEmail.cleanup();
    }
  });

  it('notify an existing topic when alarmTopicArn is set', () => {
    const arn = 'arn:aws:sns:eu-west-1:123456789012:platform-alarms';
    const withTopic = buildStack({ context: { alarmTopicArn: arn } });
    try {
      withTopic.template.resourceCountIs('AWS::SNS::Topic', 0);
      for (const alarm of alarms(withTopic)) expect(alarm.AlarmActions).toEqual([arn]);
    } finally {
      withTopic.cleanup();
    }
  });
});

describe('dashboard and outputs', () => {
  it('has one dashboard showing the API, the queues and delivery', () => {
    const [dashboard] = Object.values(resources(fixture.template, 'AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    for (const title of ['Alarms', 'API requests', 'Queued messages', 'Dead-letter queues', 'Delivery invocations']) {
      expect(body).toContain(title);
    }
  });

  it("shows the delivery function's own metrics: outcomes and latency by role, retries, parks, drains, dead letters, breakers and the oldest parked copy", () => {
    const [dashboard] = Object.values(resources(fixture.template, 'AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard!.Properties.DashboardBody);
    for (const metric of [
      'DeliverySucceeded',
      'DeliveryFailed',
      'AttemptLatency',
      'RetryScheduled',
      'CopyParked',
      'CopyDrained',
      'DeadLettered',
      'BreakerOpened',
      'BreakerClosed',
      'OldestParkedAgeSeconds',
    ]) {
      expect(body, metric).toContain(`\\"MultiWebhook\\",\\"${metric}\\"`);
    }
    expect(body).toContain(`\\"Stage\\",\\"${fixture.stack.stackName}\\"`);
  });

  it('outputs the API URL, the ingest URL, the notifications queue URL and the table name', () => {
    const outputs = fixture.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const apiId = logicalId(fixture.stack.api.api);
    expect(outputs.ApiUrl!.Value).toEqual({ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] });
    expect(outputs.IngestUrl!.Value).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] }, '/webhooks/whatsapp']] });
    expect(outputs.NotificationsQueueUrl!.Value).toEqual({ Ref: logicalId(fixture.stack.queues.notifications.queue) });
    expect(outputs.TableName!.Value).toEqual({ Ref: logicalId(fixture.stack.data.table) });
  });
});
