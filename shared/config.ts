// The only module that reads process.env: every variable, its default and its validation.
import { z } from 'zod';

const seconds = z.coerce.number().int().nonnegative();

const EnvironmentSchema = z.object({
  /** DynamoDB table holding webhooks, API key hashes and delivery attempt records. */
  TABLE_NAME: z.string().min(1).default('multi-webhook'),
  /** Endpoint override for DynamoDB Local; unset in the cloud. */
  DYNAMODB_ENDPOINT: z.url().optional(),
  /** Endpoint override for the SQS/S3 emulator; unset in the cloud. */
  SQS_ENDPOINT: z.url().optional(),
  AWS_REGION: z.string().min(1).default('us-east-1'),
  /** 'strict' refuses every non-public destination; 'local' (npm start) also allows loopback. */
  DESTINATION_POLICY: z.enum(['strict', 'local']).default('strict'),
  /** Per-attempt delivery timeout, connect to last byte. */
  DELIVERY_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  /** First backoff step of a failed delivery; later steps double, with jitter. */
  RETRY_BASE_SECONDS: seconds.default(5),
  /** A delivery still failing after this age goes to the dead-letter queue (7 days). */
  RETRY_MAX_AGE_SECONDS: seconds.default(7 * 24 * 60 * 60),
  /** How stale a cached phone configuration may be during delivery. */
  CONFIG_CACHE_SECONDS: seconds.default(0),
  NOTIFICATIONS_QUEUE_URL: z.string().optional(),
  NOTIFICATIONS_DLQ_URL: z.string().optional(),
  RETRIES_QUEUE_URL: z.string().optional(),
  RETRIES_DLQ_URL: z.string().optional(),
  PAYLOAD_BUCKET: z.string().optional(),
  /** Local development only; in the cloud the *_PARAMETER names are read from SSM. */
  WHATSAPP_APP_SECRET: z.string().optional(),
  WHATSAPP_VERIFY_TOKEN: z.string().optional(),
  WHATSAPP_APP_SECRET_PARAMETER: z.string().optional(),
  WHATSAPP_VERIFY_TOKEN_PARAMETER: z.string().optional(),
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
