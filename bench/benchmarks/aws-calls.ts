// dynamodb/sqs_calls_per_notification: the happy path through the local stack, counted by SDK middleware and at the emulator.
import type { Context } from 'aws-lambda';
import { lambdaContext } from '../../infra/local/lambda-events.js';
import { progress, type Benchmark } from '../lib/benchmark.js';
import { startBenchStack, waitForDeliveries } from '../lib/bench-stack.js';
import { countCalls, countStdoutBytes, total } from '../lib/call-counter.js';
import { startCountingSqsEmulator, type SqsRequestCount } from '../lib/counting-sqs-emulator.js';
import { BENCH_APP_SECRET } from '../lib/delivery-environment.js';
import { ingestEvent } from '../lib/ingest-event.js';
import { tapLogs } from '../lib/log-tap.js';
import { postNotifications } from '../lib/ingest-load.js';
import { benchPhoneNumber, configureNumbers } from '../lib/phone-numbers.js';
import { median, round } from '../lib/stats.js';
import { startSinkProcess } from '../sinks/sink-process.js';
import { deduplicationTableName } from '../../shared/config.js';

/** The deployed default (infra/stacks/stack-config.ts configCacheSeconds); `npm start` defaults to 0. */
const CONFIG_CACHE_SECONDS = 60;
const NUMBERS = 10;
const CLONES = 3;

/** Loosely typed, as the local API server invokes it: API Gateway gives ingest's route no authorizer context, which HttpEvent's type assumes. */
type IngestFunction = (event: unknown, context: Context) => Promise<{ statusCode?: number }>;

export const run: Benchmark = async ({ smoke, dynamodbEndpoint }) => {
  const notifications = smoke ? 20 : 1000;
  const sequential = smoke ? 5 : 100;
  const ingestSamples = smoke ? 5 : 200;
  const emulator = await startCountingSqsEmulator();
  const stack = await startBenchStack({
    dynamodbEndpoint,
    sqsEndpoint: emulator.endpoint,
    env: { CONFIG_CACHE_SECONDS: String(CONFIG_CACHE_SECONDS) },
  });
  const sink = await startSinkProcess({ ports: 1 + CLONES });
  const numbers = await configureNumbers(stack.services.webhooks, { count: NUMBERS, clones: CLONES, origins: sink.origins });
  // The product's own clients: every DynamoDB call (store, attempts) and every SQS call of ingest and delivery.
  // Delivery's and the stores' calls apart from ingest's de-duplication records (two writes per
  // notification by design, in a table of their own), so each figure says what it means.
  const deduplicationTable = deduplicationTableName(stack.config);
  const dynamodb = countCalls(stack.services.clients.dynamo, (input) => input.TableName !== deduplicationTable);
  const deduplication = countCalls(stack.services.clients.dynamo, (input) => input.TableName === deduplicationTable);
  const sqs = countCalls(stack.services.clients.sqs);
  await sink.reset();
  emulator.reset();

  const logBytes = countStdoutBytes();
  const logLines = tapLogs({});
  const startedAt = performance.now();
  // One at a time first: their round trips (local API server included) are reported as such.
  const ingestLatencies = await postNotifications({
    apiUrl: stack.apiUrl,
    appSecret: BENCH_APP_SECRET,
    numbers,
    count: sequential,
    concurrency: 1,
  });
  await postNotifications({
    apiUrl: stack.apiUrl,
    appSecret: BENCH_APP_SECRET,
    numbers,
    count: notifications - sequential,
    concurrency: 8,
  });
  await waitForDeliveries(sink, notifications * (1 + CLONES));
  // The poller deletes a batch after the handler returned: wait until every record has been deleted.
  const notificationsQueue = stack.queues.NOTIFICATIONS_QUEUE_URL.slice(stack.queues.NOTIFICATIONS_QUEUE_URL.lastIndexOf('/') + 1);
  const deleted = () => emulator.counts()[`DeleteMessageBatch ${notificationsQueue}`]?.messages ?? 0;
  while (deleted() < notifications) await new Promise((resolve) => setTimeout(resolve, 10));
  const seconds = (performance.now() - startedAt) / 1000;
  const loggedBytes = logBytes.stop();
  logLines.stop();
  const loggedLines = total(logLines.counts());

  const atEmulator = emulator.counts();
  const dynamoCalls = dynamodb.attempts();
  const deduplicationCalls = deduplication.attempts();
  const productSqsCalls = sqs.attempts();

  // Ingest's duration for the cost model: the function alone, one invocation at a time, after the
  // counted window (for a number without webhooks, so delivery only drops them).
  const ingest = (await import('../../functions/whatsapp-ingest.js')).create(stack.services) as IngestFunction;
  const unconfigured = benchPhoneNumber();
  const ingestDurations: number[] = [];
  for (let sample = 0; sample < ingestSamples; sample++) {
    const event = ingestEvent(unconfigured, BENCH_APP_SECRET);
    const invokedAt = performance.now();
    const answer = await ingest(event, lambdaContext('whatsapp-ingest', 10_000));
    ingestDurations.push(performance.now() - invokedAt);
    if (answer.statusCode !== 200) throw new Error(`ingest answered ${answer.statusCode}`);
  }
  await stack.stop();
  await sink.stop();
  await emulator.stop();

  const onQueue = (action: string, queue = notificationsQueue): SqsRequestCount =>
    atEmulator[`${action} ${queue}`] ?? { requests: 0, messages: 0, empty: 0 };
  const sends = onQueue('SendMessageBatch').requests + onQueue('SendMessage').requests;
  const receives = onQueue('ReceiveMessage');
  const deletes = onQueue('DeleteMessageBatch').requests;
  const otherQueues = Object.entries(atEmulator)
    .filter(([key]) => !key.endsWith(` ${notificationsQueue}`))
    .reduce((sum, [, count]) => sum + count.requests, 0);
  const perNotification = (count: number) => round(count / notifications, 4);
  const result = {
    dynamodb_calls_per_notification: perNotification(total(dynamoCalls)),
    ingest_deduplication_calls_per_notification: perNotification(total(deduplicationCalls)),
    sqs_calls_per_notification: perNotification(sends + receives.requests + deletes),
    ingest_ms: round(median(ingestDurations), 2),
    aws_calls: {
      notifications,
      numbers: NUMBERS,
      clones: CLONES,
      config_cache_seconds: CONFIG_CACHE_SECONDS,
      window_s: round(seconds, 1),
      // The functions' structured logs (ingest, delivery) per notification; Lambda's own platform lines come on top.
      log_bytes_per_notification: round(loggedBytes / notifications),
      log_lines_per_notification: round(loggedLines / notifications, 3),
      ingest_post_round_trip_ms: round(median(ingestLatencies), 2),
      dynamodb_by_command: dynamoCalls,
      deduplication_by_command: deduplicationCalls,
      product_sqs_by_command: productSqsCalls,
      sqs_per_notification: {
        send: perNotification(sends),
        receive: perNotification(receives.requests),
        receive_empty: perNotification(receives.empty),
        delete: perNotification(deletes),
      },
      records_per_batch: round(receives.messages / Math.max(1, receives.requests - receives.empty), 2),
      // Polls of the (idle) retries queue in the same window: a per-hour cost, not a per-notification one.
      idle_polls_other_queues: otherQueues,
      at_emulator: atEmulator,
      destinations_per_notification: 1 + CLONES,
    },
  };
  progress(`aws calls: ${JSON.stringify({ ...result, aws_calls: { ...result.aws_calls, at_emulator: undefined } })}`);
  return result;
};
