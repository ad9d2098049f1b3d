// `npm run soak`: the load test at soak size, opt-in (not part of npm test). Starts its own local stack
// (DynamoDB Local in memory, the SQS emulator in this process), offers SOAK_NOTIFICATIONS (10,000) signed
// notifications through ingest at SOAK_RATE per second (100; 0 = as fast as ingest takes them) across
// SOAK_NUMBERS (10) numbers with 3 clones each, counts what every destination received, then does the
// same with one clone failing half of its attempts, and prints the figures (docs/reliability.md keeps the
// last ones). Exits 1 when anything was lost, duplicated or out of turn.
import os from 'node:os';

// Before the product's modules load: one line per failed attempt would drown the figures.
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { startLocalStack } = await import('../../infra/local/local-stack.js');
const { runLoad } = await import('../reliability/fault-support/load-run.js');
type LoadFigures = Awaited<ReturnType<typeof runLoad>>;

const notifications = positiveInteger('SOAK_NOTIFICATIONS', 10_000);
const numbers = positiveInteger('SOAK_NUMBERS', 10);
/** Notifications offered per second; 0 offers them as fast as ingest takes them. */
const rate = nonNegativeInteger('SOAK_RATE', 100);
const clones = ['a', 'b', 'c'] as const;

console.log(
  `soak: ${notifications} notifications, ${numbers} numbers x (primary + ${clones.length} clones), offered ${rate ? `at ${rate}/s` : 'as fast as ingest takes them'}`,
);
console.log(
  `machine: ${os.cpus().length} x ${os.cpus()[0]?.model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()}`,
);
const stack = await startLocalStack({ port: 0, queuePrefix: 'soak-', env: { RETRY_BASE_SECONDS: '1', LOCAL_API_KEYS: '' } });
let failed = false;
try {
  for (const phase of [
    { name: 'no faults', flakyClone: undefined },
    { name: "clone 'c' failing the first attempt of every other notification", flakyClone: 'c' },
  ]) {
    console.log(`\n== ${phase.name}`);
    const startedAt = Date.now();
    const figures = await runLoad(stack, {
      notifications,
      numbers,
      clones,
      flakyClone: phase.flakyClone,
      ratePerSecond: rate || undefined,
      settleTimeoutMs: 600_000,
      onProgress: progressPrinter(),
    });
    if (process.stdout.isTTY) process.stdout.write('\n');
    print(figures, Date.now() - startedAt);
    const copies = notifications * (1 + clones.length);
    const expectedFailures = phase.flakyClone ? notifications / 2 : 0;
    const problems = [
      figures.accepted !== notifications && `${notifications - figures.accepted} notifications refused at ingest`,
      figures.lost > 0 && `${figures.lost} of ${copies} copies lost`,
      figures.duplicated > 0 && `${figures.duplicated} duplicated copies`,
      figures.clonesBeforePrimary200 > 0 && `${figures.clonesBeforePrimary200} clones before the primary's 200`,
      figures.webhookIdMismatches > 0 && `${figures.webhookIdMismatches} notifications with differing webhook-ids`,
      figures.deadLettered > 0 && `${figures.deadLettered} dead-lettered`,
      figures.failedAttempts !== expectedFailures && `${figures.failedAttempts} failed attempts, ${expectedFailures} expected`,
    ].filter(Boolean);
    for (const problem of problems) console.log(`  PROBLEM: ${problem}`);
    failed ||= problems.length > 0;
  }
} finally {
  await stack.stop();
}
process.exit(failed ? 1 : 0);

function print(figures: LoadFigures, wallMs: number): void {
  const rows: Array<[string, string | number]> = [
    ['sent (ingest answered 200)', `${figures.accepted} of ${figures.notifications}`],
    [
      'delivered per destination',
      Object.entries(figures.deliveredPerDestination)
        .map(([name, n]) => `${name} ${n}`)
        .join(', '),
    ],
    ['copies expected', figures.notifications * figures.destinationsPerNumber],
    ['lost', figures.lost],
    ['duplicated', figures.duplicated],
    ['failed attempts (answered non-200)', figures.failedAttempts],
    ['retries', figures.retries],
    ['most attempts for one copy', figures.maxAttemptsPerCopy],
    ['failed attempts recorded in DynamoDB', figures.recordedFailures],
    ["clones before the primary's 200", figures.clonesBeforePrimary200],
    ['notifications with differing webhook-ids', figures.webhookIdMismatches],
    ['dead-lettered', figures.deadLettered],
    [
      'ingest',
      `${(figures.ingestMs / 1000).toFixed(1)} s (${Math.round((figures.notifications / figures.ingestMs) * 1000)} notifications/s)`,
    ],
    ['duration (first post to last copy)', `${(figures.durationMs / 1000).toFixed(1)} s (run with setup: ${(wallMs / 1000).toFixed(1)} s)`],
    ['throughput', `${figures.throughput} notifications/s fanned out to all ${figures.destinationsPerNumber} destinations`],
    [
      'completed per second while posting (min / median / max)',
      `${figures.perSecondWhilePosting.min} / ${figures.perSecondWhilePosting.median} / ${figures.perSecondWhilePosting.max}`,
    ],
    [
      'latency post -> all destinations (p50 / p95 / max)',
      `${figures.latencyMs.p50} / ${figures.latencyMs.p95} / ${figures.latencyMs.max} ms`,
    ],
  ];
  for (const [label, value] of rows) console.log(`  ${label.padEnd(58)} ${value}`);
}

/** On a terminal one line rewritten every second; in a log a line every 10 seconds. */
function progressPrinter(): (line: string) => void {
  let calls = 0;
  return (line) => {
    if (process.stdout.isTTY) process.stdout.write(`  ${line.padEnd(70)}\r`);
    else if (++calls % 10 === 0) console.log(`  ${line}`);
  };
}

function positiveInteger(name: string, fallback: number): number {
  return integerSetting(name, fallback, 1);
}

function nonNegativeInteger(name: string, fallback: number): number {
  return integerSetting(name, fallback, 0);
}

function integerSetting(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) {
    console.error(`${name} must be an integer of at least ${min} (got "${raw}").`);
    process.exit(2);
  }
  return value;
}
