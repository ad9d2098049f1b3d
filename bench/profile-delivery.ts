// Drives the delivery path of `delivery-throughput` in one process, for `node --cpu-prof` (not part of `npm run bench`):
// `node [--cpu-prof --cpu-prof-dir=/tmp/prof] --import tsx bench/profile-delivery.ts [variant,...|all] [notifications] [rounds]`.
// Prints the CPU time per notification of each variant, side by side in 3 rounds (or more, then with the medians): the same requests over undici and over
// node:http, through the sender alone, the handler over a sender that answers at once (its bookkeeping), the whole handler
// through tsx, and the whole handler as Lambda runs it (the CDK-style bundle, as `delivery-throughput` measures it).
import './lib/quiet-sdk-notice.js';
import { lambdaContext } from '../infra/local/lambda-events.js';
import { startDynamoDbLocal } from '../infra/local/dynamodb-local.js';
import { createHttpSender } from '../shared/delivery/http-sender.js';
import { BENCH_APP_SECRET, prepareDeliveryEnvironment } from './lib/delivery-environment.js';
import { importBundledHandler, throwOnFailures } from './lib/deployed-handler.js';
import { configureNumbers } from './lib/phone-numbers.js';
import { rawAgent, rawNodeAgent, rawNotification, sendRaw, sendRawOverNode, type RawNotification } from './lib/raw-http.js';
import { queuedNotification, sqsEvent } from './lib/sqs-events.js';
import { median } from './lib/stats.js';
import { startSinkProcess } from './sinks/sink-process.js';

const only = process.argv[2];
const total = Number(process.argv[3] ?? 20_000);
const rounds = Number(process.argv[4] ?? 3);
const dynamodb = await startDynamoDbLocal();
const sink = await startSinkProcess({ ports: 4 });
const environment = await prepareDeliveryEnvironment({ dynamodbEndpoint: dynamodb.endpoint, configCacheSeconds: 3600 });
const numbers = await configureNumbers(environment.services.webhooks, { count: 10, clones: 3, origins: sink.origins });
const configs = new Map(await Promise.all(numbers.map(async (n) => [n, await environment.services.webhooks.readPhoneConfig(n)] as const)));
const handler = (await import('../functions/delivery.js')).create(environment.services);
const bundled = await importBundledHandler('delivery', environment.config);
const { createDeliveryRecordHandler } = await import('../shared/services.js');
const { BatchProcessor, EventType, processPartialResponse } = await import('@aws-lambda-powertools/batch');
// The same handler over a sender that answers 200 at once: the bookkeeping alone.
const instant = {
  send: async () => ({ kind: 'answered' as const, status: 200, latencyMs: 0, bodyExcerpt: '' }),
  close: async () => undefined,
};
const bookkeeping = createDeliveryRecordHandler(environment.services, () => instant);

const notifications = Array.from({ length: 200 }, (_, i) => queuedNotification(numbers[i % 10]!, BENCH_APP_SECRET));
const events = Array.from({ length: 20 }, (_, i) =>
  sqsEvent(notifications.slice(i * 10, i * 10 + 10), environment.queues.NOTIFICATIONS_QUEUE_URL),
);
const raws = notifications.map((n) => rawNotification(n, configs.get(n.message.phoneNumber)!));

const undici = rawAgent();
const nodeAgent = rawNodeAgent();
const sender = createHttpSender({ policy: 'local', timeoutMs: 5000 });

type Batch = (index: number) => Promise<void>;
const batchOf =
  (one: (n: RawNotification) => Promise<void>): Batch =>
  async (i) =>
    void (await Promise.all(raws.slice((i % 20) * 10, (i % 20) * 10 + 10).map(one)));
const variants: Record<string, Batch> = {
  undici: batchOf((n) => sendRaw(undici, n)),
  node: batchOf((n) => sendRawOverNode(nodeAgent, n)),
  sender: batchOf(async (n) => {
    await sender.send({ url: n.primary.origin + n.primary.path, headers: n.primary.headers, body: n.primary.body });
    await Promise.all(n.clones.map((c) => sender.send({ url: c.origin + c.path, headers: c.headers, body: c.body })));
  }),
  bookkeeping: async (i) =>
    throwOnFailures(
      await processPartialResponse(events[i % 20]!, bookkeeping, new BatchProcessor(EventType.SQS), {
        context: lambdaContext('delivery', 60_000),
        throwOnFullBatchFailure: false,
      }),
    ),
  handler: async (i) => throwOnFailures(await handler(events[i % 20]!, lambdaContext('delivery', 60_000))),
  bundle: async (i) => throwOnFailures(await bundled.handler(events[i % 20]!, lambdaContext('delivery', 60_000))),
};

async function measure(batch: Batch, batches: number): Promise<number> {
  const before = process.cpuUsage();
  for (let i = 0; i < batches; i++) await batch(i);
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / (batches * 10);
}

const names = only && only !== 'all' ? only.split(',') : Object.keys(variants);
for (const name of names) await measure(variants[name]!, 100);
const byVariant: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
for (let round = 0; round < rounds; round++) {
  const figures: Record<string, number> = {};
  // The order turns from round to round, so no variant always runs right after the same other.
  for (const name of names.slice(round % names.length).concat(names.slice(0, round % names.length))) {
    figures[name] = Math.round(await measure(variants[name]!, total / 10 / rounds));
    byVariant[name]!.push(figures[name]);
  }
  console.error(`cpu µs per notification: ${JSON.stringify(figures)}`);
}
if (rounds > 3) {
  // Other work on the machine only ever adds time: the least of many rounds is the steadier figure.
  const summary = (of: (values: number[]) => number) =>
    JSON.stringify(Object.fromEntries(names.map((name) => [name, of(byVariant[name]!)])));
  console.error(`medians: ${summary(median)}; least: ${summary((values) => Math.min(...values))}`);
}
await undici.close();
nodeAgent.destroy();
await sender.close();
await bundled.close();
await sink.stop();
await environment.stop();
await dynamodb.stop();
process.exit(0);
