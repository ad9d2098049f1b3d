// What the simulation models and with which numbers: the deployed settings, the measured costs, the scenarios.
import { readFileSync } from 'node:fs';
import { functionSizes } from '../../infra/constructs/function-sizing.js';
import { defaultStackConfig } from '../../infra/stacks/stack-config.js';
import { MAX_RECEIVE_COUNT } from '../../shared/queue/queue-definitions.js';
import type { RetryPolicy } from '../../shared/domain/retry-schedule.js';

export const RESULTS_FILE = new URL('../results.json', import.meta.url);

/** Figures `npm run bench` measured on this code; the simulation builds on them. */
export interface Measured {
  /** CPU time of one record in a delivery batch (delivery_batch_ms_instant_sinks / 10 records). */
  cpuSecondsPerRecord: number;
  /** One ingest invocation (the cost model bills it; it also sits in front of every latency). */
  ingestMs: number;
  /** Bytes the product logs per notification on the happy path. */
  logBytesPerNotification: number;
  /** Configuration reads per notification with the deployed cache. */
  configReadsPerNotification: number;
}

export function readMeasured(): Measured {
  const results = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Record<string, unknown>;
  const number = (value: unknown, name: string): number => {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`bench/results.json lacks ${name}: run npm run bench first`);
    return value;
  };
  const calls = (results.aws_calls ?? {}) as Record<string, unknown>;
  return {
    // The throughput benchmark hands the function synthetic batches of 10 records.
    cpuSecondsPerRecord: number(results.delivery_batch_ms_instant_sinks, 'delivery_batch_ms_instant_sinks') / 10 / 1000,
    ingestMs: number(results.ingest_ms, 'ingest_ms'),
    logBytesPerNotification: number(calls.log_bytes_per_notification, 'aws_calls.log_bytes_per_notification'),
    configReadsPerNotification: number(results.dynamodb_calls_per_notification, 'dynamodb_calls_per_notification'),
  };
}

/** The deployed pipeline, as the stack builds it (sources named beside each value). */
export const DEPLOYED = {
  /** infra/constructs/delivery-worker.ts: batchSize and maxBatchingWindow of both event sources. */
  batchSize: 10,
  batchingWindowSeconds: 1,
  /** infra/constructs/notification-queues.ts: 6 x the delivery function's timeout (function-sizing.ts). */
  visibilityTimeoutSeconds: 6 * functionSizes.delivery.timeout.toSeconds(),
  /** DELIVERY_TIMEOUT_MS of the stack (360dialog's hard limit). */
  attemptTimeoutSeconds: defaultStackConfig.deliveryTimeoutMs / 1000,
  deliveryMemoryMb: functionSizes.delivery.memorySize,
  policy: { baseSeconds: defaultStackConfig.retryBaseSeconds, maxAgeSeconds: defaultStackConfig.retryMaxAgeSeconds } satisfies RetryPolicy,
  defaultMaxConcurrency: defaultStackConfig.deliveryMaxConcurrency,
} as const;

/** SQS standard queue limits and behaviour the designs run into. */
export const SQS = {
  /** In-flight messages per standard queue; ReceiveMessage returns nothing at the quota. */
  inFlightQuota: 120_000,
  /** Largest DelaySeconds of one message; longer waits take "timer hops". */
  maxDelaySeconds: 900,
  /** Each 64 KB of a request's payload is billed as one request. */
  billedChunkBytes: 64 * 1024,
  /** SQS fair queues flag a group as noisy above this share of the queue's in-flight messages ... */
  fairNoisyShare: 0.1,
  /** ... when it also has at least this many in flight (AWS's documented detection thresholds). */
  fairNoisyMinInFlight: 30,
} as const;

/** The two designs' settings that differ. */
export const DESIGNS = {
  /** Before the issue: maxReceiveCount 100, because every retry was a receive of the same message. */
  old: { maxReceiveCount: 100, fairQueue: false },
  /** The issue: retries are new messages, so maxReceiveCount only catches poison (the product's MAX_RECEIVE_COUNT, at most 5). */
  new: { maxReceiveCount: Math.min(MAX_RECEIVE_COUNT, 5), fairQueue: true },
} as const;

/**
 * The new design's answer to slow receivers, as modelled here (the product's own is being built in
 * shared/domain/delivery-lanes.ts). A destination whose last attempt failed or took this long is
 * suspect: its copies leave the fast lane (the notifications queue) for the slow lane (the retries
 * queue, its own event source and maxConcurrency).
 */
export const SLOW_LANE_LATENCY_SECONDS = 1;
/** An attempt still running after this long makes further copies to its destination take the slow lane. */
export const STALLED_ATTEMPT_SECONDS = 0.25;
/**
 * On the slow lane, at most this many attempts in flight per destination (across all instances); a
 * copy over the cap is re-sent, delayed by the retry schedule of its re-sends (base
 * CAP_RESEND_BASE_SECONDS, at most 900 s), so a receiver that cannot keep up is not polled in a loop.
 */
export const MAX_CONCURRENT_ATTEMPTS_PER_DESTINATION = 2;
export const CAP_RESEND_BASE_SECONDS = 5;

/**
 * Parked items live for the remaining retry window plus this grace, so that the give-up sweep (at a
 * probe, at most 6 h plus one timer hop apart) always sees an item before DynamoDB's TTL removes it.
 */
export const PARK_TTL_GRACE_SECONDS = 6 * 60 * 60 + 900;

/** A probe timer not seen this long after it was due is taken as lost, and the next park sends another. */
export const PROBE_TIMER_LOST_SECONDS = 3600;

/** The receivers behind the 10,000 numbers. */
export const RECEIVERS = {
  numbers: 10_000,
  /** Share of numbers (and, with uniform traffic, of notifications) whose primary behaves so. */
  shares: { dead: 0.01, hung: 0.01, slow: 0.01, flapping: 0.01 },
  healthyLatencySeconds: [0.05, 0.25],
  /** Half of the dead refuse the connection at once, half answer 503 at a healthy pace. */
  refusedLatencySeconds: [0.005, 0.03],
  slowLatencySeconds: 4.9,
  flappingUpSeconds: [5 * 60, 30 * 60],
  flappingDownSeconds: [2 * 60, 15 * 60],
  /** Clones per number, uniform over 0..3; every clone answers like a healthy receiver. */
  maxClones: 3,
} as const;

/** Bytes that leave AWS per HTTP request that reached a receiver (a realistic 2-5 KB notification). */
export const NOTIFICATION_BYTES = 3_000;
export const REQUEST_HEADER_BYTES = 600;
/** Estimate: Lambda's START/END/REPORT lines (JSON log format) per invocation. */
export const PLATFORM_LOG_BYTES_PER_INVOCATION = 400;

/** A record that crashes the function, injected at this interval to show the poison path. */
export const POISON_INTERVAL_SECONDS = 600;

export interface Scenario {
  /** The `<rate>` in the results' keys: 100, 1000, 10000, or 7d for the long run. */
  key: string;
  rate: number;
  durationSeconds: number;
  /** deliveryMaxConcurrency as docs/performance.md's capacity guide sets it for this rate. */
  maxConcurrency: number;
  policy: RetryPolicy;
}

const HOUR = 3600;
const DAY = 24 * HOUR;

/**
 * Every scenario at least 2 simulated hours; the long one lasts the 7-day retry window plus a day, so
 * the first day's parked notifications reach the give-up. `quick` keeps the shape, shorter.
 */
export function scenarios(quick: boolean): Scenario[] {
  const policy = DEPLOYED.policy;
  if (quick) {
    return [
      { key: '100', rate: 100, durationSeconds: 10 * 60, maxConcurrency: DEPLOYED.defaultMaxConcurrency, policy },
      { key: '1000', rate: 1000, durationSeconds: 10 * 60, maxConcurrency: 120, policy },
      { key: '10000', rate: 10_000, durationSeconds: 3 * 60, maxConcurrency: 1000, policy },
      // The give-up path in a retry window of 6 h, so it shows in a quick run.
      {
        key: '7d',
        rate: 2,
        durationSeconds: 16 * HOUR,
        maxConcurrency: DEPLOYED.defaultMaxConcurrency,
        policy: { ...policy, maxAgeSeconds: 6 * HOUR },
      },
    ];
  }
  return [
    { key: '100', rate: 100, durationSeconds: 2 * HOUR, maxConcurrency: DEPLOYED.defaultMaxConcurrency, policy },
    { key: '1000', rate: 1000, durationSeconds: 2 * HOUR, maxConcurrency: 120, policy },
    { key: '10000', rate: 10_000, durationSeconds: 2 * HOUR, maxConcurrency: 1000, policy },
    { key: '7d', rate: 20, durationSeconds: 8 * DAY, maxConcurrency: DEPLOYED.defaultMaxConcurrency, policy },
  ];
}

export const SEED = 20_261_127;
