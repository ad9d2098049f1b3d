// The only module that reads process.env: every variable, its default and its validation.
// zod/mini: the same validation as zod in ~15 KB of bundle instead of ~450 KB.
import * as z from 'zod/mini';

const seconds = z.coerce.number().check(z.int(), z.nonnegative());
const positiveInteger = z.coerce.number().check(z.int(), z.positive());
const optionalString = z.optional(z.string());

const EnvironmentSchema = z.object({
  /** DynamoDB table holding webhooks, API key hashes and delivery attempt records. */
  TABLE_NAME: z._default(z.string().check(z.minLength(1)), 'multi-webhook'),
  /** Endpoint override for DynamoDB Local; unset in the cloud. */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  /** Endpoint override for the SQS/S3 emulator; unset in the cloud. */
  SQS_ENDPOINT: z.optional(z.url()),
  AWS_REGION: z._default(z.string().check(z.minLength(1)), 'us-east-1'),
  /** 'strict' refuses every non-public destination; 'local' (npm start) also allows loopback. */
  DESTINATION_POLICY: z._default(z.enum(['strict', 'local']), 'strict'),
  /** Per-attempt delivery timeout, connect to last byte. */
  DELIVERY_TIMEOUT_MS: z._default(positiveInteger, 5000),
  /** First backoff step of a failed delivery; later steps double, with jitter. */
  RETRY_BASE_SECONDS: z._default(seconds, 5),
  /** A delivery still failing after this age goes to the dead-letter queue (7 days). */
  RETRY_MAX_AGE_SECONDS: z._default(seconds, 7 * 24 * 60 * 60),
  /** How stale a cached phone configuration may be during delivery. */
  CONFIG_CACHE_SECONDS: z._default(seconds, 0),
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
});

export type Config = Readonly<z.infer<typeof EnvironmentSchema>>;

let cached: Config | undefined;

/** The configuration of this process, read once (a Lambda's environment never changes). */
export function config(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}

export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = EnvironmentSchema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment: ${problems.join('; ')}`);
  }
  return Object.freeze(result.data);
}

/** Forget the cached configuration, so a test can change the environment. */
export function resetConfig(): void {
  cached = undefined;
}
