// The deployment's options, read once from CDK context (cdk.json or `-c key=value`) and validated.
import { RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { CONCURRENCY_DEFAULTS, SERVICE_DEFAULTS } from '../../shared/defaults.js';
import type { ThrottleClass } from '../routes.js';

/**
 * What a retained stage does without alarmEmail or alarmTopicArn: `required` stops the synth,
 * `required-at-deploy` synthesizes (offline checks, CI) but CloudFormation refuses to deploy it,
 * `none` is the explicit acknowledgment that its alarms notify nobody.
 */
export type AlarmsMode = 'required' | 'required-at-deploy' | 'none';

export interface ThrottleLimit {
  /** Steady-state requests per second. */
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export interface StackConfig {
  /** CloudFormation stack name; one per stage (e.g. MultiWebhook-staging). */
  readonly stackName: string;
  /** RETAIN keeps the table and the payload bucket when the stack is deleted; DESTROY is for throwaway stages. */
  readonly removalPolicy: RemovalPolicy;
  /** An email address subscribed to a new alarm topic. */
  readonly alarmEmail?: string;
  /** An existing SNS topic for alarms (takes precedence over alarmEmail). */
  readonly alarmTopicArn?: string;
  readonly alarms: AlarmsMode;
  /** Upper bound of concurrent delivery invocations per queue (SQS event source maximum concurrency). */
  readonly deliveryMaxConcurrency: number;
  /** SSM SecureString parameter names; the functions read them at cold start. */
  readonly whatsappAppSecretParameter: string;
  readonly whatsappVerifyTokenParameter: string;
  /** Customer-managed KMS key of those parameters; unset when they use the AWS-managed aws/ssm key. */
  readonly parametersKmsKeyArn?: string;
  readonly logRetention: RetentionDays;
  readonly logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  /** API Gateway's limit per route of each class: Meta's ingest, the management API, and /health with the verify check. */
  readonly throttles: Readonly<Record<ThrottleClass, ThrottleLimit>>;
  /** Concurrency reserved for the ingest function; undefined when turned off (`off`). */
  readonly ingestReservedConcurrency?: number;
  readonly deliveryTimeoutMs: number;
  readonly retryBaseSeconds: number;
  readonly retryMaxAgeSeconds: number;
  readonly configCacheSeconds: number;
  /** Alarm when the oldest notification has waited this long. */
  readonly oldestNotificationAlarmSeconds: number;
  /** A stable URL for Meta and the customers: a recreated API gets a new execute-api host, a custom domain stays. */
  readonly customDomain?: CustomDomain;
}

export interface CustomDomain {
  readonly domainName: string;
  /** An ACM certificate for domainName in the stack's region (a regional API Gateway endpoint). */
  readonly certificateArn: string;
}

export const defaultStackConfig: StackConfig = {
  stackName: 'MultiWebhook',
  removalPolicy: RemovalPolicy.RETAIN,
  alarms: 'required',
  deliveryMaxConcurrency: CONCURRENCY_DEFAULTS.deliveryMaxConcurrency,
  whatsappAppSecretParameter: '/multi-webhook/whatsapp-app-secret',
  whatsappVerifyTokenParameter: '/multi-webhook/whatsapp-verify-token',
  logRetention: RetentionDays.ONE_MONTH,
  logLevel: 'INFO',
  throttles: {
    ingest: { rateLimit: 100, burstLimit: 200 },
    management: { rateLimit: 25, burstLimit: 50 },
    checks: { rateLimit: 5, burstLimit: 10 },
  },
  ingestReservedConcurrency: CONCURRENCY_DEFAULTS.ingestReservedConcurrency,
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
  const int = (key: string, fallback: number, min: number, max: number) => integer(node.tryGetContext(key), key, fallback, min, max);

  const alarmTopicArn = text('alarmTopicArn');
  if (alarmTopicArn !== undefined && !/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]+$/.test(alarmTopicArn)) {
    throw new Error(`context alarmTopicArn: "${alarmTopicArn}" is not an SNS topic ARN`);
  }
  const alarmEmail = text('alarmEmail');
  if (alarmEmail !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(alarmEmail)) {
    throw new Error(`context alarmEmail: "${alarmEmail}" is not an email address`);
  }
  const deliveryTimeoutMs = int('deliveryTimeoutMs', d.deliveryTimeoutMs, 1000, 20_000);
  for (const replaced of ['apiThrottleRateLimit', 'apiThrottleBurstLimit']) {
    if (node.tryGetContext(replaced) !== undefined) {
      throw new Error(
        `context ${replaced} was replaced by limits per route: remove it and set ingestThrottleRateLimit / ingestThrottleBurstLimit (Meta's posts), ` +
          'managementThrottleRateLimit / managementThrottleBurstLimit and checksThrottleRateLimit / checksThrottleBurstLimit instead (docs/deploy.md).',
      );
    }
  }
  // API Gateway's own account limits per region: 10,000 requests/s, burst 5,000.
  const throttle = (name: ThrottleClass): ThrottleLimit => ({
    rateLimit: int(`${name}ThrottleRateLimit`, d.throttles[name].rateLimit, 1, 10_000),
    burstLimit: int(`${name}ThrottleBurstLimit`, d.throttles[name].burstLimit, 1, 5_000),
  });
  const removal = removalPolicy(text('removalPolicy'));

  const config = {
    stackName: text('stackName') ?? d.stackName,
    removalPolicy: removal,
    alarmEmail,
    alarmTopicArn,
    // SQS event sources accept 2 to 1000.
    deliveryMaxConcurrency: int('deliveryMaxConcurrency', d.deliveryMaxConcurrency, 2, 1000),
    whatsappAppSecretParameter: parameterName(
      text('whatsappAppSecretParameter') ?? d.whatsappAppSecretParameter,
      'whatsappAppSecretParameter',
    ),
    whatsappVerifyTokenParameter: parameterName(
      text('whatsappVerifyTokenParameter') ?? d.whatsappVerifyTokenParameter,
      'whatsappVerifyTokenParameter',
    ),
    parametersKmsKeyArn: text('parametersKmsKeyArn'),
    logRetention: logRetention(int('logRetentionDays', d.logRetention, 1, 3653)),
    logLevel: logLevel(text('logLevel') ?? d.logLevel),
    throttles: { ingest: throttle('ingest'), management: throttle('management'), checks: throttle('checks') },
    ingestReservedConcurrency: reservedConcurrency(node.tryGetContext('ingestReservedConcurrency'), d.ingestReservedConcurrency),
    deliveryTimeoutMs,
    retryBaseSeconds: int('retryBaseSeconds', d.retryBaseSeconds, 1, 3600),
    retryMaxAgeSeconds: int('retryMaxAgeSeconds', d.retryMaxAgeSeconds, 60, 7 * 24 * 60 * 60),
    configCacheSeconds: int('configCacheSeconds', d.configCacheSeconds, 0, 3600),
    oldestNotificationAlarmSeconds: int('oldestNotificationAlarmSeconds', d.oldestNotificationAlarmSeconds, 60, 14 * 24 * 60 * 60),
    customDomain: customDomain(text('domainName'), text('certificateArn')),
  };
  // Last, so a mistyped option is reported before the missing alarm target.
  return { ...config, alarms: alarmsMode(text('alarms'), removal, alarmEmail ?? alarmTopicArn) };
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

/** The sentence a retained stage without an alarm target is refused with, at synth or at deploy. */
export const ALARMS_NEED_A_TARGET =
  'A retained stage (removalPolicy=retain) must page someone when its alarms fire: set -c alarmEmail=<address> ' +
  '(a new SNS topic with that subscription) or -c alarmTopicArn=<SNS topic ARN>, or acknowledge alarms that notify nobody with -c alarms=none.';

function alarmsMode(value: string | undefined, removal: RemovalPolicy, target: string | undefined): AlarmsMode {
  if (value !== undefined && value !== 'required' && value !== 'required-at-deploy' && value !== 'none') {
    throw new Error(`context alarms: expected "required", "required-at-deploy" or "none", got "${value}"`);
  }
  const mode = value ?? defaultStackConfig.alarms;
  if (mode === 'none' && target !== undefined) {
    throw new Error(
      'context alarms=none says the alarms notify nobody, but alarmEmail or alarmTopicArn names a target: remove one of the two.',
    );
  }
  if (mode === 'required' && removal === RemovalPolicy.RETAIN && target === undefined) throw new Error(ALARMS_NEED_A_TARGET);
  return mode;
}

/** `off`, or a number of instances; 0 is refused because Lambda reads it as "never run". */
function reservedConcurrency(value: unknown, fallback: number | undefined): number | undefined {
  if (value === 'off') return undefined;
  if (value === 0 || value === '0') {
    throw new Error(
      'context ingestReservedConcurrency: 0 would stop ingest altogether (Lambda never runs a function whose reserved concurrency is 0); use "off" to reserve nothing',
    );
  }
  if (value === undefined || value === null || value === '') return fallback;
  const parsed = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 10_000) {
    throw new Error(`context ingestReservedConcurrency: expected "off" or an integer from 1 to 10000, got ${JSON.stringify(value)}`);
  }
  return parsed;
}

function customDomain(domainName: string | undefined, certificateArn: string | undefined): CustomDomain | undefined {
  if (domainName === undefined && certificateArn === undefined) return undefined;
  if (domainName === undefined || certificateArn === undefined) {
    throw new Error('context domainName and certificateArn go together: set both for a custom domain, or neither');
  }
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domainName)) {
    throw new Error(`context domainName: "${domainName}" is not a lower-case host name such as api.example.com`);
  }
  if (!/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/.test(certificateArn)) {
    throw new Error(`context certificateArn: "${certificateArn}" is not an ACM certificate ARN`);
  }
  return { domainName, certificateArn };
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
    throw new Error(
      `context logRetentionDays: ${days} is not a CloudWatch Logs retention (${[...RETENTION_DAYS].sort((a, b) => a - b).join(', ')})`,
    );
  }
  return days as RetentionDays;
}

function parameterName(value: string, key: string): string {
  if (!/^\/?[\w.\-/]{1,1011}$/.test(value) || value.includes('//')) {
    throw new Error(`context ${key}: "${value}" is not an SSM parameter name`);
  }
  return value;
}
