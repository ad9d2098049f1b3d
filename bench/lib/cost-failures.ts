// What a number whose primary is dead or hung costs, per million of its notifications, once per
// outage and per week its breaker stays open (docs/performance.md, "The failure path"), priced by cost.ts.
import { BREAKER_FAILURE_THRESHOLD, DRAIN_BATCH_SIZE } from '../../shared/domain/destination-health.js';
import { backoffSeconds } from '../../shared/domain/retry-schedule.js';
import { SERVICE_DEFAULTS } from '../../shared/defaults.js';
import { MAX_DELAY_SECONDS } from '../../shared/queue/queue-definitions.js';
import { batchSendRequests, costPerMillion, logBytes, sqsBilledRequests, xrayTraces, type Cost, type CostInputs } from './cost.js';
import {
  ACCESS_LOG_BYTES,
  ASSUMED,
  DEDUPLICATION_WRITE_UNITS,
  keptNotificationBytes,
  NOTIFICATION_ID_LOG_BYTES,
  PLATFORM_LOG_BYTES_PER_INVOCATION,
  PLATFORM_LOG_LINES,
  deployedScenario,
  parkedItemBytes,
  parkWriteUnits,
  writeUnits,
  type FailureMeasured,
  type Scenario,
} from './cost-scenarios.js';
import { round } from './stats.js';

export type Failure = 'dead' | 'hung';

export interface FailureCost {
  /** Per million of the number's notifications while its breaker is open, each parked and dead-lettered after 7 days. */
  steady: Cost;
  /** The steady cost less what ingest costs every notification alike (as the simulation's "beyond ingest"). */
  beyondIngestPerMillion: number;
  /** Once per outage: the attempts until the breaker opens. */
  episodeUsd: number;
  /** Each week the breaker stays open: probes on the retry schedule and the probe timer's 15-minute hops. */
  openWeekUsd: number;
}

/** A number whose primary is dead (refuses or answers 5xx) or hung (every attempt ends at the timeout), at `rate`/s overall. */
export function failureCost(kind: Failure, rate: number, measured: FailureMeasured, assumed = ASSUMED): FailureCost {
  const healthy = deployedScenario(rate, measured, assumed);
  const { messageBytes } = healthy.derived;
  const base = healthy.inputs;
  const ingest = ingestInputs(healthy, measured);
  // Its record rides a fast-lane batch like any other (which lasts as long as its healthy
  // batch-mates) and is parked: no attempt, no clone, nothing sent. When its window ends, a probe
  // reads it and dead-letters it, ASSUMED.deadLetterMs of a probe's invocation (billed here as extra
  // time on the fast-lane share; the probes' own invocations are in openWeekUsd). It is the head of
  // the line, which leaves it in one breaker write per drain step's worth (DRAIN_BATCH_SIZE); its
  // item is left to the TTL, which deletes for free.
  const inputs: CostInputs = {
    ...base,
    deliveryMs: base.deliveryMs + assumed.deadLetterMs / base.deliveryInvocations,
    // Its dead letter goes out with the rest of the head's, in batches of 10.
    sqsRequests: base.sqsRequests + batchSendRequests(DRAIN_BATCH_SIZE, messageBytes) / DRAIN_BATCH_SIZE,
    // The probe's strongly consistent Query of the parked item (under 4 KB), and its share of where the line starts.
    readUnits: base.readUnits + 1 + 1 / DRAIN_BATCH_SIZE,
    writeUnits:
      base.writeUnits +
      parkWriteUnits(assumed.bodyBytes) +
      GIVEN_UP_HEAD_WRITE_UNITS / DRAIN_BATCH_SIZE +
      // The delivery log: its record and kept notification at the park. The record reads as dead
      // from the window's end (standingAt): the give-up writes none.
      writeUnits(keptNotificationBytes(assumed.bodyBytes), false) +
      DELIVERY_LOG_ENTRY_WRITE_UNITS,
    // The park writes no line at INFO; the give-up's line lists the head's ids, a drain step's worth a line.
    logBytes: logBytes({
      applicationBytes: measured.ingestLineBytes + measured.givenUpLineBytes / DRAIN_BATCH_SIZE + NOTIFICATION_ID_LOG_BYTES,
      applicationLines: 1 + 1 / DRAIN_BATCH_SIZE,
      invocations: 1 + base.deliveryInvocations,
      platformBytesPerInvocation: PLATFORM_LOG_BYTES_PER_INVOCATION,
      platformLinesPerInvocation: PLATFORM_LOG_LINES,
      accessLogBytes: ACCESS_LOG_BYTES,
    }),
    transferBytes: 0,
    offloadedPayloads: 0,
  };
  const steady = costPerMillion(inputs);
  return {
    steady,
    beyondIngestPerMillion: round(steady.total - costPerMillion(ingest).total, 4),
    episodeUsd: episodeUsd(kind, healthy, assumed),
    openWeekUsd: openWeekUsd(kind, assumed),
  };
}

/** What ingest alone costs a notification: the API, its invocation, its send, de-duplication, WABA look-up, its logs and traces. */
export function ingestInputs(healthy: Scenario, measured: FailureMeasured): CostInputs {
  const { inputs, derived } = healthy;
  return {
    ingestMs: inputs.ingestMs,
    deliveryInvocations: 0,
    deliveryMs: 0,
    sqsRequests: sqsBilledRequests({ sends: 1, receives: 0, deletes: 0 }, derived.messageBytes, 1),
    readUnits: (1 - derived.wabaHitRate) * 0.5,
    writeUnits: DEDUPLICATION_WRITE_UNITS,
    logBytes: logBytes({
      applicationBytes: measured.ingestLineBytes,
      applicationLines: 1,
      invocations: 1,
      platformBytesPerInvocation: PLATFORM_LOG_BYTES_PER_INVOCATION,
      platformLinesPerInvocation: PLATFORM_LOG_LINES,
      accessLogBytes: ACCESS_LOG_BYTES,
    }),
    transferBytes: 0,
    xrayTraces: xrayTraces(healthy.rate, 1),
  };
}

/** Prices a bill of work that is not a notification's (its quantities in total, not per notification). */
const usdOf = (work: Partial<CostInputs> & Pick<CostInputs, 'deliveryInvocations' | 'deliveryMs'>): number =>
  costPerMillion({
    apiRequests: 0,
    ingestInvocations: 0,
    ingestMs: 0,
    sqsRequests: 0,
    readUnits: 0,
    writeUnits: 0,
    logBytes: 0,
    transferBytes: 0,
    xrayTraces: 0,
    ...work,
  }).total / 1e6;

/** A delivery-log record's update (under 1 KB); a copy's first entry also keeps the notification. */
const DELIVERY_LOG_ENTRY_WRITE_UNITS = 1;
/** The breaker's write that takes a given-up head out of its line (health-store.ts leaveToExpire). */
const GIVEN_UP_HEAD_WRITE_UNITS = 1;

/** One failed attempt's bookkeeping: the breaker's read and write, the attempt record. */
const FAILED_ATTEMPT = { readUnits: 1, writeUnits: 2 };

/**
 * Until the breaker opens: BREAKER_FAILURE_THRESHOLD failed attempts, each its own slow-lane
 * invocation with the retry's send, receive and delete. A hung receiver's also last the timeout,
 * and, until a process has seen it fail (its cached breakers are up to CONFIG_CACHE_SECONDS old),
 * each process's first attempt holds a fast-lane batch for the timeout: at most every busy process once.
 */
function episodeUsd(kind: Failure, healthy: Scenario, assumed: typeof ASSUMED): number {
  const attempts = BREAKER_FAILURE_THRESHOLD;
  const held = kind === 'hung' ? Math.ceil(healthy.derived.deliveryProcesses) : 0;
  return usdOf({
    deliveryInvocations: attempts + held,
    deliveryMs: kind === 'hung' ? SERVICE_DEFAULTS.deliveryTimeoutMs : assumed.destinationLatencyMs,
    sqsRequests: 3 * attempts,
    readUnits: FAILED_ATTEMPT.readUnits * attempts,
    // Each is a copy's first failure: the delivery log keeps its notification too.
    writeUnits: (FAILED_ATTEMPT.writeUnits + writeUnits(keptNotificationBytes(assumed.bodyBytes), false)) * attempts,
  });
}

/** Probes a week on the retry schedule (RETRY_BASE_SECONDS doubling up to 6 h), with the timer's hops in between. */
export function probesPerWeek(): { probes: number; hops: number } {
  const week = 7 * 24 * 3600;
  const policy = { baseSeconds: SERVICE_DEFAULTS.retryBaseSeconds, maxAgeSeconds: week };
  let at = 0;
  let probes = 0;
  let hops = 0;
  while (at < week) {
    // The jitter's middle (random 0.5): steps are drawn around the schedule.
    const step = backoffSeconds(BREAKER_FAILURE_THRESHOLD + probes, policy, 0.5);
    hops += Math.ceil(step / MAX_DELAY_SECONDS);
    at += step;
    probes++;
  }
  return { probes, hops };
}

/**
 * A week of an open breaker. Each hop of the probe timer is a send, a receive, a delete and a short
 * invocation. A probe claims the timer, reads the breaker, the configuration, where the line starts
 * and the oldest parked copy, attempts it, records the failure, counts the attempt on the parked
 * item (an update bills the item's size) and sets the next timer.
 */
function openWeekUsd(kind: Failure, assumed: typeof ASSUMED): number {
  const { probes, hops } = probesPerWeek();
  const probeMs = kind === 'hung' ? SERVICE_DEFAULTS.deliveryTimeoutMs : assumed.destinationLatencyMs;
  const hopsUsd = usdOf({ deliveryInvocations: hops, deliveryMs: assumed.timerInvocationMs, sqsRequests: 3 * hops });
  const parkedItemUnits = writeUnits(parkedItemBytes(assumed.bodyBytes), false);
  const probesUsd = usdOf({
    deliveryInvocations: probes,
    deliveryMs: probeMs,
    readUnits: (4 + FAILED_ATTEMPT.readUnits) * probes,
    writeUnits: (1 + FAILED_ATTEMPT.writeUnits + parkedItemUnits + 1) * probes,
  });
  return hopsUsd + probesUsd;
}
