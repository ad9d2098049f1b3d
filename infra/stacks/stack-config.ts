// The deployment's options, read once from CDK context (cdk.json or `-c key=value`) and validated.
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { SERVICE_DEFAULTS } from '../../shared/defaults.js';

export interface StackConfig {
  /** CloudFormation stack name; one per stage (e.g. MultiWebhook-staging). */
  readonly stackName: string;
  /** RETAIN keeps the table and the payload bucket when the stack is deleted; DESTROY is for throwaway stages. */
  readonly removalPolicy: RemovalPolicy;
  /** An email address subscribed to a new alarm topic. */
  readonly alarmEmail?: string;
  /** An existing SNS topic for alarms (takes precedence over alarmEmail). */
  readonly alarmTopicArn?: string;
  /** Upper bound of concurrent delivery invocations per queue (SQS event source maximum concurrency). */
  readonly deliveryMaxConcurrency: number;
  /** SSM SecureString parameter names; the functions read them at cold start. */
  readonly whatsappAppSecretParameter: string;
  readonly whatsappVerifyTokenParameter: string;
  /** Customer-managed KMS key of those parameters; unset when they use the AWS-managed aws/ssm key. */
  readonly parametersKmsKeyArn?: string;
  readonly logRetention: RetentionDays;
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** Steady-state requests per second and burst of the API's default stage. */
  readonly apiThrottleRateLimit: number;
  readonly apiThrottleBurstLimit: number;
  readonly deliveryTimeoutMs: number;
  readonly retryBaseSeconds: number;
  readonly retryMaxAgeSeconds: number;
  readonly configCacheSeconds: number;
  /** Alarm when the oldest notification has waited this long. */
  readonly oldestNotificationAlarmSeconds: number;
}

export const defaultStackConfig: StackConfig = {
  stackName: 'MultiWebhook',
  removalPolicy: RemovalPolicy.RETAIN,
  deliveryMaxConcurrency: 50,
  whatsappAppSecretParameter: '/multi-webhook/whatsapp-app-secret',
  whatsappVerifyTokenParameter: '/multi-webhook/whatsapp-verify-token',
  logRetention: RetentionDays.ONE_MONTH,
  logLevel: 'INFO',
  apiThrottleRateLimit: 100,
  apiThrottleBurstLimit: 200,
  deliveryTimeoutMs: SERVICE_DEFAULTS.deliveryTimeoutMs,
  retryBaseSeconds: SERVICE_DEFAULTS.retryBaseSeconds,
  retryMaxAgeSeconds: SERVICE_DEFAULTS.retryMaxAgeSeconds,
  configCacheSeconds: SERVICE_DEFAULTS.deployedConfigCacheSeconds,
  oldestNotificationAlarmSeconds: 15 * 60,
};

/** Reads every option from the node's context; a bad value stops the synth with the option's name. */
export function readStackConfig(node: Node): StackConfig {
  const d = defaultStackConfig;
  const text = (key: string) => optionalText(node.tryGetContext(key), key);
  const int = (key: string, fallback: number, min: number, max: number) =>
    integer(node.tryGetContext(key), key, fallback, min, max);

  const alarmTopicArn = text('alarmTopicArn');
  if (alarmTopicArn !== undefined && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/.test(alarmTopicArn)) {
    throw new Error(`context alarmTopicArn: "${alarmTopicArn}" is not an SNS topic ARN`);
  }
  const alarmEmail = text('alarmEmail');
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) {
    throw new Error(`context alarmEmail: "${alarmEmail}" is not an email address`);
  }
  const deliveryTimeoutMs = int('deliveryTimeoutMs', d.deliveryTimeoutMs, 1000, 20_000);

  return {
    stackName: text('stackName') ?? d.stackName,
    removalPolicy: removalPolicy(text('removalPolicy')),
    alarmEmail,
    alarmTopicArn,
    // SQS event sources accept 2 to 1000.
    deliveryMaxConcurrency: int('deliveryMaxConcurrency', d.deliveryMaxConcurrency, 2, 1000),
    whatsappAppSecretParameter: parameterName(text('whatsappAppSecretParameter') ?? d.whatsappAppSecretParameter, 'whatsappAppSecretParameter'),
    whatsappVerifyTokenParameter: parameterName(text('whatsappVerifyTokenParameter') ?? d.whatsappVerifyTokenParameter, 'whatsappVerifyTokenParameter'),
    parametersKmsKeyArn: text('parametersKmsKeyArn'),
    logRetention: logRetention(int('logRetentionDays', d.logRetention, 1, 3653)),
    logLevel: logLevel(text('logLevel') ?? d.logLevel),
    apiThrottleRateLimit: int('apiThrottleRateLimit', d.apiThrottleRateLimit, 1, 10_000),
    apiThrottleBurstLimit: int('apiThrottleBurstLimit', d.apiThrottleBurstLimit, 1, 5_000),
    deliveryTimeoutMs,
    retryBaseSeconds: int('retryBaseSeconds', d.retryBaseSeconds, 1, 3600),
    retryMaxAgeSeconds: int('retryMaxAgeSeconds', d.retryMaxAgeSeconds, 60, 7 * 24 * 60 * 60),
    configCacheSeconds: int('configCacheSeconds', d.configCacheSeconds, 0, 3600),
    oldestNotificationAlarmSeconds: int('oldestNotificationAlarmSeconds', d.oldestNotificationAlarmSeconds, 60, 14 * 24 * 60 * 60),
  };
}

/** `-c key=` and "" in cdk.json both mean "not set". */
function optionalText(value: unknown, key: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`context ${key}: expected a string, got ${JSON.stringify(value)}`);
  return value.trim() || undefined;
}

// `-c key=5` arrives as the string "5"; cdk.json may hold the number.
function integer(value: unknown, key: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === null || value === '') return fallback;
  const parsed = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new Error(`context ${key}: expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

function removalPolicy(value: string | undefined): RemovalPolicy {
  if (value === undefined || value === 'retain') return RemovalPolicy.RETAIN;
  if (value === 'destroy') return RemovalPolicy.DESTROY;
  throw new Error(`context removalPolicy: expected "retain" or "destroy", got "${value}"`);
}

function logLevel(value: string): StackConfig['logLevel'] {
  const upper = value.toUpperCase();
  if (upper === 'DEBUG' || upper === 'INFO' || upper === 'WARN' || upper === 'ERROR') return upper;
  throw new Error(`context logLevel: expected DEBUG, INFO, WARN or ERROR, got "${value}"`);
}

// CloudWatch Logs accepts only these retention periods.
const RETENTION_DAYS = new Set<number>(Object.values(RetentionDays).filter((v): v is number => typeof v === 'number' && v > 0));

function logRetention(days: number): RetentionDays {
  if (!RETENTION_DAYS.has(days)) {
    throw new Error(`context logRetentionDays: ${days} is not a CloudWatch Logs retention (${[...RETENTION_DAYS].sort((a, b) => a - b).join(', ')})`);
  }
  return days as RetentionDays;
}

function parameterName(value: string, key: string): string {
  if (!/^\/?[\w.\-/]{1,1011}$/.test(value) || value.includes('//')) {
    throw new Error(`context ${key}: "${value}" is not an SSM parameter name`);
  }
  return value;
}
