// local_stack_notifications_per_s: signed POSTs -> ingest -> queue -> pollers -> delivery -> sinks, as `npm start` runs it.
import { LAMBDA_INITIAL_BATCHES } from '../../infra/local/event-source-poller.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { progress, type Benchmark } from '../lib/benchmark.js';
import { missedOrDuplicated, startBenchStack, waitForDeliveries } from '../lib/bench-stack.js';
import { countCalls, total } from '../lib/call-counter.js';
import { BENCH_APP_SECRET } from '../lib/delivery-environment.js';
import { postNotifications } from '../lib/ingest-load.js';
import { cloneName, configureNumbers } from '../lib/phone-numbers.js';
import { round } from '../lib/stats.js';
import { startSinkProcess } from '../sinks/sink-process.js';

const NUMBERS = 5;
const CLONES = 3;
/** Meta's side: POSTs in flight at once. */
const SENDERS = 16;

export const run: Benchmark = async ({ smoke }) => {
  const notifications = smoke ? 20 : 2000;
  // As `npm start` runs: its own DynamoDB Local on disk, fauxqs in-process, 2 batches in flight per
  // queue, and the local default CONFIG_CACHE_SECONDS=0 (every batch reads its numbers' configuration).
  const dbPath = mkdtempSync(join(tmpdir(), 'multi-webhook-bench-'));
  const stack = await startBenchStack({ dbPath });
  const sink = await startSinkProcess({ ports: 1 + CLONES });
  try {
    const numbers = await configureNumbers(stack.services.webhooks, { count: NUMBERS, clones: CLONES, origins: sink.origins });
    const dynamodb = countCalls(stack.services.clients.dynamo);
    await sink.reset();

    const startedAt = performance.now();
    await postNotifications({ apiUrl: stack.apiUrl, appSecret: BENCH_APP_SECRET, numbers, count: notifications, concurrency: SENDERS });
    const ingestedAt = performance.now();
    const deliveredAt = await waitForDeliveries(sink, notifications * (1 + CLONES));
    const { byPath = {} } = await sink.report({ byPath: true });
    const paths = numbers.flatMap((n) => [`/${n}/primary`, ...Array.from({ length: CLONES }, (_, i) => `/${n}/${cloneName(i)}`)]);
    const wrong = missedOrDuplicated(byPath, paths, notifications / NUMBERS);
    const result = {
      local_stack_notifications_per_s: round(notifications / ((deliveredAt - startedAt) / 1000)),
      local_stack: {
        notifications,
        numbers: NUMBERS,
        clones: CLONES,
        senders: SENDERS,
        delivery_batches_in_flight_per_queue: LAMBDA_INITIAL_BATCHES,
        config_cache_seconds: stack.config.CONFIG_CACHE_SECONDS,
        ingest_only_per_s: round(notifications / ((ingestedAt - startedAt) / 1000)),
        seconds: round((deliveredAt - startedAt) / 1000, 2),
        dynamodb_calls_per_notification_uncached: round(total(dynamodb.attempts()) / notifications, 3),
        destinations_not_receiving_exactly_once: wrong,
      },
    };
    progress(`local stack: ${JSON.stringify(result)}`);
    if (Object.keys(wrong).length > 0) throw new Error(`some destinations did not get every notification once: ${JSON.stringify(wrong)}`);
    return result;
  } finally {
    await stack.stop();
    await sink.stop();
    rmSync(dbPath, { recursive: true, force: true });
  }
};
