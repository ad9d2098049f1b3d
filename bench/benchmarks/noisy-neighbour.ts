// noisy_neighbour_p95_ratio and hung_primary_attempts_per_notification: on the local stack, one number's
// primary hangs while that number sends 20/s; a quiet number's ingest-to-primary p95 beside it ÷ alone,
// both phases in the same run, and how often the hung primary was attempted meanwhile.
import { startSink, type Sink } from '../../test/helpers/sink-server.js';
import { progress, type Benchmark } from '../lib/benchmark.js';
import { startBenchStack } from '../lib/bench-stack.js';
import { countCalls } from '../lib/call-counter.js';
import { BENCH_APP_SECRET } from '../lib/delivery-environment.js';
import { startHungSink } from '../lib/hung-sink.js';
import { tapLogs } from '../lib/log-tap.js';
import { markerIn, postAtRate, type PacedPost } from '../lib/paced-posts.js';
import { benchPhoneNumber } from '../lib/phone-numbers.js';
import { median, percentile, round } from '../lib/stats.js';

/** The hung receiver: it accepts the request and answers after a minute, far past the timeout. */
const HUNG_ANSWERS_AFTER_MS = 60_000;
const ENV = { DELIVERY_TIMEOUT_MS: '2000', RETRY_BASE_SECONDS: '1' };
const NOISY_PER_S = 20;
const QUIET_PER_S = 5;
/** Log lines that tell what delivery did with the hung primary's copies. */
const WATCHED = [
  'Destination breaker changed',
  'Delivery attempt failed',
  'Copy parked behind an open breaker',
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
  const [quietPrimary, quietClone, hung] = await Promise.all([startSink(), startSink(), startHungSink(HUNG_ANSWERS_AFTER_MS)]);
  const logs = tapLogs({ 'Destination breaker changed': ['destination', 'transition', 'consecutiveFailures', 'parked'] });
  try {
    const quiet = benchPhoneNumber();
    const noisy = benchPhoneNumber();
    const { webhooks } = stack.services;
    await webhooks.setPrimary(quiet, { url: `${quietPrimary.url}/${quiet}/primary`, headers: {} });
    await webhooks.setEnabled(quiet, true, [{ name: 'clone-1', url: `${quietClone.url}/${quiet}/clone-1`, headers: {} }]);
    await webhooks.setPrimary(noisy, { url: `${hung.url}/${noisy}/primary`, headers: {} });
    const post = (phoneNumber: string, perSecond: number, seconds: number, tag: string) =>
      postAtRate({ apiUrl: stack.apiUrl, appSecret: BENCH_APP_SECRET, phoneNumber, perSecond, seconds, tag });

    // JIT, connections and the first configuration reads warm up here, unmeasured.
    await deliveredTo(quietPrimary, await post(quiet, QUIET_PER_S, warmupSeconds, 'warmup'));
    const aloneStartedAt = performance.now();
    const alone = await deliveredTo(quietPrimary, await post(quiet, QUIET_PER_S, phaseSeconds, 'alone'));
    const aloneSeconds = (performance.now() - aloneStartedAt) / 1000;

    const dynamodb = countCalls(stack.services.clients.dynamo);
    const sqs = countCalls(stack.services.clients.sqs);
    const [noisyPosts, besidePosts] = await Promise.all([
      post(noisy, NOISY_PER_S, phaseSeconds, 'noisy'),
      post(quiet, QUIET_PER_S, phaseSeconds, 'beside'),
    ]);
    const phaseStart = noisyPosts[0]!.sentAt;
    const phaseEnd = Math.max(...noisyPosts.map((p) => p.answeredAt));
    const beside = await deliveredTo(quietPrimary, besidePosts);
    // Every clone copy arrived too: the quiet number lost nothing (waited for, not timed).
    await deliveredTo(
      quietClone,
      [...alone, ...beside].map((d) => d.post),
    );
    const settledAt = now();

    const hungPath = `/${noisy}/primary`;
    const attemptsBetween = (from: number, to: number) =>
      hung.requests.filter((r) => r.path === hungPath && r.receivedAt >= from && r.receivedAt <= to).length;
    const attemptsInPhase = attemptsBetween(phaseStart, phaseEnd);
    const counts = logs.counts();
    const afterOnset = beside.filter((d) => d.post.sentAt - phaseStart > stack.config.DELIVERY_TIMEOUT_MS);
    const aloneLatency = latencies(alone);
    const besideLatency = latencies(beside);
    const result = {
      noisy_neighbour_p95_ratio: round(besideLatency.p95_ms / aloneLatency.p95_ms, 2),
      hung_primary_attempts_per_notification: round(attemptsInPhase / noisyPosts.length, 3),
      noisy_neighbour: {
        phase_seconds: phaseSeconds,
        measured: 'ingest 200 arrived at the sender -> the primary sink received the copy (ms); from_post_sent adds the ingest round trip',
        quiet_per_s: QUIET_PER_S,
        quiet_clones: 1,
        noisy_per_s: NOISY_PER_S,
        hung_answers_after_ms: HUNG_ANSWERS_AFTER_MS,
        delivery_timeout_ms: stack.config.DELIVERY_TIMEOUT_MS,
        retry_base_seconds: stack.config.RETRY_BASE_SECONDS,
        config_cache_seconds: stack.config.CONFIG_CACHE_SECONDS,
        alone: { ...aloneLatency, seconds: round(aloneSeconds, 1) },
        beside_hung: {
          ...besideLatency,
          // The outage's onset: attempts already running when the first timeout taught delivery anything.
          p95_posted_after_first_timeout_ms: round(
            percentile(
              afterOnset.map((d) => d.receivedAt - d.post.answeredAt),
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
          attempts_at_s: hung.requests.filter((r) => r.path === hungPath).map((r) => round((r.receivedAt - phaseStart) / 1000, 2)),
          settled_s_after_phase: round((settledAt - phaseEnd) / 1000, 1),
          breaker_transitions: logs
            .entries('Destination breaker changed')
            .map(({ at, fields }) => ({ at_s: round((at - phaseStart) / 1000, 2), ...fields })),
          log_lines: Object.fromEntries(WATCHED.map((message) => [message, counts[message] ?? 0])),
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
    // close() destroys every socket, the hung ones included, so nothing keeps the process alive.
    await Promise.all([quietPrimary.close(), quietClone.close(), hung.close()]);
  }
};

const now = (): number => performance.timeOrigin + performance.now();

/** Each post with the moment the sink first received its copy; throws if one never arrives. */
async function deliveredTo(sink: Sink, posts: readonly PacedPost[], timeoutMs = 60_000): Promise<Delivery[]> {
  const firstArrival = new Map<string, number>();
  let scanned = 0;
  const allArrived = (): boolean => {
    for (; scanned < sink.requests.length; scanned++) {
      const request = sink.requests[scanned]!;
      const marker = markerIn(request.body);
      if (marker !== undefined && !firstArrival.has(marker)) firstArrival.set(marker, request.receivedAt);
    }
    return posts.every((post) => firstArrival.has(post.marker));
  };
  await sink.waitFor(allArrived, `${posts.length} copies at ${sink.url}`, timeoutMs);
  return posts.map((post) => ({ post, receivedAt: firstArrival.get(post.marker)! }));
}

function latencies(deliveries: readonly Delivery[]) {
  const fromAnswer = deliveries.map((d) => d.receivedAt - d.post.answeredAt);
  const fromSent = deliveries.map((d) => d.receivedAt - d.post.sentAt);
  return {
    notifications: deliveries.length,
    p50_ms: round(median(fromAnswer), 1),
    p95_ms: round(percentile(fromAnswer, 0.95), 1),
    max_ms: round(Math.max(...fromAnswer), 1),
    from_post_sent_p50_ms: round(median(fromSent), 1),
    from_post_sent_p95_ms: round(percentile(fromSent, 0.95), 1),
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
    .sort((a, b) => b.receivedAt - b.post.answeredAt - (a.receivedAt - a.post.answeredAt))
    .slice(0, count)
    .map((d) => ({ posted_at_s: round((d.post.sentAt - phaseStart) / 1000, 2), ms: round(d.receivedAt - d.post.answeredAt, 1) }));
}
