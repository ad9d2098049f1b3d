// The delivery function wired as shared/delivery/index.ts wires it, from the same parts and the same
// configuration, except that the sender is strict and resolves names with a resolver the test controls.
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { config } from '../../../shared/config.js';
import { cachedConfigReader } from '../../../shared/delivery/config-cache.js';
import { DeliveryService } from '../../../shared/delivery/delivery-service.js';
import { createHttpSender, type HttpSender, type Lookup } from '../../../shared/delivery/http-sender.js';
import { createRecordHandler } from '../../../shared/delivery/sqs-record-handler.js';
import { DeliveryQueue } from '../../../shared/queue/delivery-queue.js';
import { sqsClient } from '../../../shared/queue/aws-clients.js';
import { loadPayload } from '../../../shared/queue/notification-queue.js';
import { DynamoAttemptStore } from '../../../shared/store/attempt-store.js';
import { dynamoClient } from '../../../shared/store/dynamo-client.js';
import { webhookStore } from '../../../shared/store/index.js';
import type { SqsHandler } from './fault-stack.js';

/** A DNS the test edits: names map to address lists; a name it does not know does not resolve. */
export interface ControlledDns {
  lookup: Lookup;
  set(hostname: string, addresses: string[]): void;
  /** Every name asked, in order. */
  readonly asked: readonly string[];
}

export function controlledDns(): ControlledDns {
  const records = new Map<string, string[]>();
  const asked: string[] = [];
  return {
    asked,
    set: (hostname, addresses) => void records.set(hostname, addresses),
    lookup: async (hostname) => {
      asked.push(hostname);
      const addresses = records.get(hostname);
      if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return addresses.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));
    },
  };
}

/** The delivery handler with a strict sender resolving through `lookup`; everything else is the product's. */
export function strictDeliveryHandler(lookup: Lookup): { handler: SqsHandler; sender: HttpSender } {
  const env = config();
  const queueUrls = { notifications: env.NOTIFICATIONS_QUEUE_URL!, retries: env.RETRIES_QUEUE_URL! };
  const queue = new DeliveryQueue(sqsClient(), { retries: queueUrls.retries, notificationsDeadLetter: env.NOTIFICATIONS_DLQ_URL!, retriesDeadLetter: env.RETRIES_DLQ_URL! });
  const attempts = new DynamoAttemptStore(dynamoClient(), env.TABLE_NAME);
  const store = webhookStore();
  const sender = createHttpSender({ policy: 'strict', timeoutMs: env.DELIVERY_TIMEOUT_MS, lookup });
  const service = new DeliveryService({
    readConfig: cachedConfigReader((phoneNumber) => store.readPhoneConfig(phoneNumber), env.CONFIG_CACHE_SECONDS),
    sender,
    scheduleCloneRetries: (retries, delaySeconds) => queue.scheduleCloneRetries(retries, delaySeconds),
    recordFailure: (attempt) => attempts.recordFailure(attempt),
    policy: { baseSeconds: env.RETRY_BASE_SECONDS, maxAgeSeconds: env.RETRY_MAX_AGE_SECONDS },
    now: Date.now,
    random: Math.random,
  });
  const handleRecord = createRecordHandler({ service, queue, queueUrls, loadPayload });
  const handler: SqsHandler = (event, context) => processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), { context, throwOnFullBatchFailure: false });
  return { handler, sender };
}
