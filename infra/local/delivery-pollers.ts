// Runs the delivery function behind the notifications and retries queues, as the deployed event sources do.
import { DELIVERY_FUNCTION_TIMEOUT_SECONDS } from '../../shared/defaults.js';
import { startEventSourcePoller, type EventSourcePoller, type SqsHandler } from './event-source-poller.js';
import type { QueueEnvironment } from './sqs-emulator.js';

export interface DeliveryPollerOptions {
  endpoint: string;
  queues: QueueEnvironment;
  region: string;
  handler: SqsHandler;
  concurrency?: number;
  onError?: (message: string, error?: unknown) => void;
}

export async function startDeliveryPollers(options: DeliveryPollerOptions): Promise<{ stop(): Promise<void> }> {
  const pollers: EventSourcePoller[] = [];
  const stop = async () => {
    await Promise.all(pollers.map((poller) => poller.stop()));
  };
  try {
    for (const queueUrl of [options.queues.NOTIFICATIONS_QUEUE_URL, options.queues.RETRIES_QUEUE_URL]) {
      pollers.push(
        await startEventSourcePoller({
          endpoint: options.endpoint,
          queueUrl,
          handler: options.handler,
          functionName: 'delivery',
          region: options.region,
          concurrency: options.concurrency,
          timeoutMs: DELIVERY_FUNCTION_TIMEOUT_SECONDS * 1000,
          onError: options.onError,
        }),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { stop };
}
