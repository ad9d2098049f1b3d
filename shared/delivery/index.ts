// The delivery function's parts, wired once per process from the configuration.
import { config } from '../config.js';
import { DeliveryQueue } from '../queue/delivery-queue.js';
import { sqsClient } from '../queue/aws-clients.js';
import { loadPayload } from '../queue/notification-queue.js';
import { attemptStore, webhookStore } from '../store/index.js';
import { cachedConfigReader } from './config-cache.js';
import { DeliveryService } from './delivery-service.js';
import { createHttpSender } from './http-sender.js';
import { createRecordHandler } from './sqs-record-handler.js';

export function deliveryRecordHandler() {
  const env = config();
  const queueUrls = {
    notifications: required(env.NOTIFICATIONS_QUEUE_URL, 'NOTIFICATIONS_QUEUE_URL'),
    retries: required(env.RETRIES_QUEUE_URL, 'RETRIES_QUEUE_URL'),
  };
  const queue = new DeliveryQueue(sqsClient(), {
    retries: queueUrls.retries,
    notificationsDeadLetter: required(env.NOTIFICATIONS_DLQ_URL, 'NOTIFICATIONS_DLQ_URL'),
    retriesDeadLetter: required(env.RETRIES_DLQ_URL, 'RETRIES_DLQ_URL'),
  });
  const attempts = attemptStore();
  const store = webhookStore();
  const service = new DeliveryService({
    readConfig: cachedConfigReader((phoneNumber) => store.readPhoneConfig(phoneNumber), env.CONFIG_CACHE_SECONDS),
    sender: createHttpSender({ policy: env.DESTINATION_POLICY, timeoutMs: env.DELIVERY_TIMEOUT_MS }),
    scheduleCloneRetries: (retries, delaySeconds) => queue.scheduleCloneRetries(retries, delaySeconds),
    recordFailure: (attempt) => attempts.recordFailure(attempt),
    policy: { baseSeconds: env.RETRY_BASE_SECONDS, maxAgeSeconds: env.RETRY_MAX_AGE_SECONDS },
    now: Date.now,
    random: Math.random,
  });
  return createRecordHandler({ service, queue, queueUrls, loadPayload });
}

function required(value: string | undefined, name: string): string {
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
