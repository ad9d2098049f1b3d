// The whole service in one stack: data, messaging, API, delivery and operations, wired with least privilege.
import { CfnOutput, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ApiCustomDomain } from '../constructs/custom-domain.js';
import { DeliveryWorker } from '../constructs/delivery-worker.js';
import { KeysOperatorPolicy } from '../constructs/keys-operator-policy.js';
import { NotificationQueues } from '../constructs/notification-queues.js';
import { OperationsAlarms } from '../constructs/operations-alarms.js';
import { OperationsDashboard } from '../constructs/operations-dashboard.js';
import { metricsStageOf } from '../constructs/delivery-metrics.js';
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
      // A retained stage keeps its queues too: deleting them would lose undelivered and dead-lettered notifications.
      removalPolicy: config.removalPolicy,
    });
    this.payloads = new PayloadBucket(this, 'Payloads', {
      removalPolicy: config.removalPolicy,
      retryMaxAgeSeconds: config.retryMaxAgeSeconds,
    });
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
        // A request that came in on the execute-api host must still refuse a destination at the custom domain.
        ...(config.customDomain && { SELF_HOSTS: config.customDomain.domainName }),
        METRICS_STAGE: metricsStageOf(this),
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
    this.addOperatorOutputs(config);
  }

  /** What `npx multi-webhook dlq|smoke|preflight --stack <name>` and the teardown steps read (docs/deploy.md). */
  private addOperatorOutputs(config: StackConfig): void {
    const { notifications, retries } = this.queues;
    new CfnOutput(this, 'NotificationsDlqUrl', { value: notifications.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'NotificationsDlqArn', { value: notifications.deadLetterQueue.queueArn });
    new CfnOutput(this, 'RetriesQueueUrl', { value: retries.queue.queueUrl });
    new CfnOutput(this, 'RetriesDlqUrl', { value: retries.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'RetriesDlqArn', { value: retries.deadLetterQueue.queueArn });
    new CfnOutput(this, 'PayloadBucketName', { value: this.payloads.bucket.bucketName });
    new CfnOutput(this, 'DeduplicationTableName', { value: this.data.deduplication.tableName });
    new CfnOutput(this, 'WhatsAppAppSecretParameter', {
      value: config.whatsappAppSecretParameter,
      description: 'SSM parameter the smoke test signs its notification with',
    });
    new CfnOutput(this, 'DeliveryMaxConcurrency', {
      value: String(config.deliveryMaxConcurrency),
      description: 'Per queue; `npx multi-webhook preflight` compares it with the account quota',
    });
    new CfnOutput(this, 'IngestReservedConcurrency', { value: String(config.ingestReservedConcurrency ?? 0) });
    if (config.customDomain) {
      const domain = new ApiCustomDomain(this, 'CustomDomain', { api: this.api.api, stage: this.api.stage, domain: config.customDomain });
      new CfnOutput(this, 'CustomDomainUrl', { value: domain.url, description: 'The stable base URL: give this one to customers' });
      new CfnOutput(this, 'CustomIngestUrl', { value: `${domain.url}${INGEST_PATH}`, description: 'The stable callback URL for Meta' });
      new CfnOutput(this, 'CustomDomainTarget', {
        value: domain.domainName.regionalDomainName,
        description: 'Point a CNAME (or an alias record) for the custom domain here',
      });
      new CfnOutput(this, 'CustomDomainHostedZoneId', { value: domain.domainName.regionalHostedZoneId });
    }
  }
}
