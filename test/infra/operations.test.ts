import type { CfnResource } from 'aws-cdk-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildStack, functionIds, type StackFixture } from './support/stack-fixture.js';
import { logicalId, refersTo, resources } from './support/template-queries.js';

let fixture: StackFixture;

beforeAll(() => {
  fixture = buildStack();
});
afterAll(() => fixture.cleanup());

const alarms = (f: StackFixture) => Object.values(resources(f.template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);

describe('alarms', () => {
  it('fire when either dead-letter queue holds a message', () => {
    const { notifications, retries } = fixture.stack.queues;
    for (const dlq of [notifications.deadLetterQueue, retries.deadLetterQueue]) {
      const alarm = alarms(fixture).find((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && refersTo(a.Dimensions, logicalId(dlq)));
      expect(alarm).toMatchObject({ ComparisonOperator: 'GreaterThanThreshold', Threshold: 0, Statistic: 'Maximum' });
    }
  });

  it('fire when the oldest notification waits too long', () => {
    const alarm = alarms(fixture).find(
      (a) => a.MetricName === 'ApproximateAgeOfOldestMessage' && refersTo(a.Dimensions, logicalId(fixture.stack.queues.notifications.queue)),
    );
    expect(alarm).toMatchObject({ Threshold: 900, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
  });

  it('fire when either queue holds half of the in-flight ceiling of SQS', () => {
    const { notifications, retries } = fixture.stack.queues;
    for (const queue of [notifications.queue, retries.queue]) {
      const alarm = alarms(fixture).find((a) => a.MetricName === 'ApproximateNumberOfMessagesNotVisible' && refersTo(a.Dimensions, logicalId(queue)));
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

  it("fire when a destination's breaker opens and when a copy has been parked for an hour, from the delivery function's logs", () => {
    const filters = Object.values(resources(fixture.template, 'AWS::Logs::MetricFilter')).map((filter) => filter.Properties);
    const opened = filters.find((filter) => filter.MetricTransformations[0].MetricName === 'BreakersOpened');
    const parked = filters.find((filter) => filter.MetricTransformations[0].MetricName === 'OldestParkedAgeSeconds');
    expect(opened!.FilterPattern).toBe('{ ($.message = "Destination breaker changed") && ($.to = "open") }');
    expect(parked!.MetricTransformations[0].MetricValue).toBe('$.oldestParkedAgeSeconds');
    const deliveryLogs = fixture.stack.getLogicalId(fixture.stack.delivery.worker.logGroup.node.defaultChild as CfnResource);
    for (const filter of [opened, parked]) expect(filter!.LogGroupName).toEqual({ Ref: deliveryLogs });
    expect(alarms(fixture).find((a) => a.MetricName === 'BreakersOpened')).toMatchObject({ Namespace: 'MultiWebhook', Threshold: 1, Statistic: 'Sum' });
    expect(alarms(fixture).find((a) => a.MetricName === 'OldestParkedAgeSeconds')).toMatchObject({ Namespace: 'MultiWebhook', Threshold: 3600, Statistic: 'Maximum' });
  });

  it('fire on the rate of API 5xx answers, not their count', () => {
    const alarm = alarms(fixture).find((a) => JSON.stringify(a.Metrics ?? []).includes('"5xx"'));
    expect(alarm).toBeDefined();
    expect(alarm!.Metrics.find((m: { Expression?: string }) => m.Expression)?.Expression).toBe('IF(requests > 0, 100 * errors / requests, 0)');
    expect(alarm).toMatchObject({ Threshold: 5, EvaluationPeriods: 3, DatapointsToAlarm: 2 });
  });

  it('stay silent without a topic, and notify a new topic when alarmEmail is set', () => {
    expect(alarms(fixture).every((a) => a.AlarmActions === undefined)).toBe(true);
    fixture.template.resourceCountIs('AWS::SNS::Topic', 0);

    const withEmail = buildStack({ context: { alarmEmail: 'ops@example.com' } });
    try {
      const [topicId] = Object.keys(resources(withEmail.template, 'AWS::SNS::Topic'));
      withEmail.template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
      expect(alarms(withEmail)).toHaveLength(10);
      for (const alarm of alarms(withEmail)) {
        expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
        expect(alarm.OKActions).toEqual([{ Ref: topicId }]);
      }
      const [policy] = Object.values(resources(withEmail.template, 'AWS::SNS::TopicPolicy'));
      const statements = policy!.Properties.PolicyDocument.Statement as Record<string, any>[];
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'cloudwatch.amazonaws.com' } }));
      expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
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

  it('outputs the API URL, the ingest URL, the notifications queue URL and the table name', () => {
    const outputs = fixture.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const apiId = logicalId(fixture.stack.api.api);
    expect(outputs.ApiUrl!.Value).toEqual({ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] });
    expect(outputs.IngestUrl!.Value).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [apiId, 'ApiEndpoint'] }, '/webhooks/whatsapp']] });
    expect(outputs.NotificationsQueueUrl!.Value).toEqual({ Ref: logicalId(fixture.stack.queues.notifications.queue) });
    expect(outputs.TableName!.Value).toEqual({ Ref: logicalId(fixture.stack.data.table) });
  });
});
