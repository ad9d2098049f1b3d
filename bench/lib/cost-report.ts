// The cost tables of docs/performance.md, from what bench/log-bytes.ts measured and the last run's batch overhead.
import { readFileSync } from 'node:fs';
import { COST_LINES, type CostLine, type Line } from './cost.js';
import { lambdaContext } from '../../infra/local/lambda-events.js';
import { failureCost, probesPerWeek } from './cost-failures.js';
import { ASSUMED, deployedScenario, monthly, type FailureMeasured } from './cost-scenarios.js';
import { round } from './stats.js';

export const RATES = [100, 1000, 10_000] as const;

/** What bench/log-bytes.ts captured: bytes by message, one full line of some messages. */
export interface LogCapture {
  happy: { bytes_per_notification: number; lines_per_notification: number };
  lines: Record<string, number>;
  sample: Record<string, Record<string, unknown> | undefined>;
}

/** A deployed function's generated name is up to 64 characters, where the local runtime's is its handler's. */
const DEPLOYED_NAME = 'MultiWebhook-WebhookApiWhatsappIngestFunction5A3B2C1D-Xy9Zk2LmQw3R'.slice(0, 64);
const DEPLOYED_FIELDS = {
  function_name: DEPLOYED_NAME,
  function_arn: `arn:aws:lambda:us-east-1:123456789012:function:${DEPLOYED_NAME}`,
  // Powertools adds the trace id when Lambda's tracing header is set (active tracing).
  xray_trace_id: '1-674c9e40-1a2b3c4d5e6f7a8b9c0d1e2f',
};
/** What Powertools' logger puts on every line of an invocation, whatever its message. */
const POWERTOOLS_FIELDS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
]);
const bytesOf = (entry: Record<string, unknown>) => Buffer.byteLength(JSON.stringify(entry)) + 1;
/**
 * How many bytes each Powertools line grows by in Lambda: the local runtime's function name and ARN
 * are short (`arn:aws:lambda:local:000000000000:function:whatsapp-ingest`), a deployed function's
 * generated name is up to 64 characters, and active tracing adds the trace id.
 */
export const DEPLOYED_LINE_GROWTH_BYTES = (() => {
  const local = lambdaContext('whatsapp-ingest');
  const entry = { function_arn: local.invokedFunctionArn, function_name: local.functionName };
  return bytesOf({ ...entry, ...DEPLOYED_FIELDS }) - bytesOf(entry);
})();

export function measuredFrom(capture: LogCapture, deliveryOverheadMs: number): FailureMeasured {
  const failed = capture.sample['Delivery attempt failed']!;
  const growth = DEPLOYED_LINE_GROWTH_BYTES;
  // The give-up line is written after 7 days: the delivery function's own fields of a line it wrote
  // beside the dead primary's copies, with the give-up's fields instead of the attempt's.
  const common = Object.fromEntries(Object.entries(failed).filter(([name]) => POWERTOOLS_FIELDS.has(name)));
  const givenUp = {
    ...common,
    level: 'ERROR',
    message: 'Delivery given up: dead-lettered',
    source: 'notifications',
    destination: 'primary',
    reason: 'primary parked past its retry window after 0 attempts',
    notificationIds: [],
  };
  return {
    happyLogBytes: capture.happy.bytes_per_notification + capture.happy.lines_per_notification * growth,
    happyLogLines: capture.happy.lines_per_notification,
    ingestLineBytes: capture.lines['Notification queued']! + growth,
    givenUpLineBytes: bytesOf({ ...givenUp, ...DEPLOYED_FIELDS }),
    deliveryOverheadMs,
  };
}

/** The last full run's batch overhead (clone-latency), as bench/run.ts derives it. */
export function lastDeliveryOverheadMs(): number {
  const results = JSON.parse(readFileSync(new URL('../results.json', import.meta.url), 'utf8')) as {
    clone_latency: { batch_of_10_with_3_clones_ms: number; ideal_ms: number };
  };
  return Math.max(0, results.clone_latency.batch_of_10_with_3_clones_ms - results.clone_latency.ideal_ms);
}

const LABELS: Record<CostLine, string> = {
  apiGateway: 'API Gateway HTTP API',
  lambdaRequests: 'Lambda requests',
  lambdaDuration: 'Lambda duration (Arm)',
  sqs: 'SQS requests',
  dynamodbReads: 'DynamoDB reads',
  dynamodbWrites: 'DynamoDB writes',
  logsIngestion: 'CloudWatch Logs ingestion',
  logsStorage: 'CloudWatch Logs storage (1 month)',
  dataTransferOut: 'Data transfer out',
  xray: 'X-Ray traces (recorded + retrieved)',
  s3: 'S3 (payloads over 1 MiB)',
};

const fmt = (value: number, digits = 4) => String(round(value, digits));
const price = (line: Line) =>
  line.unit === 'GB-s' || line.unitUsd >= 0.001
    ? `$${line.unitUsd} per ${line.unit}`
    : `$${round(line.unitUsd * 1e6, 4)} per million ${line.unit}s`;
/** GB quantities per notification read better in bytes. */
const quantity = (line: Line) =>
  line.unit === 'GB' || line.unit === 'GB-month'
    ? `${Math.round(line.quantity * 2 ** 30).toLocaleString('en-US')} bytes`
    : `${fmt(line.quantity, 6)} ${line.unit}`;

export function printCostTables(capture: LogCapture, deliveryOverheadMs = lastDeliveryOverheadMs()) {
  const measured = measuredFrom(capture, deliveryOverheadMs);
  const scenarios = RATES.map((rate) => deployedScenario(rate, measured));
  const rows = COST_LINES.map((name) => {
    const lines = scenarios.map((s) => s.cost.lines[name]);
    const quantities = [...new Set(lines.map(quantity))].join(' / ');
    return `| ${LABELS[name]} | ${price(lines[0]!)} | ${quantities} | ${lines.map((l) => fmt(l.usdPerMillion)).join(' | ')} |`;
  });
  const out: string[] = [];
  out.push('| line | price | per notification (100 / 1,000 / 10,000 where they differ) | 100/s | 1,000/s | 10,000/s |');
  out.push('| --- | --- | --- | ---: | ---: | ---: |');
  out.push(...rows);
  out.push(`| **total, $ per million** | | | ${scenarios.map((s) => `**${fmt(s.cost.total, 2)}**`).join(' | ')} |`);
  for (const bodyBytes of [1024, 2048]) {
    const lighter = RATES.map((rate) => deployedScenario(rate, measured, { ...ASSUMED, bodyBytes }).cost.total);
    out.push(`| total with ${bodyBytes}-byte bodies | | | ${lighter.map((usd) => fmt(usd, 2)).join(' | ')} |`);
  }
  out.push('');
  out.push('| rate | notifications a month | first-tier prices | with volume tiers |');
  out.push('| --- | ---: | ---: | ---: |');
  const months = scenarios.map((s) => monthly(s.rate, s.cost));
  for (const [index, m] of months.entries()) {
    out.push(
      `| ${RATES[index]}/s | ${fmt(m.notifications / 1e6, 1)} M | $${Math.round(m.firstTierUsd).toLocaleString('en-US')} | $${Math.round(m.tieredUsd).toLocaleString('en-US')} |`,
    );
  }
  out.push('');
  out.push('| derived | 100/s | 1,000/s | 10,000/s |');
  out.push('| --- | ---: | ---: | ---: |');
  const derived = (label: string, pick: (s: (typeof scenarios)[number]) => number, digits = 3) =>
    out.push(`| ${label} | ${scenarios.map((s) => fmt(pick(s), digits)).join(' | ')} |`);
  derived('numbers', (s) => s.derived.numbers, 0);
  derived('busy delivery processes (rate x D / 10)', (s) => s.derived.deliveryProcesses, 1);
  derived('busy ingest processes', (s) => s.derived.ingestProcesses, 1);
  derived('configuration cache hit rate', (s) => s.derived.configHitRate);
  derived('WABA look-up hit rate', (s) => s.derived.wabaHitRate);
  derived('X-Ray traces per notification', (s) => s.inputs.xrayTraces, 4);
  derived('log bytes per notification', (s) => s.inputs.logBytes, 0);
  out.push('');
  out.push(
    '| receiver (per million of its notifications) | 100/s | 1,000/s | 10,000/s | beyond ingest (10,000/s) | once per outage | each week open |',
  );
  out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  const failures = (['dead', 'hung'] as const).map((kind) => ({ kind, costs: RATES.map((rate) => failureCost(kind, rate, measured)) }));
  for (const { kind, costs } of failures) {
    const last = costs[costs.length - 1]!;
    out.push(
      `| ${kind} | ${costs.map((c) => fmt(c.steady.total, 2)).join(' | ')} | ${fmt(last.beyondIngestPerMillion, 2)} | $${fmt(last.episodeUsd, 5)} | $${fmt(last.openWeekUsd, 5)} |`,
    );
  }
  out.push('');
  out.push(`dead steady lines at 10,000/s: ${JSON.stringify(failures[0]!.costs[2]!.steady.breakdown)}`);
  out.push(`probes and hops a week: ${JSON.stringify(probesPerWeek())}; assumptions: ${JSON.stringify(ASSUMED)}`);
  out.push(
    `measured: ${JSON.stringify(measured)}; queue message bytes: ${scenarios[0]!.derived.messageBytes}; delivery ms: ${scenarios[0]!.derived.deliveryMs}`,
  );
  process.stderr.write(`${out.join('\n')}\n`);
  return {
    measured,
    per_million: Object.fromEntries(
      scenarios.map((s) => [String(s.rate), { total: s.cost.total, breakdown: s.cost.breakdown, derived: s.derived }]),
    ),
    monthly_usd: Object.fromEntries(
      months.map((m, index) => [String(RATES[index]), { first_tier: Math.round(m.firstTierUsd), tiered: Math.round(m.tieredUsd) }]),
    ),
    failure: Object.fromEntries(
      failures.map(({ kind, costs }) => [
        kind,
        costs.map((c) => ({
          total: c.steady.total,
          beyond_ingest: c.beyondIngestPerMillion,
          episode_usd: c.episodeUsd,
          open_week_usd: c.openWeekUsd,
        })),
      ]),
    ),
  };
}
