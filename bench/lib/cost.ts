// The one cost model: dollars per million notifications, line by line, each line its quantity times
// its list price. The benchmark feeds it measured quantities (bench/run.ts), the capacity tables and
// the failure path feed it derived ones (cost-scenarios.ts), and the simulation its tallies.
import { functionSizes } from '../../infra/constructs/function-sizing.js';
import { MAX_BATCH_ENTRIES } from '../../shared/queue/queue-definitions.js';
import { round } from './stats.js';
import { PRICES_USD as P } from './pricing.js';

/** What one notification uses, on average, in the units AWS bills. */
export interface CostInputs {
  /** API Gateway requests (Meta's POST); 1 unless a body is split or refused. */
  apiRequests?: number;
  /** Ingest invocations per notification; 1 unless a bill of other work (a breaker's probes) is priced. */
  ingestInvocations?: number;
  /** Billed duration of one ingest invocation (ms, rounded up per invocation). */
  ingestMs: number;
  /** Delivery invocations per notification (1 / records per batch, plus timers and slow-lane runs). */
  deliveryInvocations: number;
  /** Mean billed duration of one delivery invocation (ms). */
  deliveryMs: number;
  /** Billed SQS requests, each 64 KB of payload counted as one (see sqsBilledRequests). */
  sqsRequests: number;
  /** DynamoDB read request units (configuration queries, WABA look-ups, parked items read). */
  readUnits: number;
  /** DynamoDB write request units (de-duplication, WABA learning, failed attempts, parking). */
  writeUnits: number;
  /** Bytes ingested by CloudWatch Logs, with 26 bytes of each event's envelope (see logBytes). */
  logBytes: number;
  /** Bytes sent to receivers over the internet (see transferBytes). */
  transferBytes: number;
  /** X-Ray traces recorded (see xrayTraces). */
  xrayTraces: number;
  /** Payloads too large for a queue message, offloaded to S3: a PUT and a GET each. */
  offloadedPayloads?: number;
}

export const COST_LINES = [
  'apiGateway',
  'lambdaRequests',
  'lambdaDuration',
  'sqs',
  'dynamodbReads',
  'dynamodbWrites',
  'logsIngestion',
  'logsStorage',
  'dataTransferOut',
  'xray',
  's3',
] as const;
export type CostLine = (typeof COST_LINES)[number];

/** One line of the bill: per notification, `quantity` of `unit` at `unitUsd` each. */
export interface Line {
  quantity: number;
  unit: string;
  unitUsd: number;
  usdPerMillion: number;
}

export interface Cost {
  total: number;
  /** What any SQS-plus-Lambda pipeline pays: the queue's requests and the two functions. */
  floorSqsLambda: number;
  /** $ per million notifications by line. */
  breakdown: Record<CostLine, number>;
  lines: Record<CostLine, Line>;
}

const MILLION = 1e6;
const GB = 2 ** 30;
const gb = (memoryMb: number) => memoryMb / 1024;
/** Lambda bills duration in whole milliseconds, rounded up. */
const billedSeconds = (ms: number) => Math.ceil(ms) / 1000;
/** Log groups keep a month (logRetentionDays, infra/stacks/stack-config.ts): each GB is stored one month. */
export const LOG_RETENTION_MONTHS = 1;
/** Traces retrieved for each one recorded: someone opens each trace view once (an upper bound for an unwatched stack). */
export const XRAY_RETRIEVED_PER_RECORDED = 1;

export function costPerMillion(inputs: CostInputs): Cost {
  const line = (quantity: number, unit: string, unitUsd: number): Line => ({
    quantity,
    unit,
    unitUsd,
    usdPerMillion: round(quantity * unitUsd * MILLION, 4),
  });
  const perMillion = (price: number) => price / MILLION;
  const ingestInvocations = inputs.ingestInvocations ?? 1;
  const invocations = ingestInvocations + inputs.deliveryInvocations;
  const gbSeconds =
    ingestInvocations * gb(functionSizes.ingest.memorySize) * billedSeconds(inputs.ingestMs) +
    inputs.deliveryInvocations * gb(functionSizes.delivery.memorySize) * billedSeconds(inputs.deliveryMs);
  const logGb = inputs.logBytes / GB;
  const lines: Record<CostLine, Line> = {
    apiGateway: line(inputs.apiRequests ?? 1, 'request', perMillion(P.apiGatewayHttpPerMillionRequests)),
    lambdaRequests: line(invocations, 'invocation', perMillion(P.lambdaPerMillionRequests)),
    lambdaDuration: line(gbSeconds, 'GB-s', P.lambdaArmPerGbSecond),
    sqs: line(inputs.sqsRequests, 'request', perMillion(P.sqsPerMillionRequests)),
    dynamodbReads: line(inputs.readUnits, 'RRU', perMillion(P.dynamodbPerMillionReadUnits)),
    dynamodbWrites: line(inputs.writeUnits, 'WRU', perMillion(P.dynamodbPerMillionWriteUnits)),
    logsIngestion: line(logGb, 'GB', P.cloudwatchLogsPerGb),
    logsStorage: line(logGb * LOG_RETENTION_MONTHS, 'GB-month', P.cloudwatchLogsStoragePerGbMonth),
    dataTransferOut: line(inputs.transferBytes / GB, 'GB', P.dataTransferOutPerGb),
    xray: line(
      inputs.xrayTraces,
      'trace',
      perMillion(P.xrayPerMillionTracesRecorded + XRAY_RETRIEVED_PER_RECORDED * P.xrayPerMillionTracesRetrieved),
    ),
    // Ingest's PUT and delivery's GET; the object expires with the queue's retention, so storage is a few KB-days.
    s3: line(inputs.offloadedPayloads ?? 0, 'payload', perMillion(P.s3PerMillionPuts + P.s3PerMillionGets)),
  };
  const breakdown = Object.fromEntries(COST_LINES.map((name) => [name, lines[name].usdPerMillion])) as Record<CostLine, number>;
  const sum = (names: readonly CostLine[]) =>
    round(
      names.reduce((total, name) => total + lines[name].quantity * lines[name].unitUsd * MILLION, 0),
      4,
    );
  return {
    total: sum(COST_LINES),
    floorSqsLambda: sum(['sqs', 'lambdaRequests', 'lambdaDuration']),
    breakdown,
    lines,
  };
}

/** SQS bills each 64 KB of a request's payload as one request. */
export const SQS_BILLING_CHUNK_BYTES = 64 * 1024;

/**
 * Billed SQS requests per notification from counted requests: a send carries one message, a receive
 * `recordsPerReceive` of them; deletes carry receipt handles only (one chunk).
 */
export function sqsBilledRequests(
  counted: { sends: number; receives: number; deletes: number },
  messageBytes: number,
  recordsPerReceive: number,
) {
  const chunks = (bytes: number) => Math.max(1, Math.ceil(bytes / SQS_BILLING_CHUNK_BYTES));
  return counted.sends * chunks(messageBytes) + counted.receives * chunks(messageBytes * recordsPerReceive) + counted.deletes;
}

/** `count` messages sent together in SendMessageBatch calls of up to 10, each billed per 64 KB of its messages. */
export function batchSendRequests(count: number, messageBytes: number): number {
  let requests = 0;
  for (let left = count; left > 0; left -= MAX_BATCH_ENTRIES)
    requests += sqsBilledRequests({ sends: 1, receives: 0, deletes: 0 }, Math.min(left, MAX_BATCH_ENTRIES) * messageBytes, 1);
  return requests;
}

/**
 * PutLogEvents counts every event as its bytes plus 26 (its envelope). Whether billing counts them is
 * not documented: counted here, on the safe side (about 5 % of the Logs line).
 */
export const LOG_EVENT_OVERHEAD_BYTES = 26;

/** Log bytes billed per notification: the functions' own lines, Lambda's platform lines and API Gateway's access log line. */
export function logBytes(parts: {
  /** The functions' structured log lines per notification, as measured. */
  applicationBytes: number;
  applicationLines: number;
  /** Lambda invocations per notification (each writes its platform lines). */
  invocations: number;
  platformBytesPerInvocation: number;
  platformLinesPerInvocation: number;
  /** API Gateway's access log line, one per request. */
  accessLogBytes: number;
}): number {
  const events = parts.applicationLines + parts.invocations * parts.platformLinesPerInvocation + 1;
  return (
    parts.applicationBytes + parts.invocations * parts.platformBytesPerInvocation + parts.accessLogBytes + events * LOG_EVENT_OVERHEAD_BYTES
  );
}

/** X-Ray's default sampling rule: the first request each second, then 5 % of the rest. */
export const XRAY_RESERVOIR_PER_SECOND = 1;
export const XRAY_FIXED_RATE = 0.05;

/** Traces recorded per notification at `rate` notifications/s, each traced invocation its own trace. */
export function xrayTraces(rate: number, invocationsPerNotification: number): number {
  const invocationsPerSecond = rate * invocationsPerNotification;
  const reservoir = Math.min(invocationsPerSecond, XRAY_RESERVOIR_PER_SECOND);
  return (reservoir + XRAY_FIXED_RATE * (invocationsPerSecond - reservoir)) / rate;
}
