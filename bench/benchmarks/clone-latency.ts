// latency_by_clones_ms: sinks answering after 100 ms; handler start to the last clone's answer, for 0 to 3 clones.
import { lambdaContext } from '../../infra/local/lambda-events.js';
import { progress, type Benchmark } from '../lib/benchmark.js';
import { BENCH_APP_SECRET, prepareDeliveryEnvironment } from '../lib/delivery-environment.js';
import { importBundledHandler, throwOnFailures } from '../lib/deployed-handler.js';
import { configureNumbers } from '../lib/phone-numbers.js';
import { queuedNotification, sqsEvent } from '../lib/sqs-events.js';
import { median, percentile, round } from '../lib/stats.js';
import { startSinkProcess } from '../sinks/sink-process.js';

const SINK_DELAY_MS = 100;
const CLONE_COUNTS = [0, 1, 2, 3] as const;
/** The primary's 100 ms, then the clones' 100 ms in parallel. */
const IDEAL_WITH_CLONES_MS = 2 * SINK_DELAY_MS;

export const run: Benchmark = async ({ smoke, dynamodbEndpoint }) => {
  const samples = smoke ? 1 : 21;
  const sink = await startSinkProcess({ ports: 4, delayMs: SINK_DELAY_MS });
  const environment = await prepareDeliveryEnvironment({ dynamodbEndpoint, configCacheSeconds: 3600 });
  const numberFor = new Map<number, string>();
  for (const clones of CLONE_COUNTS) {
    const [phoneNumber] = await configureNumbers(environment.services.webhooks, { count: 1, clones, origins: sink.origins });
    numberFor.set(clones, phoneNumber!);
  }
  const { handler, close } = await importBundledHandler('delivery', environment.config);
  const queueUrl = environment.queues.NOTIFICATIONS_QUEUE_URL;

  /** One notification, a batch of one: handler start to its return, which follows the last answer. */
  const deliverOne = async (clones: number): Promise<number> => {
    const event = sqsEvent([queuedNotification(numberFor.get(clones)!, BENCH_APP_SECRET)], queueUrl);
    const startedAt = performance.now();
    throwOnFailures(await handler(event, lambdaContext('delivery', 60_000)));
    return performance.now() - startedAt;
  };

  // Warm-up: configuration cached and one keep-alive connection per origin, as in a warm function.
  for (const clones of CLONE_COUNTS) await deliverOne(clones);
  const times = new Map<number, number[]>(CLONE_COUNTS.map((clones) => [clones, []]));
  // Round-robin over the clone counts, so a noisy second hits them all alike.
  for (let sample = 0; sample < samples; sample++) {
    for (const clones of CLONE_COUNTS) times.get(clones)!.push(await deliverOne(clones));
  }

  // A full batch of ten notifications with 3 clones each: still the primary's time plus one clone's.
  const fullBatches: number[] = [];
  for (let sample = 0; sample < (smoke ? 1 : 7); sample++) {
    const event = sqsEvent(
      Array.from({ length: 10 }, () => queuedNotification(numberFor.get(3)!, BENCH_APP_SECRET)),
      queueUrl,
    );
    const startedAt = performance.now();
    throwOnFailures(await handler(event, lambdaContext('delivery', 60_000)));
    fullBatches.push(performance.now() - startedAt);
  }

  await close();
  await sink.stop();
  await environment.stop();
  const byClones = Object.fromEntries(CLONE_COUNTS.map((clones) => [String(clones), round(median(times.get(clones)!), 1)]));
  progress(
    `clone latency (ms, median of ${samples}): ${JSON.stringify(byClones)}, full batch of 10 with 3 clones: ${round(median(fullBatches), 1)} ms`,
  );
  return {
    latency_3_clones_over_ideal: round(median(times.get(3)!) / IDEAL_WITH_CLONES_MS, 3),
    latency_by_clones_ms: byClones,
    clone_latency: {
      sink_delay_ms: SINK_DELAY_MS,
      ideal_ms: IDEAL_WITH_CLONES_MS,
      samples_per_count: samples,
      p90_by_clones_ms: Object.fromEntries(CLONE_COUNTS.map((clones) => [String(clones), round(percentile(times.get(clones)!, 0.9), 1)])),
      batch_of_10_with_3_clones_ms: round(median(fullBatches), 1),
    },
  };
};
