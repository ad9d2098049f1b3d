// noisy_neighbour_p95_ratio and hung_primary_attempts_per_notification: on the local stack, one number's
// primary hangs while that number sends 20/s; a quiet number's ingest-to-primary p95 beside it ÷ alone,
// all phases in the same run, and how often the hung primary was attempted meanwhile. A control phase
// puts the quiet number beside a healthy number at the same rate: what any neighbour costs on one machine.
// Meta and the receivers run in two processes of their own (bench/world/), the quiet tenant's and the
// noisy one's, so neither the load nor its measurement shares the stack's event loop.
import { freePort } from '../../infra/local/free-port.js';
import { PRIMARY } from '../../shared/domain/destination.js';
import { maskPhone } from '../../shared/logger.js';
import { progress, type Benchmark } from '../lib/benchmark.js';
import { startBenchStack } from '../lib/bench-stack.js';
import { countCalls } from '../lib/call-counter.js';
import { BENCH_APP_SECRET } from '../lib/delivery-environment.js';
import { tapLogs } from '../lib/log-tap.js';
import type { PacedPost } from '../lib/paced-posts.js';
import { benchPhoneNumber } from '../lib/phone-numbers.js';
import { median, percentile, round } from '../lib/stats.js';
import { startWorld, type World } from '../world/world-process.js';

/** The hung receiver: it accepts the request and answers only after a minute, far past the timeout. */
const HUNG_ANSWERS_AFTER_MS = 60_000;
const ENV = { DELIVERY_TIMEOUT_MS: '2000', RETRY_BASE_SECONDS: '1' };
const NOISY_PER_S = 20;
/** Enough copies that a p95 is more than a few stragglers. */
const QUIET_PER_S = 10;
/** Log lines that tell what delivery did with the hung primary's copies (a parked copy has no INFO line: its breaker counts it). */
const WATCHED = [
  'Destination breaker changed',
  'Delivery attempt failed',
  'Probe succeeded: draining parked copies',
  'Delivery given up: dead-lettered',
];

interface Delivery {
  post: PacedPost;
  /** When the destination's sink first received the copy (epoch ms). */
  receivedAt: number;
}

export const run: Benchmark = async ({ smoke, dynamodbEndpoint }) => {
  const phaseSeconds = smoke ? 1.5 : 30;
  const warmupSeconds = smoke ? 0.5 : 3;
  const stack = await startBenchStack({ dynamodbEndpoint, env: ENV });
  const [quietWorld, noisyWorld] = await Promise.all([startWorld(), startWorld()]);
  const logs = tapLogs({ 'Destination breaker changed': ['phone', 'destination', 'transition', 'consecutiveFailures', 'parked'] });
  try {
    const quiet = benchPhoneNumber();
    const busy = benchPhoneNumber();
    const noisy = benchPhoneNumber();
    const rehearsal = benchPhoneNumber();
    const [quietPrimary, quietClone, busyPrimary, hung] = await Promise.all([
      quietWorld.sink('primary'),
      quietWorld.sink('clone'),
      noisyWorld.sink('healthy'),
      noisyWorld.sink('hung', HUNG_ANSWERS_AFTER_MS),
    ]);
    const { webhooks } = stack.services;
    await webhooks.setPrimary(quiet, { url: `${quietPrimary}/${quiet}/primary`, headers: {} });
    await webhooks.setEnabled(quiet, true, [{ name: 'clone-1', url: `${quietClone}/${quiet}/clone-1`, headers: {} }]);
    await webhooks.setPrimary(busy, { url: `${busyPrimary}/${busy}/primary`, headers: {} });
    await webhooks.setPrimary(noisy, { url: `${hung}/${noisy}/primary`, headers: {} });
    // Nothing listens there: every attempt is refused at once.
    await webhooks.setPrimary(rehearsal, { url: `http://127.0.0.1:${await freePort()}/${rehearsal}/primary`, headers: {} });
    const post = (world: World, phoneNumber: string, perSecond: number, seconds: number, tag: string) =>
      world.post({ apiUrl: stack.apiUrl, appSecret: BENCH_APP_SECRET, phoneNumber, perSecond, seconds, tag });
    const delivered = async (world: World, sink: string, posts: PacedPost[]): Promise<Delivery[]> => {
      const arrivals = await world.deliveredTo(sink, posts);
      return posts.map((post, index) => ({ post, receivedAt: arrivals[index]! }));
    };

    // JIT, connections and the first configuration reads warm up here, unmeasured, and so do the
    // outage's paths (a breaker that opens, parks, probes) in this process and in DynamoDB Local's
    // JVM, on a number whose primary refuses every connection: the measured outage is then the
    // product's cost, not the first run of the emulator's transaction and batch-write code.
    const [, rehearsed] = await Promise.all([
      delivered(quietWorld, 'primary', await post(quietWorld, quiet, QUIET_PER_S, warmupSeconds, 'warmup')),
      post(noisyWorld, rehearsal, NOISY_PER_S, 2 * warmupSeconds, 'rehearsal'),
    ]);
    // Until its copies are parked (all but the few attempted before the breaker opened), or 10 s.
    const parkedFor = async (phoneNumber: string) => (await stack.services.health.read(phoneNumber, PRIMARY)).parked;
    await settled(async () => (await parkedFor(rehearsal)) >= rehearsed.length - 10, 10_000);
    const aloneStartedAt = performance.now();
    const alone = await delivered(quietWorld, 'primary', await post(quietWorld, quiet, QUIET_PER_S, phaseSeconds, 'alone'));
    const aloneSeconds = (performance.now() - aloneStartedAt) / 1000;

    // The control: the same load from a number whose primary answers at once.
    const [busyPosts, besideBusyPosts] = await Promise.all([
      post(noisyWorld, busy, NOISY_PER_S, phaseSeconds, 'busy'),
      post(quietWorld, quiet, QUIET_PER_S, phaseSeconds, 'beside-busy'),
    ]);
    const besideBusy = await delivered(quietWorld, 'primary', besideBusyPosts);
    await noisyWorld.deliveredTo('healthy', busyPosts);

    const dynamodb = countCalls(stack.services.clients.dynamo);
    const countsBefore = logs.counts();
    const sqs = countCalls(stack.services.clients.sqs);
    const [noisyPosts, besidePosts] = await Promise.all([
      post(noisyWorld, noisy, NOISY_PER_S, phaseSeconds, 'noisy'),
      post(quietWorld, quiet, QUIET_PER_S, phaseSeconds, 'beside'),
    ]);
    const phaseStart = noisyPosts[0]!.sentAt;
    const phaseEnd = Math.max(...noisyPosts.map((p) => p.answeredAt));
    const beside = await delivered(quietWorld, 'primary', besidePosts);
    // Every clone copy arrived too: the quiet number lost nothing (waited for, not timed).
    await quietWorld.deliveredTo(
      'clone',
      [...alone, ...besideBusy, ...beside].map((d) => d.post),
    );
    const settledAt = now();

    const hungPath = `/${noisy}/primary`;
    const hungRequests = (await noisyWorld.arrivals('hung')).filter((r) => r.path === hungPath);
    const attemptsBetween = (from: number, to: number) => hungRequests.filter((r) => r.receivedAt >= from && r.receivedAt <= to).length;
    const attemptsInPhase = attemptsBetween(phaseStart, phaseEnd);
    const counts = Object.fromEntries(
      Object.entries(logs.counts()).map(([message, count]) => [message, count - (countsBefore[message] ?? 0)]),
    );
    const afterOnset = beside.filter((d) => d.post.sentAt - phaseStart > stack.config.DELIVERY_TIMEOUT_MS);
    const aloneLatency = latencies(alone);
    const besideBusyLatency = latencies(besideBusy);
    const besideLatency = latencies(beside);
    const result = {
      noisy_neighbour_p95_ratio: round(besideLatency.p95_ms / aloneLatency.p95_ms, 2),
      noisy_neighbour_healthy_p95_ratio: round(besideBusyLatency.p95_ms / aloneLatency.p95_ms, 2),
      hung_primary_attempts_per_notification: round(attemptsInPhase / noisyPosts.length, 3),
      noisy_neighbour: {
        phase_seconds: phaseSeconds,
        measured:
          "the POST of the notification started (Meta's side) -> the primary sink received the copy (ms); from_ingest_answer_* counts from ingest's 200 instead",
        quiet_per_s: QUIET_PER_S,
        quiet_clones: 1,
        noisy_per_s: NOISY_PER_S,
        hung_answers_after_ms: HUNG_ANSWERS_AFTER_MS,
        delivery_timeout_ms: stack.config.DELIVERY_TIMEOUT_MS,
        retry_base_seconds: stack.config.RETRY_BASE_SECONDS,
        config_cache_seconds: stack.config.CONFIG_CACHE_SECONDS,
        alone: { ...aloneLatency, seconds: round(aloneSeconds, 1) },
        beside_healthy: besideBusyLatency,
        beside_hung: {
          ...besideLatency,
          // The outage's onset: attempts already running when the first timeout taught delivery anything.
          p95_posted_after_first_timeout_ms: round(
            percentile(
              afterOnset.map((d) => d.receivedAt - d.post.sentAt),
              0.95,
            ),
            1,
          ),
          slowest: slowest(beside, phaseStart, 10),
        },
        hung_primary: {
          notifications: noisyPosts.length,
          attempts_in_phase: attemptsInPhase,
          attempts_until_settled: attemptsBetween(phaseStart, settledAt),
          attempts_at_s: hungRequests.map((r) => round((r.receivedAt - phaseStart) / 1000, 2)),
          settled_s_after_phase: round((settledAt - phaseEnd) / 1000, 1),
          breaker_transitions: logs
            .entries('Destination breaker changed')
            .filter(({ at, fields }) => at >= phaseStart && fields.phone === maskPhone(noisy))
            .map(({ at, fields }) => ({ at_s: round((at - phaseStart) / 1000, 2), ...fields })),
          log_lines: Object.fromEntries(WATCHED.map((message) => [message, counts[message] ?? 0])),
          parked_when_settled: await parkedFor(noisy),
        },
        calls_beside_hung: { dynamodb: dynamodb.attempts(), sqs: sqs.attempts() },
      },
    };
    progress(`noisy neighbour: ${JSON.stringify(result)}`);
    return result;
  } finally {
    // Stopping waits for batches still in a hung attempt: their log lines stay held back too.
    await stack.stop();
    logs.stop();
    // The hung sink's close destroys its sockets, so nothing keeps either process alive.
    await Promise.all([quietWorld.stop(), noisyWorld.stop()]);
  }
};

const now = (): number => performance.timeOrigin + performance.now();

async function settled(done: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await done()) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
}

function latencies(deliveries: readonly Delivery[]) {
  const fromSent = deliveries.map((d) => d.receivedAt - d.post.sentAt);
  const fromAnswer = deliveries.map((d) => d.receivedAt - d.post.answeredAt);
  return {
    notifications: deliveries.length,
    p50_ms: round(median(fromSent), 1),
    p95_ms: round(percentile(fromSent, 0.95), 1),
    max_ms: round(Math.max(...fromSent), 1),
    from_ingest_answer_p50_ms: round(median(fromAnswer), 1),
    from_ingest_answer_p95_ms: round(percentile(fromAnswer, 0.95), 1),
    ingest_round_trip_p95_ms: round(
      percentile(
        deliveries.map((d) => d.post.answeredAt - d.post.sentAt),
        0.95,
      ),
      1,
    ),
  };
}

/** The slowest copies, with when in the phase they were posted: shows whether the outage's onset or its whole length cost. */
function slowest(deliveries: readonly Delivery[], phaseStart: number, count: number) {
  return [...deliveries]
    .sort((a, b) => b.receivedAt - b.post.sentAt - (a.receivedAt - a.post.sentAt))
    .slice(0, count)
    .map((d) => ({ posted_at_s: round((d.post.sentAt - phaseStart) / 1000, 2), ms: round(d.receivedAt - d.post.sentAt, 1) }));
}
