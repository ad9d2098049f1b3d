import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payloadExpiryDays } from '../../infra/constructs/payload-bucket.js';
import { SERVICE_DEFAULTS } from '../../shared/defaults.js';
import { QUEUE_RETENTION_SECONDS } from '../../shared/queue/queue-definitions.js';
import { buildStack, type StackFixture } from './support/stack-fixture.js';
import { logicalId, resource, resources } from './support/template-queries.js';

const DOMAIN = {
  domainName: 'hooks.example.com',
  certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000',
};

let retained: StackFixture;
let throwaway: StackFixture;

beforeAll(() => {
  retained = buildStack();
  throwaway = buildStack({ context: { removalPolicy: 'destroy', ...DOMAIN } });
});
afterAll(() => {
  retained.cleanup();
  throwaway.cleanup();
});

const outputsOf = (fixture: StackFixture) => fixture.template.toJSON().Outputs as Record<string, { Value: unknown }>;

describe('operator outputs', () => {
  it('name both dead-letter queues by URL and ARN, both queues by URL, the bucket and the de-duplication table', () => {
    const outputs = outputsOf(retained);
    const { notifications, retries } = retained.stack.queues;
    expect(outputs.NotificationsQueueUrl!.Value).toEqual({ Ref: logicalId(notifications.queue) });
    expect(outputs.NotificationsDlqUrl!.Value).toEqual({ Ref: logicalId(notifications.deadLetterQueue) });
    expect(outputs.NotificationsDlqArn!.Value).toEqual({ 'Fn::GetAtt': [logicalId(notifications.deadLetterQueue), 'Arn'] });
    expect(outputs.RetriesQueueUrl!.Value).toEqual({ Ref: logicalId(retries.queue) });
    expect(outputs.RetriesDlqUrl!.Value).toEqual({ Ref: logicalId(retries.deadLetterQueue) });
    expect(outputs.RetriesDlqArn!.Value).toEqual({ 'Fn::GetAtt': [logicalId(retries.deadLetterQueue), 'Arn'] });
    expect(outputs.PayloadBucketName!.Value).toEqual({ Ref: logicalId(retained.stack.payloads.bucket) });
    expect(outputs.DeduplicationTableName!.Value).toEqual({ Ref: logicalId(retained.stack.data.deduplication) });
  });

  it('give the smoke test its secret parameter and the pre-check the concurrency the stack asks for', () => {
    const outputs = outputsOf(retained);
    expect(outputs.WhatsAppAppSecretParameter!.Value).toBe('/multi-webhook/whatsapp-app-secret');
    expect(outputs.DeliveryMaxConcurrency!.Value).toBe('50');
    expect(outputs.IngestReservedConcurrency!.Value).toBe('50');
  });
});

describe('retained stage', () => {
  it('keeps all four queues when the stack is deleted, so undelivered notifications survive a teardown', () => {
    const queues = Object.entries(resources(retained.template, 'AWS::SQS::Queue'));
    expect(queues).toHaveLength(4);
    for (const [id, queue] of queues) {
      expect(queue.DeletionPolicy, id).toBe('Retain');
      expect(queue.UpdateReplacePolicy, id).toBe('Retain');
    }
  });

  it('deletes the queues with a throwaway stage', () => {
    for (const [id, queue] of Object.entries(resources(throwaway.template, 'AWS::SQS::Queue')))
      expect(queue.DeletionPolicy, id).toBe('Delete');
  });
});

describe('payload expiry', () => {
  it('outlives a notification: the primary window, a clone window, the dead-letter retention and a redriven window', () => {
    const days = payloadExpiryDays(SERVICE_DEFAULTS.retryMaxAgeSeconds);
    expect(days * 86_400).toBeGreaterThan(3 * SERVICE_DEFAULTS.retryMaxAgeSeconds + QUEUE_RETENTION_SECONDS);
    const rules = resource(retained.template, logicalId(retained.stack.payloads.bucket)).Properties.LifecycleConfiguration.Rules;
    expect(rules).toContainEqual(expect.objectContaining({ ExpirationInDays: days }));
  });

  it('follows a shorter retry window from the context', () => {
    const short = buildStack({ context: { retryMaxAgeSeconds: 86_400, 'aws:cdk:bundling-stacks': [] } });
    try {
      const rules = resource(short.template, logicalId(short.stack.payloads.bucket)).Properties.LifecycleConfiguration.Rules;
      expect(rules).toContainEqual(expect.objectContaining({ ExpirationInDays: payloadExpiryDays(86_400) }));
      expect(payloadExpiryDays(86_400)).toBeLessThan(payloadExpiryDays(SERVICE_DEFAULTS.retryMaxAgeSeconds));
    } finally {
      short.cleanup();
    }
  });
});

describe('custom domain', () => {
  it('is absent unless the context names one', () => {
    retained.template.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
    expect(outputsOf(retained).CustomDomainUrl).toBeUndefined();
  });

  it('maps the domain, with its ACM certificate, to the API default stage and outputs the stable URLs and the DNS target', () => {
    const [domain] = Object.values(resources(throwaway.template, 'AWS::ApiGatewayV2::DomainName'));
    expect(domain!.Properties).toMatchObject({
      DomainName: DOMAIN.domainName,
      DomainNameConfigurations: [{ CertificateArn: DOMAIN.certificateArn, EndpointType: 'REGIONAL' }],
    });
    const [mapping] = Object.values(resources(throwaway.template, 'AWS::ApiGatewayV2::ApiMapping'));
    expect(mapping!.Properties.ApiId).toEqual({ Ref: logicalId(throwaway.stack.api.api) });
    expect(mapping!.Properties.Stage).toBe('$default');
    const outputs = outputsOf(throwaway);
    expect(outputs.CustomDomainUrl!.Value).toBe('https://hooks.example.com');
    expect(outputs.CustomIngestUrl!.Value).toBe('https://hooks.example.com/webhooks/whatsapp');
    expect(outputs.CustomDomainTarget!.Value).toEqual({ 'Fn::GetAtt': [expect.any(String), 'RegionalDomainName'] });
  });

  it('counts the custom domain among the own hosts a destination may not point at', () => {
    for (const fn of Object.values(resources(throwaway.template, 'AWS::Lambda::Function'))) {
      if (fn.Properties.Environment?.Variables?.TABLE_NAME) expect(fn.Properties.Environment.Variables.SELF_HOSTS).toBe(DOMAIN.domainName);
    }
  });
});
