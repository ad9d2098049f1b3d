// What a deployed stack's notifications use at 100, 1,000 and 10,000/s, and what a dead or hung
// receiver's use, derived from the measured figures and the assumptions below, priced by cost.ts.
import { SERVICE_DEFAULTS } from '../../shared/defaults.js';
import { encodeMessage } from '../../shared/queue/message-codec.js';
import { MAX_BATCH_ENTRIES } from '../../shared/queue/queue-definitions.js';
import { notificationBody } from '../../test/helpers/whatsapp.js';
import { costPerMillion, logBytes, sqsBilledRequests, xrayTraces, type Cost, type CostInputs } from './cost.js';
import { TIERS_USD } from './pricing.js';
import { storedSizes } from './stored-sizes.js';

/** What the benchmark measures and the happy-path scenarios take as given. */
export interface Measured {
  /** The functions' log bytes and lines per notification through ingest and delivery with 3 clones, at INFO, as deployed. */
  happyLogBytes: number;
  happyLogLines: number;
  /** A full batch's time beyond its destinations' (clone-latency: batch of 10 with 3 clones minus the ideal). */
  deliveryOverheadMs: number;
}

/** What the failure path's figures (cost-failures.ts) take as given besides: one line's bytes of each message it writes, as deployed. */
export interface FailureMeasured extends Measured {
  /** Ingest's one line for a queued notification ("Notification queued"). */
  ingestLineBytes: number;
  /** A line of given-up copies ("Delivery given up: dead-lettered"), without its list of ids. */
  givenUpLineBytes: number;
}

/** A notification id in a log line's list of ids: a `wamid.` id is about 60 characters, with its quotes and comma. */
export const NOTIFICATION_ID_LOG_BYTES = 64;

/** Every assumption of the deployed figures, in one place (docs/performance.md explains each). */
export const ASSUMED = {
  /** A WhatsApp notification as Meta POSTs it: a text message is ~1 KB, a status ~1.2 KB; 3 KB leaves room. */
  bodyBytes: 3072,
  /** Request line, headers (signature, webhook-id/-timestamp, configured headers) and TLS framing of one delivery POST. */
  requestOverheadBytes: 600,
  clones: 3,
  destinationLatencyMs: 250,
  /** Ingest on Lambda: ~2-3 ms of CPU here, a 256 MB share of a vCPU, an SQS send and two de-duplication writes. */
  ingestMs: 30,
  /** Numbers in the fleet grow with traffic: each number sends 0.1 notifications/s on average. */
  notificationsPerNumberPerSecond: 0.1,
  configCacheSeconds: SERVICE_DEFAULTS.deployedConfigCacheSeconds as number,
  /** How long a warm ingest instance lives (and remembers the WABAs it confirmed): Lambda recycles them within hours. */
  ingestInstanceLifetimeSeconds: 2 * 3600,
  /** Share of notifications over 1 MiB (offloaded to S3): WhatsApp sends media by reference, so practically none. */
  offloadedShare: 1e-5,
  /** Dead-lettering one parked copy at a probe: its share of a Query, an SQS send, its share of the head's breaker write. */
  deadLetterMs: 25,
  /** One billed delivery invocation of a timer hop or a probe with nothing to send (ms). */
  timerInvocationMs: 10,
} satisfies Record<string, number>;

/** Lambda's JSON platform lines (loggingFormat JSON, system log level INFO) of one traced invocation, as written. */
const PLATFORM_LINES = [
  '{"time":"2026-12-01T17:39:12.345Z","type":"platform.start","record":{"requestId":"6d1c9b3e-8f2a-4c7d-9e1b-2a3f4b5c6d7e","version":"$LATEST","tracing":{"spanId":"2f3a4b5c6d7e8f90","type":"X-Amzn-Trace-Id","value":"Root=1-674c9e40-1a2b3c4d5e6f7a8b9c0d1e2f;Parent=3b4c5d6e7f8a9b0c;Sampled=1"}}}',
  '{"time":"2026-12-01T17:39:12.389Z","type":"platform.report","record":{"requestId":"6d1c9b3e-8f2a-4c7d-9e1b-2a3f4b5c6d7e","metrics":{"durationMs":42.17,"billedDurationMs":43,"memorySizeMB":256,"maxMemoryUsedMB":98},"tracing":{"spanId":"4c5d6e7f8a9b0c1d","type":"X-Amzn-Trace-Id","value":"Root=1-674c9e40-1a2b3c4d5e6f7a8b9c0d1e2f;Parent=3b4c5d6e7f8a9b0c;Sampled=1"},"status":"success"}}',
];
/** API Gateway's access log line for one ingest POST (the format of infra/constructs/webhook-api.ts). */
const ACCESS_LOG_LINE =
  '{"requestId":"Xk3mQj4oIAMEVQw=","apiId":"a1b2c3d4e5","ip":"173.252.127.12","requestTime":"01/Dec/2026:17:39:12 +0000","routeKey":"POST /webhooks/whatsapp","status":"200","protocol":"HTTP/1.1","responseLength":"19","responseLatency":"38","integrationLatency":"36","integrationError":"-","authorizerError":"-","userAgent":"facebookexternalua"}';
const lineBytes = (line: string) => Buffer.byteLength(line) + 1;
export const PLATFORM_LOG_BYTES_PER_INVOCATION = PLATFORM_LINES.reduce((sum, line) => sum + lineBytes(line), 0);
export const PLATFORM_LOG_LINES = PLATFORM_LINES.length;
export const ACCESS_LOG_BYTES = lineBytes(ACCESS_LOG_LINE);

/** The encoded queue message of a `bodyBytes` notification: the body as a JSON string, escaped, with its envelope. */
export function queueMessageBytes(bodyBytes: number): number {
  const phone = '4915123456789';
  const empty = notificationBody([{ phone, text: '' }]).length;
  const payload = notificationBody([{ phone, text: 'x'.repeat(Math.max(0, bodyBytes - empty)) }]).toString('utf8');
  const signature = `sha256=${'0'.repeat(64)}`;
  return Buffer.byteLength(
    encodeMessage({ phoneNumber: phone, id: 'f'.repeat(64), payload, signature, receivedAt: Date.UTC(2026, 11, 1) }),
  );
}

/**
 * The share of notifications whose configuration a delivery process finds cached. A process sees a
 * given number at `perProcessRate`/s (Poisson); after a read the entry lives `ttlSeconds`, and the
 * next notification after that reads again: one read per ttl + 1/rate seconds, against rate × that
 * many notifications, so the hit rate is λT / (1 + λT).
 */
export function cacheHitRate(perProcessRate: number, ttlSeconds: number): number {
  const seen = perProcessRate * ttlSeconds;
  return seen / (1 + seen);
}

/** A DynamoDB item's write units: 1 KB each, doubled in a transaction (a Delete or an update bills the item's size too). */
export const writeUnits = (bytes: number, transactional: boolean) => Math.ceil(bytes / 1024) * (transactional ? 2 : 1);
/** A breaker item (state, counts, timer, the given-up head's key): under 1 KB. */
export const BREAKER_ITEM_BYTES = 500;
/** A parked item of a `bodyBytes` notification of statuses, as the store writes it (its payload compressed). */
export const parkedItemBytes = (bodyBytes: number) => storedSizes(bodyBytes).parkedItemBytes;
/** The delivery log's item that keeps such a notification for replay. */
export const keptNotificationBytes = (bodyBytes: number) => storedSizes(bodyBytes).keptNotificationBytes;
/** A park (the parked item's Put and the breaker's count) or an unpark (its Delete and the count): one transaction each. */
export const parkWriteUnits = (bodyBytes: number) => parkedItemWriteUnits(parkedItemBytes(bodyBytes));
/** The same, for a parked item of `itemBytes`. */
export const parkedItemWriteUnits = (itemBytes: number) => writeUnits(itemBytes, true) + writeUnits(BREAKER_ITEM_BYTES, true);
/** De-duplication: Powertools Idempotency's conditional PutItem and its completing UpdateItem, each under 1 KB. */
export const DEDUPLICATION_WRITE_UNITS = 2;

/**
 * Read and write units per notification from counted DynamoDB calls (all items here are small): a
 * strongly consistent Query or GetItem of the configuration 1 RRU, the WABA pointer's eventually
 * consistent GetItem 0.5; a PutItem, UpdateItem or DeleteItem 1 WRU; the WABA transaction's two Puts 4.
 */
export function dynamodbUnits(
  counted: readonly Record<string, number>[],
  notifications: number,
): { readUnits: number; writeUnits: number } {
  const count = (command: string) => counted.reduce((sum, byCommand) => sum + (byCommand[`${command}Command`] ?? 0), 0) / notifications;
  return {
    readUnits: count('Query') + 0.5 * count('GetItem'),
    writeUnits: count('PutItem') + count('UpdateItem') + count('DeleteItem') + 4 * count('TransactWriteItems'),
  };
}

export interface Scenario {
  rate: number;
  inputs: CostInputs;
  cost: Cost;
  derived: {
    numbers: number;
    deliveryProcesses: number;
    ingestProcesses: number;
    configHitRate: number;
    wabaHitRate: number;
    deliveryMs: number;
    messageBytes: number;
  };
}

/** The happy path at `rate` notifications/s: every destination answers 200 in ASSUMED.destinationLatencyMs. */
export function deployedScenario(rate: number, measured: Measured, assumed = ASSUMED, options: { configHitRate?: number } = {}): Scenario {
  const deliveryMs = 2 * assumed.destinationLatencyMs + measured.deliveryOverheadMs;
  const deliveryInvocations = 1 / MAX_BATCH_ENTRIES;
  // Little's law: busy instances = arrival rate × time each holds one. Lambda keeps more warm than
  // that, which spreads the numbers thinner: these hit rates are upper bounds.
  const deliveryProcesses = Math.max(1, (rate * deliveryInvocations * deliveryMs) / 1000);
  const ingestProcesses = Math.max(1, (rate * assumed.ingestMs) / 1000);
  const numbers = Math.max(1, rate / assumed.notificationsPerNumberPerSecond);
  // Derived unless given: the explicit input for a fleet whose traffic is known (a few busy numbers cache far better).
  const configHitRate = options.configHitRate ?? cacheHitRate(rate / (deliveryProcesses * numbers), assumed.configCacheSeconds);
  // Ingest remembers up to 10,000 numbers per instance (waba-store.ts), for the instance's life.
  const wabaHitRate =
    Math.min(1, 10_000 / numbers) * cacheHitRate(rate / (ingestProcesses * numbers), assumed.ingestInstanceLifetimeSeconds);
  const messageBytes = queueMessageBytes(assumed.bodyBytes);
  const copies = 1 + assumed.clones;
  const invocations = 1 + deliveryInvocations;
  const inputs: CostInputs = {
    ingestMs: assumed.ingestMs,
    deliveryInvocations,
    deliveryMs,
    // Full batches: the event source's 1 s window fills them under load.
    sqsRequests: sqsBilledRequests(
      { sends: 1, receives: deliveryInvocations, deletes: deliveryInvocations },
      messageBytes,
      MAX_BATCH_ENTRIES,
    ),
    // A number's partition (configuration, clones, breakers) is one strongly consistent read; a WABA pointer an eventual one.
    readUnits: (1 - configHitRate) * 1 + (1 - wabaHitRate) * 0.5,
    writeUnits: DEDUPLICATION_WRITE_UNITS,
    logBytes: logBytes({
      applicationBytes: measured.happyLogBytes,
      applicationLines: measured.happyLogLines,
      invocations,
      platformBytesPerInvocation: PLATFORM_LOG_BYTES_PER_INVOCATION,
      platformLinesPerInvocation: PLATFORM_LOG_LINES,
      accessLogBytes: ACCESS_LOG_BYTES,
    }),
    transferBytes: copies * (assumed.bodyBytes + assumed.requestOverheadBytes),
    xrayTraces: xrayTraces(rate, invocations),
    offloadedPayloads: assumed.offloadedShare,
  };
  return {
    rate,
    inputs,
    cost: costPerMillion(inputs),
    derived: { numbers, deliveryProcesses, ingestProcesses, configHitRate, wabaHitRate, deliveryMs, messageBytes },
  };
}

/** Seconds in AWS's billing month (730 hours). */
export const MONTH_SECONDS = 730 * 3600;

/** A month at `rate`/s, with API Gateway's and data transfer's volume tiers applied. */
export function monthly(rate: number, cost: Cost): { notifications: number; firstTierUsd: number; tieredUsd: number } {
  const millions = (rate * MONTH_SECONDS) / 1e6;
  const firstTierUsd = cost.total * millions;
  const tiered = (units: number, tiers: readonly (readonly [number, number])[]) => {
    let left = units;
    let from = 0;
    let usd = 0;
    for (const [upTo, price] of tiers) {
      const inTier = Math.min(left, upTo - from);
      usd += inTier * price;
      left -= inTier;
      from = upTo;
    }
    return usd;
  };
  const { apiGateway, dataTransferOut } = cost.lines;
  const apiSaving =
    apiGateway.quantity * apiGateway.unitUsd * millions * 1e6 -
    tiered(apiGateway.quantity * millions, TIERS_USD.apiGatewayHttpPerMillionRequests);
  const transferGb = dataTransferOut.quantity * millions * 1e6;
  const transferSaving = transferGb * dataTransferOut.unitUsd - tiered(transferGb, TIERS_USD.dataTransferOutPerGb);
  return { notifications: millions * 1e6, firstTierUsd, tieredUsd: firstTierUsd - apiSaving - transferSaving };
}
