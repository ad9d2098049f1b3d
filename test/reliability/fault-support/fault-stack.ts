// The local stack with its delivery pollers in the test's hands: the same API, queues, table and
// delivery function as startTestStack, but the handler the pollers invoke can be wrapped (a crash
// after the real handler ran) or replaced (delivery wired with a resolver the test controls).
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { startApiServer } from '../../../infra/local/api-server.js';
import { startEventSourcePoller, type EventSourcePoller, type SqsHandler } from '../../../infra/local/event-source-poller.js';
import { LOCAL_DEFAULTS } from '../../../infra/local/local-stack.js';
import { ensureTable } from '../../../infra/local/tables.js';
import { parseConfig, resetConfig } from '../../../shared/config.js';
import { freshQueues } from '../../helpers/fresh-queues.js';
import type { TestStack } from '../../helpers/local-stack.js';

export type { SqsHandler };

export interface FaultStackOptions {
  /** Environment of the emulated functions, over the local defaults. */
  env?: Record<string, string>;
  /** How long a received record stays hidden unless delivery says otherwise: a crashed batch returns after it. */
  visibilityTimeoutSeconds: number;
  /** Batches in flight per queue (default 2, as npm start). */
  concurrency?: number;
  /**
   * The handler behind both queues, built from the product's functions/delivery.ts handler once the
   * environment is in place. Default: the product's handler as it is.
   */
  delivery?: (product: SqsHandler) => SqsHandler;
}

export interface FaultStack extends TestStack {
  /** What the pollers reported (failed invocations, failed deletes), as the event source mapping would log it. */
  pollerReports: string[];
}

/** One per test file: the delivery function keeps its wiring (queue URLs, clients) for the life of the process. */
export async function startFaultStack(options: FaultStackOptions): Promise<FaultStack> {
  const sqsEndpoint = inject('sqsEndpoint');
  const queues = await freshQueues({ visibilityTimeoutSeconds: options.visibilityTimeoutSeconds });
  const { LOCAL_API_KEYS: _seededKeys, ...defaults } = LOCAL_DEFAULTS;
  Object.assign(process.env, defaults, { TABLE_NAME: `faults-${randomUUID()}` }, options.env, {
    DYNAMODB_ENDPOINT: inject('dynamodbEndpoint'),
    SQS_ENDPOINT: sqsEndpoint,
    ...queues,
  });
  resetConfig();
  const config = parseConfig(process.env);

  const admin = new DynamoDBClient({ endpoint: config.DYNAMODB_ENDPOINT, region: config.AWS_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await ensureTable(admin, config.TABLE_NAME);
  admin.destroy();

  const { handler: product } = (await import('../../../functions/delivery.js')) as { handler: SqsHandler };
  const handler = options.delivery ? options.delivery(product) : product;
  const pollerReports: string[] = [];
  const pollers: EventSourcePoller[] = [];
  for (const queueUrl of [queues.NOTIFICATIONS_QUEUE_URL, queues.RETRIES_QUEUE_URL]) {
    pollers.push(
      await startEventSourcePoller({
        endpoint: sqsEndpoint,
        queueUrl,
        handler,
        functionName: 'delivery',
        region: config.AWS_REGION,
        concurrency: options.concurrency,
        timeoutMs: 60_000,
        onError: (message) => void pollerReports.push(message),
      }),
    );
  }
  const api = await startApiServer(0);
  const stop = async (): Promise<void> => {
    await api.close();
    await Promise.all(pollers.map((poller) => poller.stop()));
  };
  return { apiUrl: api.url, config, apiKeys: [], clients: [], sqsEndpoint, queues, delivering: true, stop, pollerReports };
}
