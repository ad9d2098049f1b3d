// Runs functions/delivery.ts behind the notifications and retries queues, as the deployed event sources do.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startEventSourcePoller, type EventSourcePoller, type SqsHandler } from './event-source-poller.js';
import type { QueueEnvironment } from './sqs-emulator.js';

const DELIVERY_FUNCTION = 'delivery';

/** The deployed delivery function's timeout (infra/constructs/function-sizing.ts), so a hung batch fails alike. */
const DELIVERY_TIMEOUT_MS = 60_000;

export interface DeliveryPollers {
  /** False when functions/delivery.ts is not there yet: notifications queue up but nobody delivers them. */
  running: boolean;
  stop(): Promise<void>;
}

export async function startDeliveryPollers(options: { endpoint: string; queues: QueueEnvironment; region: string; concurrency?: number }): Promise<DeliveryPollers> {
  const handler = await loadDeliveryHandler();
  if (!handler) return { running: false, stop: async () => undefined };
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
          handler,
          functionName: DELIVERY_FUNCTION,
          region: options.region,
          concurrency: options.concurrency,
          timeoutMs: DELIVERY_TIMEOUT_MS,
        }),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { running: true, stop };
}

/**
 * The delivery function is written alongside this runtime; until its file exists the API still
 * serves, with a warning, instead of refusing to start. Once it exists, a broken import is an error.
 */
async function loadDeliveryHandler(): Promise<SqsHandler | undefined> {
  const url = new URL(`../../functions/${DELIVERY_FUNCTION}.ts`, import.meta.url);
  if (!existsSync(fileURLToPath(url))) {
    console.warn(`local runtime: functions/${DELIVERY_FUNCTION}.ts does not exist yet, so queued notifications are not delivered.`);
    return undefined;
  }
  const module = (await import(url.href)) as { handler?: SqsHandler };
  if (typeof module.handler !== 'function') throw new Error(`functions/${DELIVERY_FUNCTION}.ts does not export a handler function.`);
  return module.handler;
}
