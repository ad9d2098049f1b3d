// Dollars per million notifications of one class (or all) from a run's tallies, at AWS list prices,
// on top of the benchmark's own cost model (bench/lib/cost.ts and pricing.ts).
import { costPerMillion, logsPerMillion } from '../lib/cost.js';
import { round } from '../lib/stats.js';
import type { Measured } from './config.js';
import type { Tally } from './metrics.js';

/** List prices (us-east-1, 2025-2026) that bench/lib/pricing.ts does not carry yet. */
export const EXTRA_PRICES_USD = {
  /** DynamoDB on-demand, per million write request units (1 KB each). */
  dynamodbPerMillionWriteUnits: 0.625,
  /** Data transfer out to the internet, first 10 TB a month. */
  dataTransferOutPerGb: 0.09,
  /** X-Ray traces recorded. */
  xrayPerMillionTraces: 5,
} as const;

/** Active tracing (service-function.ts) records 1 request a second plus 5 % of the rest: 5 % here. */
const XRAY_SAMPLED_SHARE = 0.05;

export interface Bill {
  total: number;
  breakdown: {
    apiGateway: number;
    lambda: number;
    sqs: number;
    dynamodb: number;
    logs: number;
    dataTransfer: number;
    xray: number;
  };
}

export function billPerMillion(tally: Tally, measured: Measured): Bill | undefined {
  if (tally.notifications === 0) return undefined;
  const per = (value: number) => value / tally.notifications;
  const base = costPerMillion({
    sqsRequests: per(tally.sqsRequests),
    dynamodbReads: per(tally.readUnits) + measured.configReadsPerNotification,
    ingestMs: measured.ingestMs,
    deliveryInvocations: per(tally.invocations),
    deliveryMs: tally.invocations > 0 ? tally.billedMs / tally.invocations : 0,
  });
  const writes = per(tally.writeUnits) * EXTRA_PRICES_USD.dynamodbPerMillionWriteUnits;
  const logs = logsPerMillion(per(tally.logBytes));
  const dataTransfer = (per(tally.transferBytes) * 1e6 * EXTRA_PRICES_USD.dataTransferOutPerGb) / 2 ** 30;
  // One ingest invocation per notification plus its share of delivery invocations.
  const xray = XRAY_SAMPLED_SHARE * (1 + per(tally.invocations)) * EXTRA_PRICES_USD.xrayPerMillionTraces;
  const breakdown = {
    apiGateway: base.breakdown.apiGateway,
    lambda: base.breakdown.lambdaRequests + base.breakdown.lambdaDuration,
    sqs: base.breakdown.sqs,
    dynamodb: base.breakdown.dynamodb + writes,
    logs,
    dataTransfer,
    xray,
  };
  const r = (usd: number) => round(usd, 4);
  return {
    total: r(Object.values(breakdown).reduce((sum, usd) => sum + usd, 0)),
    breakdown: Object.fromEntries(Object.entries(breakdown).map(([name, usd]) => [name, r(usd)])) as Bill['breakdown'],
  };
}
