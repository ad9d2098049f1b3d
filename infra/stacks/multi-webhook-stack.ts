// The whole service in one stack: data, messaging, API, delivery and operations, wired with least privilege.
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DeliveryWorker } from '../constructs/delivery-worker.js';
import { KeysOperatorPolicy } from '../constructs/keys-operator-policy.js';
import { NotificationQueues } from '../constructs/notification-queues.js';
import { OperationsAlarms } from '../constructs/operations-alarms.js';
import { OperationsDashboard } from '../constructs/operations-dashboard.js';
import { PayloadBucket } from '../constructs/payload-bucket.js';
import { SigningMasterKey } from '../constructs/signing-master-key.js';
import { functionSizes } from '../constructs/function-sizing.js';
import { repositorySources, type FunctionDefaults, type FunctionSources } from '../constructs/service-function.js';
import { WebhookApi } from '../constructs/webhook-api.js';
import { WebhookTable } from '../constructs/webhook-table.js';
import { WhatsAppSecrets } from '../constructs/whatsapp-secrets.js';
import { INGEST_PATH, routeKey, routes } from '../routes.js';
import type { StackConfig } from './stack-config.js';

/** Path of the WhatsApp ingest routes, appended to the API URL for the IngestUrl output. */

export interface MultiWebhookStackProps extends StackProps {
  readonly config: StackConfig;
  /** Defaults to the repository's functions/ directory. */
  readonly sources?: FunctionSources;
}

// One stack rather than one per layer: the grants cross every layer (queue -> function -> table),
// and cross-stack references would turn each into an export that blocks later changes.
export class MultiWebhookStack extends Stack {
  readonly data: WebhookTable;
  readonly queues: NotificationQueues;
  readonly payloads: PayloadBucket;
  readonly api: WebhookApi;
  readonly delivery: DeliveryWorker;
  readonly alarms: OperationsAlarms;
  readonly signingKey: SigningMasterKey;

  constructor(scope: Construct, id: string, props: MultiWebhookStackProps) {
    super(scope, id, props);
    const { config } = props;
    // Logs follow the data: kept for a production stage, removed with a throwaway one.
    const logRemovalPolicy = config.removalPolicy === RemovalPolicy.RETAIN ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    this.data = new WebhookTable(this, 'Data', { removalPolicy: config.removalPolicy });
    this.queues = new NotificationQueues(this, 'Messaging', {
      consumerTimeout: functionSizes.delivery.timeout,
      // Queues hold at most 14 days of in-flight work; a retained orphan queue would only cost money.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.payloads = new PayloadBucket(this, 'Payloads', { removalPolicy: config.removalPolicy });
    const secrets = new WhatsAppSecrets(this, 'WhatsAppSecrets', {
      appSecretParameter: config.whatsappAppSecretParameter,
      verifyTokenParameter: config.whatsappVerifyTokenParameter,
      kmsKeyArn: config.parametersKmsKeyArn,
    });

    const signingKey = (this.signingKey = new SigningMasterKey(this, 'SigningMasterKey', { removalPolicy: config.removalPolicy }));

    const defaults: FunctionDefaults = {
      sources: props.sources ?? repositorySources,
      logRetention: config.logRetention,
      logRemovalPolicy,
      logLevel: config.logLevel,
      environment: {
        TABLE_NAME: this.data.table.tableName,
        DEDUPLICATION_TABLE_NAME: this.data.deduplication.tableName,
        DESTINATION_POLICY: 'strict',
        NOTIFICATIONS_QUEUE_URL: this.queues.notifications.queue.queueUrl,
        NOTIFICATIONS_DLQ_URL: this.queues.notifications.deadLetterQueue.queueUrl,
        RETRIES_QUEUE_URL: this.queues.retries.queue.queueUrl,
        RETRIES_DLQ_URL: this.queues.retries.deadLetterQueue.queueUrl,
        PAYLOAD_BUCKET: this.payloads.bucket.bucketName,
        DELIVERY_TIMEOUT_MS: String(config.deliveryTimeoutMs),
        RETRY_BASE_SECONDS: String(config.retryBaseSeconds),
        RETRY_MAX_AGE_SECONDS: String(config.retryMaxAgeSeconds),
        CONFIG_CACHE_SECONDS: String(config.configCacheSeconds),
        ...secrets.environment,
        ...signingKey.environment,
      },
    };

    this.api = new WebhookApi(this, 'Api', {
      routes,
      defaults,
      table: this.data.table,
      deduplicationTable: this.data.deduplication,
      notificationsQueue: this.queues.notifications.queue,
      retriesQueue: this.queues.retries.queue,
      payloads: this.payloads,
      secrets,
      signingKey,
      throttles: config.throttles,
      ingestReservedConcurrency: config.ingestReservedConcurrency,
      logRetention: config.logRetention,
      logRemovalPolicy,
    });
    this.delivery = new DeliveryWorker(this, 'Delivery', {
      defaults,
      queues: this.queues,
      table: this.data.table,
      deduplicationTable: this.data.deduplication,
      payloadBucket: this.payloads,
      signingKey,
      maxConcurrency: config.deliveryMaxConcurrency,
    });

    const ingestRoute = routes.find((route) => route.throttle === 'ingest');
    if (!ingestRoute) throw new Error('infra/routes.ts has no ingest route');
    this.alarms = new OperationsAlarms(this, 'Alarms', {
      queues: this.queues,
      delivery: this.delivery.worker.function,
      deliveryLogs: this.delivery.worker.logGroup,
      api: this.api.api,
      accessLogs: this.api.accessLogs,
      ingestRouteKey: routeKey(ingestRoute),
      ingest: this.api.routeFunctions.get(routeKey(ingestRoute))!.function,
      oldestNotificationAlarmSeconds: config.oldestNotificationAlarmSeconds,
      alarmTopicArn: config.alarmTopicArn,
      alarmEmail: config.alarmEmail,
      // Only a retained stage must page someone; a throwaway one may keep its alarms to the console.
      refuseDeployWithoutTarget: config.alarms === 'required-at-deploy' && config.removalPolicy === RemovalPolicy.RETAIN,
      acknowledgedWithoutTarget: config.alarms === 'none',
    });
    const dashboard = new OperationsDashboard(this, 'Dashboard', {
      api: this.api.api,
      queues: this.queues,
      delivery: this.delivery.worker.function,
      alarms: this.alarms.alarms,
    });

    // apiEndpoint has no trailing slash, so paths append cleanly.
    new CfnOutput(this, 'ApiUrl', { value: this.api.api.apiEndpoint, description: 'Base URL of the management API' });
    new CfnOutput(this, 'IngestUrl', {
      value: `${this.api.api.apiEndpoint}${INGEST_PATH}`,
      description: "Callback URL for Meta's WhatsApp webhook",
    });
    new CfnOutput(this, 'NotificationsQueueUrl', {
      value: this.queues.notifications.queue.queueUrl,
      description: 'Queue for platform producers: {"phoneNumber","payload","id"?}',
    });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName, description: 'TABLE_NAME for `npx multi-webhook keys create`' });
    const keysOperator = new KeysOperatorPolicy(this, 'KeysOperator', { table: this.data.table });
    new CfnOutput(this, 'KeysOperatorPolicyArn', {
      value: keysOperator.policy.managedPolicyArn,
      description: 'Attach to the role that runs `npx multi-webhook keys` (docs/reliability.md)',
    });
    new CfnOutput(this, 'DashboardName', { value: dashboard.dashboard.dashboardName });
    if (this.alarms.topic) new CfnOutput(this, 'AlarmTopicArn', { value: this.alarms.topic.topicArn });
  }
}
