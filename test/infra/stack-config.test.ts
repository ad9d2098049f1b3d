import { App, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { ALARMS_NEED_A_TARGET, defaultStackConfig, readStackConfig } from '../../infra/stacks/stack-config.js';

function exactly(context: Record<string, unknown>) {
  return readStackConfig(new App({ context }).node);
}

/** The other options' tests acknowledge the missing alarm target, which has tests of its own below. */
function configWith(context: Record<string, unknown>) {
  return exactly({ alarms: 'none', ...context });
}

describe('stack configuration from CDK context', () => {
  it('uses the documented defaults when no context is given but the acknowledgment of alarms without a target', () => {
    expect(configWith({})).toEqual({
      ...defaultStackConfig,
      alarms: 'none',
      alarmEmail: undefined,
      alarmTopicArn: undefined,
      parametersKmsKeyArn: undefined,
    });
  });

  it('retains data by default and destroys it only when asked', () => {
    expect(configWith({}).removalPolicy).toBe(RemovalPolicy.RETAIN);
    expect(configWith({ removalPolicy: 'destroy' }).removalPolicy).toBe(RemovalPolicy.DESTROY);
  });

  it('refuses a retained stage whose alarms would page nobody, saying how to fix it and how to acknowledge it', () => {
    expect(() => exactly({})).toThrow(ALARMS_NEED_A_TARGET);
    expect(() => exactly({ alarmEmail: '', alarmTopicArn: '' })).toThrow(ALARMS_NEED_A_TARGET);
    expect(ALARMS_NEED_A_TARGET).toMatch(/-c alarmEmail=.*-c alarmTopicArn=.*-c alarms=none/);
  });

  it('accepts a retained stage with an alarm target, and a throwaway stage without one', () => {
    expect(exactly({ alarmEmail: 'ops@example.com' }).alarms).toBe('required');
    expect(exactly({ alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops' }).alarms).toBe('required');
    expect(exactly({ removalPolicy: 'destroy' }).alarms).toBe('required');
  });

  it('takes alarms=none as the explicit acknowledgment, and refuses it beside a target it would contradict', () => {
    expect(exactly({ alarms: 'none' }).alarms).toBe('none');
    expect(() => exactly({ alarms: 'none', alarmEmail: 'ops@example.com' })).toThrow(/alarms=none.*remove one/);
  });

  it('synthesizes a retained stage without a target under alarms=required-at-deploy (cdk.json), for the deploy to refuse', () => {
    expect(exactly({ alarms: 'required-at-deploy' }).alarms).toBe('required-at-deploy');
    expect(() => exactly({ alarms: 'sometimes' })).toThrow(/context alarms: expected "required", "required-at-deploy" or "none"/);
  });

  it('gives ingest, the management routes and the checks their own throttles, read from the command line too', () => {
    const config = configWith({ ingestThrottleRateLimit: '2000', ingestThrottleBurstLimit: 4000, checksThrottleRateLimit: '2' });
    expect(config.throttles).toEqual({
      ingest: { rateLimit: 2000, burstLimit: 4000 },
      management: defaultStackConfig.throttles.management,
      checks: { rateLimit: 2, burstLimit: defaultStackConfig.throttles.checks.burstLimit },
    });
    expect(() => configWith({ managementThrottleBurstLimit: 5001 })).toThrow(/managementThrottleBurstLimit/);
  });

  it('refuses the replaced stage-wide throttle options with a sentence naming their successors', () => {
    expect(() => configWith({ apiThrottleRateLimit: 100 })).toThrow(
      /apiThrottleRateLimit was replaced by limits per route: remove it and set ingestThrottleRateLimit/,
    );
  });

  it('reserves concurrency for ingest by default, reserves none with "off", and refuses 0, which would stop ingest', () => {
    expect(configWith({}).ingestReservedConcurrency).toBe(50);
    expect(configWith({ ingestReservedConcurrency: '200' }).ingestReservedConcurrency).toBe(200);
    expect(configWith({ ingestReservedConcurrency: 'off' }).ingestReservedConcurrency).toBeUndefined();
    expect(() => configWith({ ingestReservedConcurrency: 0 })).toThrow(/0 would stop ingest.*"off"/);
    expect(() => configWith({ ingestReservedConcurrency: 'some' })).toThrow(/ingestReservedConcurrency: expected "off" or an integer/);
  });

  it('rejects an unknown removal policy by name', () => {
    expect(() => configWith({ removalPolicy: 'delete' })).toThrow(/removalPolicy/);
  });

  it('reads numbers given as strings on the command line', () => {
    const config = configWith({ deliveryMaxConcurrency: '20', logRetentionDays: '90' });
    expect(config.deliveryMaxConcurrency).toBe(20);
    expect(config.logRetention).toBe(RetentionDays.THREE_MONTHS);
  });

  it('refuses a maximum concurrency that SQS event sources do not accept', () => {
    expect(() => configWith({ deliveryMaxConcurrency: 1 })).toThrow(/deliveryMaxConcurrency/);
    expect(() => configWith({ deliveryMaxConcurrency: '1001' })).toThrow(/deliveryMaxConcurrency/);
  });

  it('refuses a log retention CloudWatch Logs does not offer', () => {
    expect(() => configWith({ logRetentionDays: 10 })).toThrow(/logRetentionDays/);
  });

  it('treats empty strings in cdk.json as unset', () => {
    const config = configWith({ alarmEmail: '', alarmTopicArn: '', parametersKmsKeyArn: '' });
    expect(config.alarmEmail).toBeUndefined();
    expect(config.alarmTopicArn).toBeUndefined();
    expect(config.parametersKmsKeyArn).toBeUndefined();
  });

  it('refuses an alarm topic that is not an SNS topic ARN', () => {
    expect(() => exactly({ alarmTopicArn: 'arn:aws:sqs:eu-west-1:123456789012:queue' })).toThrow(/alarmTopicArn/);
    expect(exactly({ alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops' }).alarmTopicArn).toBe(
      'arn:aws:sns:eu-west-1:123456789012:ops',
    );
  });

  it('refuses a parameter name SSM would not accept', () => {
    expect(() => configWith({ whatsappAppSecretParameter: 'has space' })).toThrow(/whatsappAppSecretParameter/);
  });

  it('upper-cases the log level and refuses unknown ones', () => {
    expect(configWith({ logLevel: 'debug' }).logLevel).toBe('DEBUG');
    expect(() => configWith({ logLevel: 'verbose' })).toThrow(/logLevel/);
  });

  it('takes a custom domain as a domain name and an ACM certificate ARN, both or neither', () => {
    const certificateArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000';
    expect(configWith({}).customDomain).toBeUndefined();
    expect(configWith({ domainName: 'hooks.example.com', certificateArn }).customDomain).toEqual({
      domainName: 'hooks.example.com',
      certificateArn,
    });
    expect(() => configWith({ domainName: 'hooks.example.com' })).toThrow(/domainName and certificateArn go together/);
    expect(() => configWith({ certificateArn })).toThrow(/domainName and certificateArn go together/);
  });

  it('refuses a domain name that is not a host name and a certificate that is not an ACM ARN', () => {
    const certificateArn = 'arn:aws:acm:eu-west-1:123456789012:certificate/abc';
    expect(() => configWith({ domainName: 'https://hooks.example.com', certificateArn })).toThrow(/context domainName/);
    expect(() => configWith({ domainName: 'hooks.example.com', certificateArn: 'arn:aws:iam::123456789012:role/x' })).toThrow(
      /context certificateArn/,
    );
  });
});
