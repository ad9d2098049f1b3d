// The only module that reads process.env: every variable, its default and its validation.
// zod/mini: the same validation as zod in ~15 KB of bundle instead of ~450 KB.
import * as z from 'zod/mini';
import { SERVICE_DEFAULTS } from './defaults.js';

/**
 * A whole number of at least `min`, in decimal digits: "", " ", "1.5", "1e3" and "0x10" are mistakes
 * to report, not 0, 1000 or 16. The sentence after "is not allowed:" says what is.
 */
function wholeNumber(min: number) {
  const allowed = `use a whole number of ${min} or more`;
  return z.pipe(z.string().check(z.regex(/^\d+$/, allowed)), z.transform(Number)).check(z.refine((value) => value >= min, allowed));
}
const seconds = wholeNumber(0);
const positiveInteger = wholeNumber(1);
const optionalString = z.optional(z.string());
/** http(s) only: "localhost:8000" parses as a URL of scheme "localhost:", and no SDK can use it. */
const endpoint = z.optional(z.url({ protocol: /^https?$/ }));

const EnvironmentSchema = z.object({
  /** DynamoDB table holding webhooks, API key hashes and delivery attempt records. */
  TABLE_NAME: z._default(z.string().check(z.minLength(1)), 'multi-webhook'),
  /** Endpoint override for DynamoDB Local; unset in the cloud. */
  DYNAMODB_ENDPOINT: endpoint,
  /** Endpoint override for the SQS/S3 emulator; unset in the cloud. */
  SQS_ENDPOINT: endpoint,
  AWS_REGION: z._default(z.string().check(z.minLength(1)), 'us-east-1'),
  /** 'strict' refuses every non-public destination; 'local' (npm start) also allows loopback. */
  DESTINATION_POLICY: z._default(z.enum(['strict', 'local']), 'strict'),
  /** Per-attempt delivery timeout, connect to last byte. */
  DELIVERY_TIMEOUT_MS: z._default(positiveInteger, SERVICE_DEFAULTS.deliveryTimeoutMs),
  /** First backoff step of a failed delivery; later steps double, with jitter. */
  RETRY_BASE_SECONDS: z._default(seconds, SERVICE_DEFAULTS.retryBaseSeconds),
  /** A delivery still failing after this age goes to the dead-letter queue (7 days). */
  RETRY_MAX_AGE_SECONDS: z._default(seconds, SERVICE_DEFAULTS.retryMaxAgeSeconds),
  /** How stale a cached phone configuration may be during delivery. */
  CONFIG_CACHE_SECONDS: z._default(seconds, 0),
  /** Ingest's de-duplication records (one item per notification and number); default: TABLE_NAME-deduplication. */
  DEDUPLICATION_TABLE_NAME: optionalString,
  /** How long an accepted notification is answered "duplicate" instead of being queued again. */
  DEDUPLICATION_WINDOW_SECONDS: z._default(seconds, SERVICE_DEFAULTS.deduplicationWindowSeconds),
  NOTIFICATIONS_QUEUE_URL: optionalString,
  NOTIFICATIONS_DLQ_URL: optionalString,
  RETRIES_QUEUE_URL: optionalString,
  RETRIES_DLQ_URL: optionalString,
  PAYLOAD_BUCKET: optionalString,
  /** Local development only; in the cloud the *_PARAMETER names are read from SSM. */
  WHATSAPP_APP_SECRET: optionalString,
  WHATSAPP_VERIFY_TOKEN: optionalString,
  WHATSAPP_APP_SECRET_PARAMETER: optionalString,
  WHATSAPP_VERIFY_TOKEN_PARAMETER: optionalString,
  /**
   * Hosts that are this deployment too, besides the one a request comes in on (custom domains),
   * comma-separated: webhooks pointing at them are refused, so deliveries cannot loop.
   */
  SELF_HOSTS: z._default(z.string(), ''),
  /**
   * 'true' logs every copy's 200 in the delivery log (GET /deliveries), one DynamoDB write per copy;
   * 'false' (default) logs only copies that failed or were parked, so a first-try 200 writes nothing.
   */
  DELIVERY_LOG_SUCCESSES: z._default(
    z.pipe(
      z.enum(['true', 'false']),
      z.transform((value) => value === 'true'),
    ),
    false,
  ),
  /** The deployment's name, the Stage dimension of every metric the functions publish (the stack sets its stack name). */
  METRICS_STAGE: z._default(z.string().check(z.minLength(1)), 'local'),
  /**
   * The master key that seals webhooks' signing secrets, 32 or more characters (local development;
   * `npm start` generates one and keeps it in its state folder). In the cloud, SIGNING_MASTER_KEY_SECRET
   * names the Secrets Manager secret that holds it.
   */
  SIGNING_MASTER_KEY: z.optional(z.string().check(z.minLength(32, 'use 32 or more characters'))),
  SIGNING_MASTER_KEY_SECRET: optionalString,
  /** How long a rotated-out signing secret still signs deliveries, beside the new one (24 h). */
  SIGNING_ROTATION_GRACE_SECONDS: z._default(seconds, SERVICE_DEFAULTS.signingRotationGraceSeconds),
  /** Set by the Lambda runtime (AWS_Lambda_nodejs22.x, say); unset elsewhere. Powertools Tracer traces only where it is set. */
  AWS_EXECUTION_ENV: z._default(z.string(), ''),
  /** Set by `sam local`, where Powertools Tracer does not trace. */
  AWS_SAM_LOCAL: z._default(z.string(), ''),
  /** 'false' (any case) turns Powertools Tracer off; anything else leaves it to the runtime (on in Lambda, off elsewhere). */
  POWERTOOLS_TRACE_ENABLED: z._default(z.string(), ''),
});

export type Config = Readonly<z.infer<typeof EnvironmentSchema>>;

/** Variables whose values may be secrets: a configuration error names them but never shows them. */
const SECRET_VARIABLES = new Set(['WHATSAPP_APP_SECRET', 'WHATSAPP_VERIFY_TOKEN', 'SIGNING_MASTER_KEY']);

/** Where ingest keeps its de-duplication records. */
export function deduplicationTableName(config: Pick<Config, 'TABLE_NAME' | 'DEDUPLICATION_TABLE_NAME'>): string {
  return config.DEDUPLICATION_TABLE_NAME ?? `${config.TABLE_NAME}-deduplication`;
}

/**
 * Whether Powertools Tracer can trace here: on the Lambda runtime, not under `sam local` or Amplify's
 * mock, and not turned off with POWERTOOLS_TRACE_ENABLED=false, the conditions the Tracer checks
 * itself. Where it cannot, the X-Ray SDK is not even loaded: its async hooks would cost every promise
 * of the process CPU (docs/performance.md) for a tracer that records nothing.
 */
export function tracingMayBeOn(config: Pick<Config, 'AWS_EXECUTION_ENV' | 'AWS_SAM_LOCAL' | 'POWERTOOLS_TRACE_ENABLED'>): boolean {
  return (
    config.AWS_EXECUTION_ENV !== '' &&
    config.AWS_EXECUTION_ENV !== 'AWS_Lambda_amplify-mock' &&
    config.AWS_SAM_LOCAL === '' &&
    config.POWERTOOLS_TRACE_ENABLED.toLowerCase() !== 'false'
  );
}

/** This process's configuration, from its environment. Only Lambda entry points and local mains call it. */
export function loadConfig(): Config {
  return parseConfig(process.env);
}

/** A configuration from the given variables (tests and the local runtime pass their own). */
export function parseConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const result = EnvironmentSchema.safeParse(env);
  if (!result.success) throw new InvalidEnvironment(result.error.issues.map((issue) => describeIssue(issue, env)));
  return Object.freeze(result.data);
}

/** The environment's mistakes, one sentence each; the local runtime reports its own variables' mistakes with it. */
export class InvalidEnvironment extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid environment: ${problems.join('; ')}`);
  }
}

/** `DESTINATION_POLICY="Strict" is not allowed: use strict or local`: the variable, the value, what is allowed. */
function describeIssue(issue: z.core.$ZodIssue, env: Readonly<Record<string, string | undefined>>): string {
  const name = issue.path.join('.');
  const value = SECRET_VARIABLES.has(name) ? ' (value hidden)' : `=${JSON.stringify(env[name])}`;
  if (issue.code === 'invalid_value') return `${name}${value} is not allowed: use ${issue.values.map(String).join(' or ')}`;
  if (issue.code === 'invalid_format' && issue.format === 'url')
    return `${name}${value} is not allowed: use an http or https URL such as http://127.0.0.1:8000`;
  if (issue.code === 'too_small' && issue.origin === 'string' && Number(issue.minimum) <= 1) return `${name} must not be empty`;
  if (issue.code === 'invalid_type') return `${name}${value} is not allowed: use a string`;
  // The schema's own sentence says what is allowed (wholeNumber's checks, say).
  return `${name}${value} is not allowed: ${issue.message}`;
}
