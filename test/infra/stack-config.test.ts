import { App, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { describe, expect, it } from 'vitest';
import { defaultStackConfig, readStackConfig } from '../../infra/stacks/stack-config.js';

function configWith(context: Record<string, unknown>) {
  return readStackConfig(new App({ context }).node);
}

describe('stack configuration from CDK context', () => {
  it('uses the documented defaults when no context is given', () => {
    expect(configWith({})).toEqual({ ...defaultStackConfig, alarmEmail: undefined, alarmTopicArn: undefined, parametersKmsKeyArn: undefined });
  });

  it('retains data by default and destroys it only when asked', () => {
    expect(configWith({}).removalPolicy).toBe(RemovalPolicy.RETAIN);
    expect(configWith({ removalPolicy: 'destroy' }).removalPolicy).toBe(RemovalPolicy.DESTROY);
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
    expect(() => configWith({ alarmTopicArn: 'arn:aws:sqs:eu-west-1:123456789012:queue' })).toThrow(/alarmTopicArn/);
    expect(configWith({ alarmTopicArn: 'arn:aws:sns:eu-west-1:123456789012:ops' }).alarmTopicArn).toBe('arn:aws:sns:eu-west-1:123456789012:ops');
  });

  it('refuses a parameter name SSM would not accept', () => {
    expect(() => configWith({ whatsappAppSecretParameter: 'has space' })).toThrow(/whatsappAppSecretParameter/);
  });

  it('upper-cases the log level and refuses unknown ones', () => {
    expect(configWith({ logLevel: 'debug' }).logLevel).toBe('DEBUG');
    expect(() => configWith({ logLevel: 'verbose' })).toThrow(/logLevel/);
  });
});
