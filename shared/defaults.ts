// The values a deployed stack and the functions share: the stack's context falls back to these, and
// so does the functions' environment, so a default lives in one place.

export const SERVICE_DEFAULTS = {
  /** Per-attempt delivery timeout (360dialog's hard limit for a receiver's answer). */
  deliveryTimeoutMs: 5000,
  /** First backoff step of a failed delivery; later steps double, with jitter. */
  retryBaseSeconds: 5,
  /** A delivery still failing after this age goes to the dead-letter queue (7 days). */
  retryMaxAgeSeconds: 7 * 24 * 60 * 60,
  /** How long ingest remembers a notification it accepted, so a re-send or a replay is not queued again (24 h). */
  deduplicationWindowSeconds: 24 * 60 * 60,
  /** How stale a deployed function's cached phone configuration may be (locally 0: changes apply at once). */
  deployedConfigCacheSeconds: 60,
  /** How long a rotated-out signing secret still signs deliveries, beside the new one (24 h). */
  signingRotationGraceSeconds: 24 * 60 * 60,
} as const;

/**
 * The delivery function's timeout: up to 10 records per batch, each a primary attempt then clones in
 * parallel, each attempt bounded by DELIVERY_TIMEOUT_MS (at most 20 s), plus S3 reads and parking.
 */
export const DELIVERY_FUNCTION_TIMEOUT_SECONDS = 60;

/**
 * What the stack asks of the account's Lambda concurrency unless its context says otherwise; the
 * stack's configuration and `npx multi-webhook preflight` both read them.
 */
export const CONCURRENCY_DEFAULTS = {
  /** Maximum concurrent delivery invocations per queue (two queues feed delivery). */
  deliveryMaxConcurrency: 50,
  /** Concurrency reserved for the ingest function. */
  ingestReservedConcurrency: 50,
} as const;
