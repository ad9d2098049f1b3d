// `npm run bench [-- --smoke] [-- --out=<file>]`: runs every benchmark, prints the table, writes bench/results.json
// (keeping the `sim_*` figures `npm run simulate` merged into the file it replaces).
// `npm run bench -- --only=bundles[,aws-calls]`: runs just those and prints their figures; writes nothing,
// since results.json holds one whole run.
import './lib/quiet-sdk-notice.js';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local.js';
import type { BenchContext } from './lib/benchmark.js';
import { costPerMillion, logBytes, XRAY_FIXED_RATE } from './lib/cost.js';
import { DEPLOYED_LINE_GROWTH_BYTES, RATES } from './lib/cost-report.js';
import {
  ACCESS_LOG_BYTES,
  ASSUMED,
  PLATFORM_LOG_BYTES_PER_INVOCATION,
  PLATFORM_LOG_LINES,
  deployedScenario,
  dynamodbUnits,
} from './lib/cost-scenarios.js';
import { printIsolationFigures } from './lib/isolation-report.js';
import { runIsolated } from './lib/isolated.js';
import { simulationKeysOf } from './lib/kept-results.js';
import { machineInfo } from './lib/machine.js';
import { PRICES_SOURCE, PRICES_USD } from './lib/pricing.js';
import { printTable } from './lib/report.js';
import { checkedResults } from './lib/results.js';

/** In this order: the timing-sensitive ones first, before the machine has warmed up anything else. */
const BENCHMARKS = [
  'delivery-throughput',
  'clone-latency',
  'cap-race',
  'bundles',
  'aws-calls',
  'local-stack-throughput',
  'noisy-neighbour',
];

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const out = resolve(
  args.find((arg) => arg.startsWith('--out='))?.slice('--out='.length) ?? fileURLToPath(new URL('./results.json', import.meta.url)),
);
const only = args
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',')
  .filter(Boolean);
const unknown = only?.filter((name) => !BENCHMARKS.includes(name)) ?? [];
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.join(', ')}`);
  process.exit(2);
}
const startedAt = performance.now();
const date = new Date().toISOString();
const machine = machineInfo();

const dynamodb = await startDynamoDbLocal();
const measured: Record<string, unknown> = {};
try {
  const context: BenchContext = { smoke, dynamodbEndpoint: dynamodb.endpoint };
  for (const name of only ?? BENCHMARKS) {
    const began = performance.now();
    console.error(`${name}...`);
    Object.assign(measured, await runIsolated(name, context));
    console.error(`  ${name} took ${Math.round((performance.now() - began) / 1000)} s`);
  }
  if (only) {
    console.log(JSON.stringify(measured, null, 2));
    await dynamodb.stop();
    process.exit(0);
  }
} finally {
  await dynamodb.stop();
}

const calls = measured.aws_calls as {
  records_per_batch: number;
  log_bytes_per_notification: number;
  log_lines_per_notification: number;
  notifications: number;
  destinations_per_notification: number;
  dynamodb_by_command: Record<string, number>;
  deduplication_by_command: Record<string, number>;
};
const latency = measured.clone_latency as { batch_of_10_with_3_clones_ms: number; ideal_ms: number };
const deliveryInvocations = 1 / calls.records_per_batch;
const units = dynamodbUnits([calls.dynamodb_by_command, calls.deduplication_by_command], calls.notifications);
// The one cost model (bench/lib/cost.ts) on what this run measured: the counted calls, the local
// batches, the durations and the bytes the functions logged. What a laptop cannot measure comes from
// the deployed assumptions (cost-scenarios.ts): Lambda's platform lines, the access log line, the
// bytes sent to receivers, X-Ray's 5 %.
const costInputs = {
  ingestMs: measured.ingest_ms as number,
  deliveryInvocations,
  deliveryMs: measured.delivery_batch_ms_instant_sinks as number,
  // The benchmark's bodies are a few hundred bytes: every request is one 64 KB chunk.
  sqsRequests: measured.sqs_calls_per_notification as number,
  readUnits: units.readUnits,
  writeUnits: units.writeUnits,
  logBytes: logBytes({
    applicationBytes: calls.log_bytes_per_notification,
    applicationLines: calls.log_lines_per_notification,
    invocations: 1 + deliveryInvocations,
    platformBytesPerInvocation: PLATFORM_LOG_BYTES_PER_INVOCATION,
    platformLinesPerInvocation: PLATFORM_LOG_LINES,
    accessLogBytes: ACCESS_LOG_BYTES,
  }),
  transferBytes: calls.destinations_per_notification * (ASSUMED.bodyBytes + ASSUMED.requestOverheadBytes),
  xrayTraces: XRAY_FIXED_RATE * (1 + deliveryInvocations),
  offloadedPayloads: ASSUMED.offloadedShare,
};
const cost = costPerMillion(costInputs);
const deployedMeasured = {
  happyLogBytes: calls.log_bytes_per_notification + calls.log_lines_per_notification * DEPLOYED_LINE_GROWTH_BYTES,
  happyLogLines: calls.log_lines_per_notification,
  deliveryOverheadMs: Math.max(0, latency.batch_of_10_with_3_clones_ms - latency.ideal_ms),
};

const results = checkedResults({
  date,
  smoke,
  machine,
  ...measured,
  usd_per_million_notifications: cost.total,
  usd_floor_sqs_lambda_per_million: cost.floorSqsLambda,
  cost: {
    prices_usd: PRICES_USD,
    prices_source: PRICES_SOURCE,
    inputs: costInputs,
    breakdown_per_million: cost.breakdown,
    lines_per_notification: cost.lines,
    // A deployed stack at each rate (docs/performance.md, "What a million notifications cost").
    usd_per_million_by_rate: Object.fromEntries(
      RATES.map((rate) => {
        const scenario = deployedScenario(rate, deployedMeasured);
        return [String(rate), { total: scenario.cost.total, breakdown: scenario.cost.breakdown, derived: scenario.derived }];
      }),
    ),
    // Deployed destinations are far slower than loopback sinks; delivery's billed time follows them (at 1,000/s).
    usd_per_million_by_destination_latency_ms: Object.fromEntries(
      [50, 250, 1000].map((ms) => [
        String(ms),
        deployedScenario(1000, deployedMeasured, { ...ASSUMED, destinationLatencyMs: ms }).cost.total,
      ]),
    ),
  },
  run_seconds: Math.round((performance.now() - startedAt) / 1000),
  // Read now, not at the start: a simulation that finished during this run keeps its figures.
  ...simulationKeysOf(out),
});
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
printTable(results);
printIsolationFigures(results);
console.log(`\nwrote ${out} (${results.run_seconds} s)`);
