// Dollars per million notifications from the counted calls, the measured durations and the configured memory.
import { functionSizes } from '../../infra/constructs/function-sizing.js';
import { round } from './stats.js';
import { PRICES_USD as P } from './pricing.js';

export interface CostInputs {
  /** Billed SQS requests per notification (ingest's send, the event source's receives and deletes). */
  sqsRequests: number;
  /** Strongly consistent Query reads of one small partition (one RRU each) per notification. */
  dynamodbReads: number;
  /** Median duration of one ingest invocation. */
  ingestMs: number;
  /** Delivery invocations per notification (1 / records per batch). */
  deliveryInvocations: number;
  /** Median duration of one delivery invocation. */
  deliveryMs: number;
}

export interface Cost {
  total: number;
  /** What any SQS-plus-Lambda pipeline pays: the queue's requests and the two functions. */
  floorSqsLambda: number;
  breakdown: { apiGateway: number; lambdaRequests: number; lambdaDuration: number; sqs: number; dynamodb: number };
}

const MILLION = 1e6;
const gb = (memoryMb: number) => memoryMb / 1024;
/** Lambda bills duration in whole milliseconds, rounded up. */
const billedSeconds = (ms: number) => Math.ceil(ms) / 1000;

export function costPerMillion(inputs: CostInputs): Cost {
  const apiGateway = P.apiGatewayHttpPerMillionRequests; // one POST from Meta per notification
  const lambdaRequests = (1 + inputs.deliveryInvocations) * P.lambdaPerMillionRequests;
  const gbSeconds =
    gb(functionSizes.ingest.memorySize) * billedSeconds(inputs.ingestMs) +
    inputs.deliveryInvocations * gb(functionSizes.delivery.memorySize) * billedSeconds(inputs.deliveryMs);
  const lambdaDuration = MILLION * gbSeconds * P.lambdaArmPerGbSecond;
  const sqs = inputs.sqsRequests * P.sqsPerMillionRequests;
  const dynamodb = inputs.dynamodbReads * P.dynamodbPerMillionReadUnits;
  const r = (usd: number) => round(usd, 4);
  return {
    total: r(apiGateway + lambdaRequests + lambdaDuration + sqs + dynamodb),
    floorSqsLambda: r(sqs + lambdaRequests + lambdaDuration),
    breakdown: {
      apiGateway: r(apiGateway),
      lambdaRequests: r(lambdaRequests),
      lambdaDuration: r(lambdaDuration),
      sqs: r(sqs),
      dynamodb: r(dynamodb),
    },
  };
}

/**
 * The same model for a deployed stack whose destinations answer in `latencyMs`: full batches of 10
 * (the event source's 1 s batching window fills them under load), one receive and one delete per
 * batch, and a delivery invocation lasting the primary's answer plus the clones' plus the measured
 * local overhead of a batch.
 */
export function costAtDestinationLatency(
  latencyMs: number,
  measured: { ingestMs: number; deliveryOverheadMs: number; dynamodbReads: number },
): number {
  return costPerMillion({
    sqsRequests: 1 + 0.1 + 0.1,
    dynamodbReads: measured.dynamodbReads,
    ingestMs: measured.ingestMs,
    deliveryInvocations: 0.1,
    deliveryMs: 2 * latencyMs + measured.deliveryOverheadMs,
  }).total;
}

/** CloudWatch Logs ingestion for a million notifications that each log `bytes` (outside the total above). */
export function logsPerMillion(bytes: number): number {
  return round((MILLION * bytes * P.cloudwatchLogsPerGb) / 2 ** 30, 4);
}
