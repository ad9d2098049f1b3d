// The local stack with its delivery in the test's hands: the handler the pollers invoke can be wrapped
// (a crash after the real handler ran), the sender replaced (a resolver the test controls), and what
// the pollers report is kept, as the event source mapping would log it.
import type { SqsHandler } from '../../../infra/local/event-source-poller.js';
import type { Adapters } from '../../../shared/services.js';
import { startTestStack, type TestStack } from '../../helpers/local-stack.js';

export type { SqsHandler };

export interface FaultStackOptions {
  /** Environment of the emulated functions, over the local defaults. */
  env?: Record<string, string>;
  /** How long a received record stays hidden unless delivery says otherwise: a crashed batch returns after it. */
  visibilityTimeoutSeconds: number;
  /** Batches in flight per queue (default 2, as npm start). */
  concurrency?: number;
  /** Wraps the product's delivery handler. */
  delivery?: (product: SqsHandler) => SqsHandler;
  adapters?: Partial<Adapters>;
}

export interface FaultStack extends TestStack {
  /** What the pollers reported (failed invocations, failed deletes). */
  pollerReports: string[];
}

export async function startFaultStack(options: FaultStackOptions): Promise<FaultStack> {
  const pollerReports: string[] = [];
  const stack = await startTestStack({
    numbers: 0,
    env: options.env,
    queueVisibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
    deliveryConcurrency: options.concurrency,
    wrapDelivery: options.delivery,
    adapters: options.adapters,
    onPollerError: (message) => void pollerReports.push(message),
  });
  return Object.assign(stack, { pollerReports });
}
