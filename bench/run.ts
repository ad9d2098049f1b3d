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
import { costAtDestinationLatency, costPerMillion, logsPerMillion } from './lib/cost.js';
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

const calls = measured.aws_calls as { records_per_batch: number; log_bytes_per_notification: number };
const latency = measured.clone_latency as { batch_of_10_with_3_clones_ms: number; ideal_ms: number };
const costInputs = {
  sqsRequests: measured.sqs_calls_per_notification as number,
  dynamodbReads: measured.dynamodb_calls_per_notification as number,
  ingestMs: measured.ingest_ms as number,
  deliveryInvocations: 1 / calls.records_per_batch,
  deliveryMs: measured.delivery_batch_ms_instant_sinks as number,
};
const cost = costPerMillion(costInputs);
const overhead = {
  ingestMs: costInputs.ingestMs,
  dynamodbReads: costInputs.dynamodbReads,
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
    cloudwatch_logs_per_million_outside_total: logsPerMillion(calls.log_bytes_per_notification),
    // Deployed destinations are far slower than loopback sinks; delivery's billed time follows them.
    usd_per_million_by_destination_latency_ms: Object.fromEntries(
      [50, 250, 1000].map((ms) => [String(ms), costAtDestinationLatency(ms, overhead)]),
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
