// Dollars per million notifications of one class (or all) from a run's tallies, at AWS list prices,
// on top of the benchmark's own cost model (bench/lib/cost.ts and pricing.ts).
import { costPerMillion } from '../lib/cost.js';
import { round } from '../lib/stats.js';
import type { Measured } from './config.js';
import type { Tally } from './metrics.js';

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

/** The benchmark's cost model (bench/lib/cost.ts) on the run's tallies, its lines grouped by service. */
export function billPerMillion(tally: Tally, measured: Measured): Bill | undefined {
  if (tally.notifications === 0) return undefined;
  const per = (value: number) => value / tally.notifications;
  const { breakdown: lines } = costPerMillion({
    ingestMs: measured.ingestMs,
    deliveryInvocations: per(tally.invocations),
    deliveryMs: tally.invocations > 0 ? tally.billedMs / tally.invocations : 0,
    sqsRequests: per(tally.sqsRequests),
    readUnits: per(tally.readUnits) + measured.configReadsPerNotification,
    writeUnits: per(tally.writeUnits),
    logBytes: per(tally.logBytes),
    transferBytes: per(tally.transferBytes),
    // One ingest invocation per notification plus its share of delivery invocations.
    xrayTraces: XRAY_SAMPLED_SHARE * (1 + per(tally.invocations)),
  });
  const breakdown = {
    apiGateway: lines.apiGateway,
    lambda: lines.lambdaRequests + lines.lambdaDuration,
    sqs: lines.sqs,
    dynamodb: lines.dynamodbReads + lines.dynamodbWrites,
    logs: lines.logsIngestion + lines.logsStorage,
    dataTransfer: lines.dataTransferOut,
    xray: lines.xray,
  };
  const r = (usd: number) => round(usd, 4);
  return {
    total: r(Object.values(breakdown).reduce((sum, usd) => sum + usd, 0)),
    breakdown: Object.fromEntries(Object.entries(breakdown).map(([name, usd]) => [name, r(usd)])) as Bill['breakdown'],
  };
}
