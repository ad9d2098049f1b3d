// The local stack (what `npm start` runs) on a free port, with fresh queues and table, and a wait for every delivery.
import { randomUUID } from 'node:crypto';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../infra/local/local-stack.js';
import type { SinkProcess } from '../sinks/sink-process.js';
import { BENCH_APP_SECRET } from './delivery-environment.js';

export async function startBenchStack(
  options: Pick<LocalStackOptions, 'dynamodbEndpoint' | 'sqsEndpoint' | 'dbPath'> & { env?: Record<string, string> },
): Promise<LocalStack> {
  return startLocalStack({
    ...options,
    port: 0,
    queuePrefix: `bench${randomUUID().slice(0, 8)}-`,
    env: { TABLE_NAME: `bench-${randomUUID()}`, WHATSAPP_APP_SECRET: BENCH_APP_SECRET, ...options.env },
  });
}

/** Resolves with the time (performance.now) the sink had received `expected` requests in total. */
export async function waitForDeliveries(sink: SinkProcess, expected: number, timeoutMs = 120_000): Promise<number> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const { total } = await sink.report();
    if (total >= expected) return performance.now();
    if (performance.now() > deadline) throw new Error(`only ${total} of ${expected} deliveries arrived within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Destinations (paths) that got other than `expected` copies: empty when every destination got every notification once. */
export function missedOrDuplicated(byPath: Record<string, number>, paths: readonly string[], expected: number): Record<string, number> {
  return Object.fromEntries(paths.filter((path) => byPath[path] !== expected).map((path) => [path, byPath[path] ?? 0]));
}
