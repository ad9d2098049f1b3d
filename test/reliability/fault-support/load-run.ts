// A load run through a running local stack: signed ingest -> notifications queue -> delivery -> loopback
// sinks, across several numbers with clones, then a count of what every destination received. Shared by
// the CI load test and the opt-in soak (npm run soak), so both count alike. No vitest here.
import { SQSClient } from '@aws-sdk/client-sqs';
import type { LocalStack } from '../../../infra/local/local-stack.js';
import { LOCAL_CREDENTIALS } from '../../../shared/aws/clients.js';
import { configureNumber } from '../../helpers/delivery-world.js';
import { queueCounts } from '../../helpers/fresh-queues.js';
import { startSink, type SinkRequest } from '../../helpers/sink-server.js';
import { waitFor } from '../../helpers/wait-for.js';
import { notificationBody, sign } from '../../helpers/whatsapp.js';
import { failedAttempts } from './observations.js';

export interface LoadPlan {
  notifications: number;
  numbers: number;
  /** Names of each number's additional webhooks (up to 3). */
  clones: readonly string[];
  /**
   * This clone flaps: the first attempt of every other notification there is answered 500, the retry
   * 200 (deterministic, so the retries are bounded and the run's length does not depend on luck).
   * Failures and successes interleave, as with a receiver that drops some requests: its breaker, which
   * opens on consecutive failures, stays closed, and each failed copy is retried on its own.
   */
  flakyClone?: string;
  /** Ingest requests in flight at once (default 32). */
  postConcurrency?: number;
  /** Offer the notifications at this steady rate per second (default: as fast as ingest takes them). */
  ratePerSecond?: number;
  /** How long to wait for every copy once everything is posted (default 120 s). */
  settleTimeoutMs?: number;
  /** Called about once a second with a line of progress (the soak prints it). */
  onProgress?: (line: string) => void;
}

export interface LoadFigures {
  notifications: number;
  /** Ingest requests answered 200. */
  accepted: number;
  numbers: number;
  destinationsPerNumber: number;
  /** Notifications each destination name received answered 200, over all numbers. */
  deliveredPerDestination: Record<string, number>;
  /** (notification, destination) pairs that never received a copy answered 200. */
  lost: number;
  /** Copies answered 200 beyond the first per (notification, destination). */
  duplicated: number;
  /** Attempts answered with anything but 200. */
  failedAttempts: number;
  /** Attempts beyond the first per (notification, destination). */
  retries: number;
  maxAttemptsPerCopy: number;
  /** Failed attempts delivery recorded in DynamoDB for these numbers. */
  recordedFailures: number;
  /** Clone copies that arrived before their notification's primary had answered 200. */
  clonesBeforePrimary200: number;
  /** Notifications whose copies did not all carry one webhook-id. */
  webhookIdMismatches: number;
  /** Messages in the dead-letter queues at the end (the stack's whole DLQs). */
  deadLettered: number;
  /** First post to the last copy answered 200. */
  durationMs: number;
  /** Time to post everything through the ingest route. */
  ingestMs: number;
  /** Notifications fully fanned out (every destination answered 200) per second, over the whole run. */
  throughput: number;
  /**
   * Notifications completed per whole second while they were being posted (the first second, a ramp,
   * left out): what delivery held under the offered load.
   */
  perSecondWhilePosting: { min: number; median: number; max: number };
  /** Post sent to every destination answered 200, per notification. */
  latencyMs: { p50: number; p95: number; max: number };
}

const FLAKY_STATUS = 500;

export async function runLoad(stack: LocalStack, plan: LoadPlan): Promise<LoadFigures> {
  const { notifications: count, clones, flakyClone, postConcurrency = 32, ratePerSecond, settleTimeoutMs = 120_000, onProgress } = plan;
  const destinations = ['primary', ...clones];
  const answers = new WeakMap<SinkRequest, number>();
  const seenAtFlaky = new Set<string>();
  const sink = await startSink({
    reply: (request) => {
      // Paths are /<phone>/<destination>; the body identifies the notification.
      const everyOther = Number(/load (\d+)/.exec(request.body.toString())?.[1] ?? 1) % 2 === 0;
      const status =
        request.path.endsWith(`/${flakyClone}`) && everyOther && !seenAtFlaky.has(request.path + request.body.toString())
          ? FLAKY_STATUS
          : 200;
      if (status === FLAKY_STATUS) seenAtFlaky.add(request.path + request.body.toString());
      answers.set(request, status);
      return { status };
    },
  });
  const sqs = new SQSClient({ endpoint: stack.sqsEndpoint, region: stack.config.AWS_REGION, credentials: LOCAL_CREDENTIALS });
  try {
    const world = { ...stack, clients: [] };
    const numbers: string[] = [];
    for (let i = 0; i < plan.numbers; i++) numbers.push((await configureNumber(world, sink, [...clones])).phoneNumber);

    const bodies = Array.from({ length: count }, (_, i) => notificationBody([{ phone: numbers[i % numbers.length]!, text: `load ${i}` }]));
    const indexOf = new Map(bodies.map((body, i) => [body.toString(), i]));
    const postedAt = new Array<number>(count).fill(0);
    const secret = stack.config.WHATSAPP_APP_SECRET!;

    // Progress and completion are read from the sink as copies arrive.
    const delivered = new Map<string, number>(); // `${index}/${destination}` -> copies answered 200
    const completedAt = new Array<number | undefined>(count).fill(undefined);
    const remaining = new Array<number>(count).fill(destinations.length);
    let scanned = 0;
    let completed = 0;
    const scan = (): void => {
      for (; scanned < sink.requests.length; scanned++) {
        const request = sink.requests[scanned]!;
        if (answers.get(request) !== 200) continue;
        const index = indexOf.get(request.body.toString());
        if (index === undefined) continue;
        const key = `${index}/${request.path.slice(request.path.lastIndexOf('/') + 1)}`;
        const copies = (delivered.get(key) ?? 0) + 1;
        delivered.set(key, copies);
        if (copies === 1 && --remaining[index]! === 0) {
          completedAt[index] = request.receivedAt;
          completed++;
        }
      }
    };

    const startedAt = performance.timeOrigin + performance.now();
    const progress = setInterval(() => {
      scan();
      onProgress?.(
        `${((performance.timeOrigin + performance.now() - startedAt) / 1000).toFixed(0)} s: ${completed} of ${count} notifications delivered everywhere`,
      );
    }, 1000);
    let accepted = 0;
    let next = 0;
    try {
      await Promise.all(
        Array.from({ length: postConcurrency }, async () => {
          while (next < count) {
            const index = next++;
            const body = bodies[index]!;
            if (ratePerSecond) {
              // The load generator paces itself; nothing in the product waits.
              const due = startedAt + (index * 1000) / ratePerSecond;
              const early = due - (performance.timeOrigin + performance.now());
              if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
            }
            postedAt[index] = performance.timeOrigin + performance.now();
            const response = await fetch(`${stack.apiUrl}/webhooks/whatsapp`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, secret) },
              body,
            });
            await response.arrayBuffer();
            if (response.status === 200) accepted++;
          }
        }),
      );
      const ingestMs = performance.timeOrigin + performance.now() - startedAt;

      await waitFor(
        () => {
          scan();
          return completed === count;
        },
        { timeoutMs: settleTimeoutMs, intervalMs: 100 },
      ).catch(() => undefined); // what is missing is counted as lost below
      // Then until every queue is empty, so a late duplicate or retry would be counted too.
      const queueUrls = [stack.queues.NOTIFICATIONS_QUEUE_URL, stack.queues.RETRIES_QUEUE_URL];
      await waitFor(
        async () =>
          (await Promise.all(queueUrls.map((url) => queueCounts(sqs, url)))).every((c) => c.visible + c.inFlight + c.delayed === 0),
        {
          timeoutMs: settleTimeoutMs,
          intervalMs: 100,
        },
      ).catch(() => undefined);
      scan();
      const lastCompletion = Math.max(...completedAt.map((at) => at ?? 0));
      const durationMs = lastCompletion - startedAt;

      const figures = countCopies(sink.requests, answers, indexOf, destinations, bodies.length);
      const deadLettered = (
        await Promise.all([stack.queues.NOTIFICATIONS_DLQ_URL, stack.queues.RETRIES_DLQ_URL].map((url) => queueCounts(sqs, url)))
      ).reduce((sum, c) => sum + c.visible + c.inFlight + c.delayed, 0);
      let recordedFailures = 0;
      for (const phoneNumber of numbers) recordedFailures += (await failedAttempts(stack, phoneNumber)).length;

      const latencies = completedAt.flatMap((at, i) => (at === undefined ? [] : [at - postedAt[i]!])).sort((a, b) => a - b);
      return {
        notifications: count,
        accepted,
        numbers: numbers.length,
        destinationsPerNumber: destinations.length,
        ...figures,
        recordedFailures,
        deadLettered,
        durationMs: Math.round(durationMs),
        ingestMs: Math.round(ingestMs),
        throughput: round1((completed / durationMs) * 1000),
        perSecondWhilePosting: perSecondStats(completedAt, startedAt, ingestMs),
        latencyMs: { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), max: Math.round(latencies.at(-1) ?? 0) },
      };
    } finally {
      clearInterval(progress);
    }
  } finally {
    sqs.destroy();
    await sink.close();
  }
}

/** The counts that say whether anything was lost, duplicated or sent out of turn. */
function countCopies(
  requests: readonly SinkRequest[],
  answers: WeakMap<SinkRequest, number>,
  indexOf: Map<string, number>,
  destinations: readonly string[],
  count: number,
): Pick<
  LoadFigures,
  | 'deliveredPerDestination'
  | 'lost'
  | 'duplicated'
  | 'failedAttempts'
  | 'retries'
  | 'maxAttemptsPerCopy'
  | 'clonesBeforePrimary200'
  | 'webhookIdMismatches'
> {
  const attempts = new Map<string, SinkRequest[]>();
  for (const request of requests) {
    const index = indexOf.get(request.body.toString());
    if (index === undefined) continue;
    const key = `${index}/${request.path.slice(request.path.lastIndexOf('/') + 1)}`;
    attempts.set(key, [...(attempts.get(key) ?? []), request]);
  }
  const deliveredPerDestination = Object.fromEntries(destinations.map((d) => [d, 0]));
  let lost = 0;
  let duplicated = 0;
  let failed = 0;
  let retries = 0;
  let maxAttemptsPerCopy = 0;
  let clonesBeforePrimary200 = 0;
  let webhookIdMismatches = 0;
  for (let index = 0; index < count; index++) {
    const primary200 = (attempts.get(`${index}/primary`) ?? []).filter((r) => answers.get(r) === 200 && r.answeredAt !== undefined);
    const releasedAt = Math.min(...primary200.map((r) => r.answeredAt!));
    const ids = new Set<string>();
    for (const destination of destinations) {
      const copies = attempts.get(`${index}/${destination}`) ?? [];
      const ok = copies.filter((r) => answers.get(r) === 200).length;
      if (ok === 0) lost++;
      else deliveredPerDestination[destination]!++;
      duplicated += Math.max(0, ok - 1);
      failed += copies.length - ok;
      retries += Math.max(0, copies.length - 1);
      maxAttemptsPerCopy = Math.max(maxAttemptsPerCopy, copies.length);
      for (const copy of copies) {
        ids.add(String(copy.headers['webhook-id']));
        if (destination !== 'primary' && !(copy.receivedAt >= releasedAt)) clonesBeforePrimary200++;
      }
    }
    if (ids.size > 1) webhookIdMismatches++;
  }
  return {
    deliveredPerDestination,
    lost,
    duplicated,
    failedAttempts: failed,
    retries,
    maxAttemptsPerCopy,
    clonesBeforePrimary200,
    webhookIdMismatches,
  };
}

function perSecondStats(
  completedAt: ReadonlyArray<number | undefined>,
  startedAt: number,
  postingMs: number,
): LoadFigures['perSecondWhilePosting'] {
  const wholeSeconds = Math.floor(postingMs / 1000);
  if (wholeSeconds < 2) return { min: 0, median: 0, max: 0 };
  const buckets = new Array<number>(wholeSeconds).fill(0);
  for (const at of completedAt) {
    const second = at === undefined ? -1 : Math.floor((at - startedAt) / 1000);
    if (second >= 0 && second < wholeSeconds) buckets[second]!++;
  }
  const measured = buckets.slice(1).sort((a, b) => a - b);
  return { min: measured[0]!, median: percentile(measured, 0.5), max: measured.at(-1)! };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!);
}

const round1 = (value: number) => Math.round(value * 10) / 10;
