// The composition root: every adapter and service of the product, built from a configuration it is
// given. Lambda entry points (functions/), the local runtime, the tests, the benchmarks and the CLI
// all wire the product here, so two sets of services in one process share nothing by accident.
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDynamoBaseClient, createSqsClient, documentClientOf, lazyS3Client } from './aws/clients.js';
import type { Tracing } from './aws/tracing.js';
import { deduplicationTableName, type Config } from './config.js';
import { cachedConfigReader } from './delivery/config-cache.js';
import { DeliveryService } from './delivery/delivery-service.js';
import { DestinationAttempts } from './delivery/destination-attempts.js';
import { OperationalNotices } from './delivery/notices.js';
import { Pauses } from './delivery/pauses.js';
import type { HttpSender, SenderOptions } from './delivery/http-sender.js';
import { tracedSender } from './delivery/traced-sender.js';
import { createRecordHandler, type RecordHandler } from './delivery/sqs-record-handler.js';
import type { ApiKeyStore } from './domain/api-key.js';
import type { Deduplication } from './domain/deduplication.js';
import { NO_METRICS, type DeliveryMetrics } from './domain/delivery-metrics.js';
import type { AttemptStore } from './domain/delivery-attempt.js';
import type { DeliveryLog } from './domain/delivery-log.js';
import type { HealthStore } from './domain/parking.js';
import type { PayloadStore } from './domain/payload.js';
import type { DeliveryQueue, NotificationQueue } from './domain/queues.js';
import { requestSchemas, type RequestSchemas } from './domain/requests.js';
import type { WabaDirectory } from './domain/waba.js';
import type { WebhookStore } from './domain/webhook.js';
import { S3PayloadStore } from './payload/s3-payload-store.js';
import { SqsDeliveryQueue } from './queue/delivery-queue.js';
import { SqsNotificationQueue } from './queue/notification-queue.js';
import { createWhatsAppSecrets, signingMasterKey, type WhatsAppSecrets } from './secrets.js';
import { createAesSealer } from './signing/aes-sealer.js';
import { SigningSecrets } from './signing/signing-secrets.js';
import { DynamoApiKeyStore } from './store/api-key-store.js';
import { DynamoAttemptStore } from './store/attempt-store.js';
import { DynamoDeliveryLog, deliveryRetentionSeconds } from './store/delivery-log-store.js';
import { DynamoHealthStore } from './store/health-store.js';
import { IdempotentDeduplication } from './store/ingest-deduplication.js';
import { DynamoWabaStore } from './store/waba-store.js';
import { DynamoWebhookStore } from './store/webhook-store.js';

/** What a test, a benchmark or the local runtime may replace; everything else is built from the configuration. */
export interface Adapters {
  dynamo: DynamoDBDocumentClient;
  sqs: SQSClient;
  payloads: PayloadStore;
  sender: HttpSender;
  now: () => number;
  random: () => number;
  /** What delivery counts: CloudWatch metrics in the delivery function, counters locally; nothing by default. */
  metrics: DeliveryMetrics;
  /** Captures the SDK clients and each delivery attempt; untraced by default. */
  tracing: Tracing;
}

export interface Services {
  readonly config: Config;
  /** The SDK clients, for tests that watch or fault their middleware stacks. */
  readonly clients: { readonly dynamo: DynamoDBDocumentClient; readonly sqs: SQSClient };
  readonly webhooks: WebhookStore;
  readonly apiKeys: ApiKeyStore;
  readonly attempts: AttemptStore;
  /** The destinations' breakers and parked notifications. */
  readonly health: HealthStore;
  /** Which numbers belong to which WABA, learned by ingest; it remembers what it confirmed while warm. */
  readonly wabas: WabaDirectory;
  readonly schemas: RequestSchemas;
  readonly secrets: WhatsAppSecrets;
  readonly payloads: PayloadStore;
  /** Ingest's queue; built on first use (only ingest has NOTIFICATIONS_QUEUE_URL). */
  readonly notifications: NotificationQueue;
  readonly deliveryQueue: DeliveryQueue;
  /** Ingest's memory of the notifications it accepted; built on first use. */
  readonly deduplication: Deduplication;
  /** The adapters given to createServices in place of the configured ones. */
  readonly overrides: Partial<Adapters>;
  /** Runs `release` when the services are closed (the delivery wiring's sender, say). */
  onClose(release: () => Promise<void>): void;
  /** Releases every client's and sender's connections. */
  close(): Promise<void>;
  /** Where each copy that failed stands (GET /deliveries, replay). */
  readonly deliveryLog: DeliveryLog;
  /** What delivery counts; the Lambda entry publishes it after each invocation. */
  readonly metrics: DeliveryMetrics;
  /** Webhooks' signing secrets: issued, rotated, sealed under the master key, and signing attempts. */
  readonly signing: SigningSecrets;
  /** Pausing and resuming destinations; built on first use (a resume sends a drain timer to the retries queue). */
  readonly pauses: Pauses;
}

export function createServices(config: Config, overrides: Partial<Adapters> = {}): Services {
  const target = { region: config.AWS_REGION };
  const capture = <T>(client: T): T => overrides.tracing?.captureClient(client) ?? client;
  // One DynamoDB client for the stores and the de-duplication library alike (one middleware stack).
  const dynamoBase = capture(createDynamoBaseClient({ ...target, endpoint: config.DYNAMODB_ENDPOINT }));
  const dynamo = overrides.dynamo ?? documentClientOf(dynamoBase);
  const sqs = overrides.sqs ?? capture(createSqsClient({ ...target, endpoint: config.SQS_ENDPOINT }));
  const payloads =
    overrides.payloads ?? new S3PayloadStore(lazyS3Client({ ...target, endpoint: config.SQS_ENDPOINT }, capture), config.PAYLOAD_BUCKET);
  const releases: (() => Promise<void>)[] = [];
  const webhooks = new DynamoWebhookStore(dynamo, config.TABLE_NAME);
  const attempts = new DynamoAttemptStore(dynamo, config.TABLE_NAME);
  const deliveryLog = new DynamoDeliveryLog(
    dynamo,
    config.TABLE_NAME,
    deliveryRetentionSeconds(config.RETRY_MAX_AGE_SECONDS),
    overrides.now ?? Date.now,
  );

  const notifications = once(() => new SqsNotificationQueue(sqs, required(config, 'NOTIFICATIONS_QUEUE_URL'), payloads));
  const deduplication = once(
    () => new IdempotentDeduplication(dynamoBase, deduplicationTableName(config), config.DEDUPLICATION_WINDOW_SECONDS),
  );
  const deliveryQueue = once(
    () =>
      new SqsDeliveryQueue(sqs, {
        notifications: required(config, 'NOTIFICATIONS_QUEUE_URL'),
        retries: required(config, 'RETRIES_QUEUE_URL'),
        notificationsDeadLetter: required(config, 'NOTIFICATIONS_DLQ_URL'),
        retriesDeadLetter: required(config, 'RETRIES_DLQ_URL'),
      }),
  );
  const health = new DynamoHealthStore(dynamo, config.TABLE_NAME);
  const pauses = once(() => new Pauses({ health, queue: deliveryQueue(), now: overrides.now ?? Date.now }));
  return {
    config,
    clients: { dynamo, sqs },
    webhooks,
    apiKeys: new DynamoApiKeyStore(dynamo, config.TABLE_NAME),
    attempts,
    health,
    wabas: new DynamoWabaStore(dynamo, config.TABLE_NAME),
    schemas: requestSchemas(config.DESTINATION_POLICY),
    secrets: createWhatsAppSecrets(config, capture),
    payloads,
    get notifications() {
      return notifications();
    },
    get deliveryQueue() {
      return deliveryQueue();
    },
    get deduplication() {
      return deduplication();
    },
    overrides,
    onClose: (release) => void releases.push(release),
    async close() {
      await Promise.all(releases.splice(0).map((release) => release()));
      dynamoBase.destroy(); // the document client over it shares its connections
      if (!overrides.sqs) sqs.destroy();
    },
    deliveryLog,
    metrics: overrides.metrics ?? NO_METRICS,
    signing: new SigningSecrets(createAesSealer(signingMasterKey(config)), config.SIGNING_ROTATION_GRACE_SECONDS, overrides.now),
    get pauses() {
      return pauses();
    },
  };
}

/**
 * The delivery function's wiring over a set of services. The sender's factory comes from the
 * delivery function itself: importing it here would put undici (~370 KB) into every bundle.
 */
export function createDeliveryRecordHandler(services: Services, createSender: (options: SenderOptions) => HttpSender): RecordHandler {
  const { config, webhooks, attempts, payloads, overrides } = services;
  const queue = services.deliveryQueue;
  let sender = senderOf(services, createSender);
  if (overrides.tracing) sender = tracedSender(sender, overrides.tracing);
  const now = overrides.now ?? Date.now;
  const random = overrides.random ?? Math.random;
  const policy = { baseSeconds: config.RETRY_BASE_SECONDS, maxAgeSeconds: config.RETRY_MAX_AGE_SECONDS };
  const health = services.health;
  const readConfig = cachedConfigReader((phoneNumber) => webhooks.readPhoneConfig(phoneNumber), config.CONFIG_CACHE_SECONDS);
  const notices = new OperationalNotices({ readConfig, sender, signing: services.signing, now });
  const service = new DeliveryService({
    readConfig,
    attempts: new DestinationAttempts({
      sender,
      health,
      recordFailure: (attempt) => attempts.recordFailure(attempt),
      policy,
      // What a process learned about a breaker stands for as long as a cached configuration would.
      knownHealthSeconds: Math.max(1, config.CONFIG_CACHE_SECONDS),
      now,
      random,
      deliveryLog: services.deliveryLog,
      logSuccesses: config.DELIVERY_LOG_SUCCESSES,
      metrics: services.metrics,
      signing: services.signing,
      notices,
    }),
    health,
    notices,
    queue,
    payloads,
    policy,
    now,
    random,
  });
  return createRecordHandler({ service, queue, payloads, deduplication: services.deduplication });
}

/** The sender of these services: a test's, or one built from the configuration and closed with them. */
export function senderOf(services: Services, createSender: (options: SenderOptions) => HttpSender): HttpSender {
  const { config, overrides } = services;
  if (overrides.sender) return overrides.sender;
  const own = createSender({ policy: config.DESTINATION_POLICY, timeoutMs: config.DELIVERY_TIMEOUT_MS });
  services.onClose(() => own.close());
  return own;
}

type QueueSetting = 'NOTIFICATIONS_QUEUE_URL' | 'NOTIFICATIONS_DLQ_URL' | 'RETRIES_QUEUE_URL' | 'RETRIES_DLQ_URL';

function required(config: Config, name: QueueSetting): string {
  const value = config[name];
  if (!value) throw new Error(`${name} is not set.`);
  return value;
}

/** Builds on first call and returns the same value after. */
function once<T>(build: () => T): () => T {
  let value: { built: T } | undefined;
  return () => (value ??= { built: build() }).built;
}
