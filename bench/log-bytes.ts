// `npx tsx bench/log-bytes.ts [--out=<file>]`: what the product logs per notification at the deployed
// level (INFO), captured line by line through the log tap on the local stack: the happy path (ingest
// and delivery, 3 clones) and a number whose primary is dead (its attempts and its breaker; a parked
// copy writes no line at INFO). Prints the measured figures and the cost tables of docs/performance.md built from them.
import './lib/quiet-sdk-notice.js';
import { freePort } from '../infra/local/free-port.js';
import { PRIMARY } from '../shared/domain/destination.js';
import { writeFileSync } from 'node:fs';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local.js';
import { startBenchStack, waitForDeliveries } from './lib/bench-stack.js';
import { BENCH_APP_SECRET } from './lib/delivery-environment.js';
import { postNotifications } from './lib/ingest-load.js';
import { tapLogs, type LogTap } from './lib/log-tap.js';
import { benchPhoneNumber, configureNumbers } from './lib/phone-numbers.js';
import { round } from './lib/stats.js';
import { printCostTables } from './lib/cost-report.js';
import { startSinkProcess } from './sinks/sink-process.js';

const HAPPY_NOTIFICATIONS = 200;
const DEAD_NOTIFICATIONS = 40;
const CLONES = 3;
const FAILED = 'Delivery attempt failed';
const QUEUED = 'Notification queued';
const out = process.argv.find((arg) => arg.startsWith('--out='))?.slice('--out='.length);
delete process.env.POWERTOOLS_LOG_LEVEL;
delete process.env.LOG_LEVEL;

const dynamodb = await startDynamoDbLocal();
const stack = await startBenchStack({ dynamodbEndpoint: dynamodb.endpoint, env: { CONFIG_CACHE_SECONDS: '60' } });
const sink = await startSinkProcess({ ports: 1 + CLONES });
const post = (numbers: string[], count: number, concurrency: number) =>
  postNotifications({ apiUrl: stack.apiUrl, appSecret: BENCH_APP_SECRET, numbers, count, concurrency });
try {
  // Warm: the first reads and WABA look-ups of each number happen here, outside the measured window.
  const numbers = await configureNumbers(stack.services.webhooks, { count: 10, clones: CLONES, origins: sink.origins });
  await post(numbers, 20, 4);
  await waitForDeliveries(sink, 20 * (1 + CLONES));
  await sink.reset();

  const happy = tapLogs({ [QUEUED]: ['*'] });
  await post(numbers, HAPPY_NOTIFICATIONS, 4);
  await waitForDeliveries(sink, HAPPY_NOTIFICATIONS * (1 + CLONES));
  await new Promise((resolve) => setTimeout(resolve, 500));
  happy.stop();

  // A dead primary: a port nothing listens on, so every attempt is refused at once.
  const deadNumber = benchPhoneNumber();
  await stack.services.webhooks.setPrimary(deadNumber, {
    url: `http://127.0.0.1:${await freePort()}/${deadNumber}/primary`,
    headers: {},
  });
  const dead = tapLogs({ [FAILED]: ['*'] });
  await post([deadNumber], DEAD_NOTIFICATIONS, 1);
  const deadline = performance.now() + 30_000;
  // Parked copies write no INFO line: the breaker counts them.
  const parked = async () => (await stack.services.health.read(deadNumber, PRIMARY)).parked;
  while ((await parked()) < DEAD_NOTIFICATIONS - 10 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((resolve) => setTimeout(resolve, 500));
  dead.stop();

  const measured = {
    happy: perNotification(happy, HAPPY_NOTIFICATIONS),
    dead: perNotification(dead, DEAD_NOTIFICATIONS),
    lines: { ...lineSizes(happy, [QUEUED]), ...lineSizes(dead, [FAILED, 'Destination breaker changed']) },
    sample: { [QUEUED]: happy.entries(QUEUED)[0]?.fields, [FAILED]: dead.entries(FAILED)[0]?.fields },
  };
  const figures = printCostTables(measured);
  if (out) writeFileSync(out, `${JSON.stringify({ measured, figures }, null, 2)}\n`);
} finally {
  await stack.stop();
  await sink.stop();
  await dynamodb.stop();
}

function perNotification(tap: LogTap, notifications: number) {
  const bytes = Object.values(tap.bytes()).reduce((sum, b) => sum + b, 0);
  const lines = Object.values(tap.counts()).reduce((sum, c) => sum + c, 0);
  return {
    notifications,
    bytes_per_notification: round(bytes / notifications, 1),
    lines_per_notification: round(lines / notifications, 3),
    by_message: tap.counts(),
    bytes_by_message: tap.bytes(),
  };
}

function lineSizes(tap: LogTap, messages: string[]): Record<string, number> {
  const counts = tap.counts();
  const bytes = tap.bytes();
  return Object.fromEntries(messages.filter((m) => counts[m]).map((m) => [m, round(bytes[m]! / counts[m]!, 1)]));
}
