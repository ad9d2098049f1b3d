// delivery_vs_raw_http_ratio: the delivery handler as deployed against the same HTTP requests made bare; interleaved rounds, medians.
import { lambdaContext } from '../../infra/local/lambda-events.js';
import { progress, type Benchmark } from '../lib/benchmark.js';
import { BENCH_APP_SECRET, prepareDeliveryEnvironment } from '../lib/delivery-environment.js';
import { importBundledHandler, throwOnFailures, type SqsFunction } from '../lib/deployed-handler.js';
import { configureNumbers } from '../lib/phone-numbers.js';
import { rawAgent, rawNodeAgent, rawNotification, sendRaw, sendRawOverNode } from '../lib/raw-http.js';
import { queuedNotification, sqsEvent, type QueuedNotification } from '../lib/sqs-events.js';
import { median, round } from '../lib/stats.js';
import { startSinkProcess } from '../sinks/sink-process.js';

const BATCH_SIZE = 10;
const NUMBERS = 10;
const CLONES = 3;

/** baseline: undici, the headline's; baseline_node: Node's own http agent, the sender's client (an extra figure). */
type Variant = 'baseline' | 'bundle' | 'source' | 'baseline_node';

interface Run {
  perSecond: number;
  /** CPU time of this process per notification: steadier than rates when other work shares the machine. */
  cpuMicros: number;
  /** Median wall time of one batch of 10, start to end. */
  batchMs: number;
}

/** Runs every batch through `work`, `concurrency` batches in flight, like that many warm function instances. */
async function drive(batches: number, concurrency: number, work: (index: number) => Promise<void>): Promise<Run> {
  const batchTimes: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches) {
      const startedAt = performance.now();
      await work(next++);
      batchTimes.push(performance.now() - startedAt);
    }
  };
  const cpuBefore = process.cpuUsage();
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const seconds = (performance.now() - startedAt) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const notifications = batches * BATCH_SIZE;
  return { perSecond: notifications / seconds, cpuMicros: (cpu.user + cpu.system) / notifications, batchMs: median(batchTimes) };
}

export const run: Benchmark = async ({ smoke, dynamodbEndpoint }) => {
  const notificationsPerRun = smoke ? 100 : 2000;
  const rounds = smoke ? 1 : 9;
  // 1 batch in flight is how Lambda runs the function (one batch per instance, instances scale out);
  // 4 is the local poller's shape under load and makes the client process the busy one.
  const concurrencies = smoke ? [1] : [1, 4];

  const sink = await startSinkProcess({ ports: 1 + CLONES });
  const environment = await prepareDeliveryEnvironment({ dynamodbEndpoint, configCacheSeconds: 3600 });
  const numbers = await configureNumbers(environment.services.webhooks, { count: NUMBERS, clones: CLONES, origins: sink.origins });
  const configs = new Map(
    await Promise.all(numbers.map(async (n) => [n, await environment.services.webhooks.readPhoneConfig(n)] as const)),
  );
  // The function as Lambda runs it (the CDK bundle), and as `npm start` runs it (TypeScript through tsx).
  const bundled = await importBundledHandler('delivery', environment.config);
  const handlers: Record<'bundle' | 'source', SqsFunction> = {
    bundle: bundled.handler,
    source: (await import('../../functions/delivery.js')).create(environment.services),
  };
  const agent = rawAgent();
  const nodeAgent = rawNodeAgent();

  // Everything a run needs is built before its clock starts: events for delivery, requests for the baseline.
  const batches: QueuedNotification[][] = [];
  for (let start = 0; start < notificationsPerRun; start += BATCH_SIZE) {
    batches.push(
      Array.from({ length: BATCH_SIZE }, (_, index) => queuedNotification(numbers[(start + index) % NUMBERS]!, BENCH_APP_SECRET)),
    );
  }
  const events = batches.map((batch) => sqsEvent(batch, environment.queues.NOTIFICATIONS_QUEUE_URL));
  const rawBatches = batches.map((batch) => batch.map((n) => rawNotification(n, configs.get(n.message.phoneNumber)!)));

  const variants: Record<Variant, (concurrency: number) => Promise<Run>> = {
    baseline: (concurrency) =>
      drive(rawBatches.length, concurrency, async (i) => void (await Promise.all(rawBatches[i]!.map((n) => sendRaw(agent, n))))),
    bundle: (concurrency) =>
      drive(events.length, concurrency, async (i) => throwOnFailures(await handlers.bundle(events[i]!, lambdaContext('delivery', 60_000)))),
    source: (concurrency) =>
      drive(events.length, concurrency, async (i) => throwOnFailures(await handlers.source(events[i]!, lambdaContext('delivery', 60_000)))),
    baseline_node: (concurrency) =>
      drive(
        rawBatches.length,
        concurrency,
        async (i) => void (await Promise.all(rawBatches[i]!.map((n) => sendRawOverNode(nodeAgent, n)))),
      ),
  };
  const order: Variant[] = ['baseline', 'bundle', 'source', 'baseline_node'];

  const byConcurrency: Record<string, Record<string, unknown>> = {};
  for (const concurrency of concurrencies) {
    for (const variant of order) await variants[variant](concurrency); // warm-up: caches filled, connections open, code optimised
    const runs: Record<Variant, Run[]> = { baseline: [], bundle: [], source: [], baseline_node: [] };
    const sinkBefore = await sink.report();
    const startedAt = performance.now();
    for (let r = 0; r < rounds; r++) {
      // Alternate the order, so drift on a noisy machine falls on every variant alike.
      for (const variant of r % 2 === 0 ? order : [...order].reverse()) runs[variant].push(await variants[variant](concurrency));
    }
    const sinkAfter = await sink.report();
    const rate = (variant: Variant) => median(runs[variant].map((r) => r.perSecond));
    const cpu = (variant: Variant) => median(runs[variant].map((r) => r.cpuMicros));
    // Each round's runs are adjacent in time, so the median of per-round ratios resists drift best.
    const ratios = (variant: Variant, over: Variant = 'baseline') => runs[variant].map((r, i) => r.perSecond / runs[over][i]!.perSecond);
    byConcurrency[String(concurrency)] = {
      ratio: round(median(ratios('bundle')), 3),
      ratio_source_via_tsx: round(median(ratios('source')), 3),
      per_round_ratios: ratios('bundle').map((ratio) => round(ratio, 3)),
      notifications_per_s: { baseline: round(rate('baseline')), bundle: round(rate('bundle')), source: round(rate('source')) },
      cpu_us_per_notification: { baseline: round(cpu('baseline')), bundle: round(cpu('bundle')), source: round(cpu('source')) },
      cpu_ratio: round(cpu('baseline') / cpu('bundle'), 3),
      batch_ms: {
        baseline: round(median(runs.baseline.map((r) => r.batchMs)), 2),
        bundle: round(median(runs.bundle.map((r) => r.batchMs)), 2),
        source: round(median(runs.source.map((r) => r.batchMs)), 2),
      },
      // Share of one core the sink process used: near 1 would mean the sink, not the client, set the pace.
      sink_cpu_share: round((sinkAfter.cpuMs - sinkBefore.cpuMs) / (performance.now() - startedAt), 2),
      // Extra figures, the headline's meaning unchanged: the same requests over Node's http agent
      // (the sender's client), and the bundle against that, which leaves out the two clients' difference.
      node_http_baseline: {
        notifications_per_s: round(rate('baseline_node')),
        cpu_us_per_notification: round(cpu('baseline_node')),
        batch_ms: round(median(runs.baseline_node.map((r) => r.batchMs)), 2),
        vs_undici_baseline: round(median(ratios('baseline_node')), 3),
      },
      ratio_vs_node_http_baseline: round(median(ratios('bundle', 'baseline_node')), 3),
    };
    progress(`delivery throughput, ${concurrency} batch(es) in flight: ${JSON.stringify(byConcurrency[String(concurrency)])}`);
  }

  await agent.close();
  nodeAgent.destroy();
  await bundled.close();
  await sink.stop();
  await environment.stop();
  const headline = byConcurrency['1'] as { ratio: number; batch_ms: { bundle: number } };
  return {
    delivery_vs_raw_http_ratio: headline.ratio,
    delivery_batch_ms_instant_sinks: headline.batch_ms.bundle,
    delivery_throughput: {
      notifications_per_run: notificationsPerRun,
      rounds,
      numbers: NUMBERS,
      clones: CLONES,
      headline_batches_in_flight: 1,
      by_batches_in_flight: byConcurrency,
    },
  };
};
