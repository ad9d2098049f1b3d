import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payloadExpiryDays } from '../../infra/constructs/payload-bucket.js';
import { SERVICE_DEFAULTS } from '../../shared/defaults.js';
import { MAX_RECEIVE_COUNT, QUEUE_RETENTION_SECONDS } from '../../shared/queue/queue-definitions.js';
import { buildStack, functionIds, type StackFixture } from './support/stack-fixture.js';
import { logicalId, refersTo, resource, resources } from './support/template-queries.js';

let fixture: StackFixture;

beforeAll(() => {
  fixture = buildStack();
});
afterAll(() => fixture.cleanup());

describe('table', () => {
  it('is on-demand with point-in-time recovery, TTL on expiresAt and encryption at rest', () => {
    fixture.template.resourceCountIs('AWS::DynamoDB::Table', 2);
    fixture.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  it("keeps ingest's de-duplication records in a table of their own, keyed by id, expiring by TTL, passed to the functions", () => {
    fixture.template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    const ingest = Object.values(fixture.template.findResources('AWS::Lambda::Function')).find((fn) =>
      String(fn.Properties.Description).startsWith('POST /webhooks/whatsapp'),
    );
    expect(ingest!.Properties.Environment.Variables.DEDUPLICATION_TABLE_NAME).toEqual({ Ref: expect.stringMatching(/^DataDeduplication/) });
  });

  it('is retained, and protected from deletion, by default', () => {
    const table = resource(fixture.template, logicalId(fixture.stack.data.table));
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties.DeletionProtectionEnabled).toBe(true);
  });

  it('is deleted with a throwaway stage (removalPolicy=destroy)', () => {
    const throwaway = buildStack({ context: { removalPolicy: 'destroy' } });
    try {
      const table = resource(throwaway.template, logicalId(throwaway.stack.data.table));
      expect(table.DeletionPolicy).toBe('Delete');
      expect(table.Properties.DeletionProtectionEnabled).toBe(false);
      expect(resource(throwaway.template, logicalId(throwaway.stack.payloads.bucket)).DeletionPolicy).toBe('Delete');
    } finally {
      throwaway.cleanup();
    }
  });
});

describe('queues', () => {
  it('pairs the notifications and retries queues with a dead-letter queue each', () => {
    fixture.template.resourceCountIs('AWS::SQS::Queue', 4);
    const { notifications, retries } = fixture.stack.queues;
    for (const pair of [notifications, retries]) {
      const queue = resource(fixture.template, logicalId(pair.queue)).Properties;
      expect(queue.RedrivePolicy).toEqual({
        deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(pair.deadLetterQueue), 'Arn'] },
        maxReceiveCount: MAX_RECEIVE_COUNT,
      });
    }
  });

  it('encrypts every queue, keeps messages 14 days and refuses non-TLS access', () => {
    const policies = Object.values(resources(fixture.template, 'AWS::SQS::QueuePolicy'));
    for (const [id, queue] of Object.entries(resources(fixture.template, 'AWS::SQS::Queue'))) {
      expect(queue.Properties.SqsManagedSseEnabled, id).toBe(true);
      expect(queue.Properties.MessageRetentionPeriod, id).toBe(QUEUE_RETENTION_SECONDS);
      const sslOnly = policies.some(
        (policy) =>
          refersTo(policy.Properties.Queues, id) &&
          (policy.Properties.PolicyDocument.Statement as Record<string, any>[]).some(
            (s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
          ),
      );
      expect(sslOnly, id).toBe(true);
    }
  });

  it('hides a received message for at least 6x the delivery timeout', () => {
    const timeout = resource(fixture.template, functionIds(fixture).get('delivery')!).Properties.Timeout as number;
    for (const queue of [fixture.stack.queues.notifications.queue, fixture.stack.queues.retries.queue]) {
      expect(resource(fixture.template, logicalId(queue)).Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * timeout);
    }
  });
});

describe('delivery event sources', () => {
  it('feed delivery from both queues in batches of 10 with partial batch failures and a concurrency cap', () => {
    const mappings = Object.values(resources(fixture.template, 'AWS::Lambda::EventSourceMapping')).map((m) => m.Properties);
    expect(mappings).toHaveLength(2);
    const deliveryId = functionIds(fixture).get('delivery')!;
    const { notifications, retries } = fixture.stack.queues;
    for (const queue of [notifications.queue, retries.queue]) {
      const mapping = mappings.find((m) => refersTo(m.EventSourceArn, logicalId(queue)));
      expect(mapping).toMatchObject({
        BatchSize: 10,
        MaximumBatchingWindowInSeconds: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 50 },
      });
      expect(refersTo(mapping!.FunctionName, deliveryId)).toBe(true);
    }
  });

  it('take the maximum concurrency from context', () => {
    const tuned = buildStack({ context: { deliveryMaxConcurrency: '10' } });
    try {
      for (const mapping of Object.values(resources(tuned.template, 'AWS::Lambda::EventSourceMapping'))) {
        expect(mapping.Properties.ScalingConfig).toEqual({ MaximumConcurrency: 10 });
      }
    } finally {
      tuned.cleanup();
    }
  });
});

describe('payload bucket', () => {
  it('is encrypted, private, TLS-only and expires objects once no message can point at them', () => {
    const bucketId = logicalId(fixture.stack.payloads.bucket);
    const bucket = resource(fixture.template, bucketId).Properties;
    expect(bucket.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(bucket.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({ ExpirationInDays: payloadExpiryDays(SERVICE_DEFAULTS.retryMaxAgeSeconds), Status: 'Enabled' }),
    );
    const [policy] = Object.values(resources(fixture.template, 'AWS::S3::BucketPolicy'));
    expect(refersTo(policy!.Properties.Bucket, bucketId)).toBe(true);
    expect(policy!.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  });
});
