// The whole product on one machine: DynamoDB Local, the SQS/S3 emulator, queues, seeded keys, the API and delivery.
import { deduplicationTableName, parseConfig, type Config } from '../../shared/config.js';
import { isPhoneNumber } from '../../shared/domain/phone-number.js';
import { createServices, type Adapters, type Services } from '../../shared/services.js';
import { startApiServer } from './api-server.js';
import { startDeliveryPollers } from './delivery-pollers.js';
import { startDynamoDbLocal } from './dynamodb-local.js';
import { DeliveryCounts, liveSummary } from './live-summary.js';
import type { SqsHandler } from './event-source-poller.js';
import { loadFunction } from './function-modules.js';
import { createLocalQueues, startSqsEmulator, type QueueEnvironment } from './sqs-emulator.js';
import type { LocalStackTarget } from './state-file.js';
import { ensureLocalDeduplicationTable, ensureLocalTable } from './tables.js';

/** Local defaults for what the deployed stack would set; any of them can be overridden. */
export const LOCAL_DEFAULTS = {
  TABLE_NAME: 'multi-webhook',
  AWS_REGION: 'us-east-1',
  DESTINATION_POLICY: 'local',
  WHATSAPP_APP_SECRET: 'local-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'local-verify-token',
  LOCAL_API_KEYS: '15550001111:local-demo-key',
} as const;

export interface LocalStackOptions {
  port?: number;
  /** Keep DynamoDB data in this directory; in memory when absent. */
  dbPath?: string;
  /** Use an already running DynamoDB Local (tests share one per run). */
  dynamodbEndpoint?: string;
  /** Use an already running SQS/S3 emulator (tests share one per run). */
  sqsEndpoint?: string;
  /** Prepended to queue and bucket names, so stacks sharing an emulator do not share queues. */
  queuePrefix?: string;
  /** Batches in flight per queue for the delivery function (default 5, as Lambda starts). */
  deliveryConcurrency?: number;
  /** How long a received message stays hidden unless the function says otherwise (default 30 s). */
  queueVisibilityTimeoutSeconds?: number;
  /** Environment of the emulated functions, over LOCAL_DEFAULTS. */
  env?: Record<string, string | undefined>;
  /** Adapters to use instead of the ones the configuration describes (a test's sender, say). */
  adapters?: Partial<Adapters>;
  /** Wraps the delivery handler the pollers invoke (a test's crash after the real handler ran). */
  wrapDelivery?: (delivery: SqsHandler) => SqsHandler;
  /** Where the pollers report failed invocations and deletes (default console.error). */
  onPollerError?: (message: string, error?: unknown) => void;
  /** Prints delivery's totals every few seconds while they change (`npm start`); off by default. */
  liveSummary?: { print(line: string): void; intervalMs?: number };
}

export interface LocalStack {
  apiUrl: string;
  config: Config;
  /** The services every emulated function of this stack runs on. */
  services: Services;
  /** Phone number and key pairs seeded from LOCAL_API_KEYS. */
  apiKeys: { phoneNumber: string; key: string }[];
  sqsEndpoint: string;
  /** Queue URLs and the payload bucket, as the functions' environment names them. */
  queues: QueueEnvironment;
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  // Stopped in reverse order of start: the API, then delivery (draining its batches), then the emulators.
  const stops: (() => Promise<void>)[] = [];
  try {
    const { dynamodbEndpoint, sqsEndpoint } = await startEmulators(options, stops);
    const region = options.env?.AWS_REGION ?? LOCAL_DEFAULTS.AWS_REGION;
    const queues = await createLocalQueues(sqsEndpoint, {
      prefix: options.queuePrefix,
      region,
      visibilityTimeoutSeconds: options.queueVisibilityTimeoutSeconds,
    });
    // The emulated functions get the configuration a deployed stack's environment would give them.
    const env = {
      ...LOCAL_DEFAULTS,
      ...withoutUndefined(options.env ?? {}),
      DYNAMODB_ENDPOINT: dynamodbEndpoint,
      SQS_ENDPOINT: sqsEndpoint,
      ...queues,
    };
    const config = parseConfig(env);
    await ensureLocalTable(dynamodbEndpoint, config.TABLE_NAME, config.AWS_REGION);
    await ensureLocalDeduplicationTable(dynamodbEndpoint, deduplicationTableName(config), config.AWS_REGION);
    const counts = options.liveSummary && !options.adapters?.metrics ? new DeliveryCounts() : undefined;
    const services = createServices(config, { ...options.adapters, ...(counts && { metrics: counts }) });
    stops.unshift(() => services.close());
    if (counts && options.liveSummary) {
      const summary = liveSummary(counts, options.liveSummary.print, options.liveSummary.intervalMs);
      stops.unshift(summary.stop);
    }

    const apiKeys = parseApiKeys(env.LOCAL_API_KEYS ?? '');
    for (const { phoneNumber, key } of apiKeys) await services.apiKeys.register(phoneNumber, key);

    const delivery = await loadFunction<SqsHandler>('delivery', services);
    const pollers = await startDeliveryPollers({
      endpoint: sqsEndpoint,
      queues,
      region: config.AWS_REGION,
      handler: options.wrapDelivery ? options.wrapDelivery(delivery) : delivery,
      concurrency: options.deliveryConcurrency,
      onError: options.onPollerError,
    });
    stops.unshift(pollers.stop);
    const api = await startApiServer(options.port ?? 3000, services);
    stops.unshift(api.close);
    return { apiUrl: api.url, config, services, apiKeys, sqsEndpoint, queues, stop: () => stopAll(stops) };
  } catch (error) {
    await stopAll(stops);
    throw error;
  }
}
/** What the CLI needs to find a running stack, written to the state file by the process `pid` that runs it. */
export function stateOf(stack: LocalStack, pid: number): LocalStackTarget {
  return {
    pid,
    apiUrl: stack.apiUrl,
    dynamodbEndpoint: stack.config.DYNAMODB_ENDPOINT!,
    tableName: stack.config.TABLE_NAME,
    sqsEndpoint: stack.sqsEndpoint,
    region: stack.config.AWS_REGION,
    queues: { ...stack.queues },
    appSecret: stack.config.WHATSAPP_APP_SECRET ?? LOCAL_DEFAULTS.WHATSAPP_APP_SECRET,
  };
}

/** Starts, in parallel, the emulators the options do not point at; each registers its stop once up. */
async function startEmulators(
  options: LocalStackOptions,
  stops: (() => Promise<void>)[],
): Promise<{ dynamodbEndpoint: string; sqsEndpoint: string }> {
  const track = <T extends { endpoint: string; stop(): Promise<void> }>(starting: Promise<T>) =>
    starting.then((emulator) => {
      stops.unshift(emulator.stop);
      return emulator.endpoint;
    });
  const dynamodb = options.dynamodbEndpoint
    ? Promise.resolve(options.dynamodbEndpoint)
    : track(startDynamoDbLocal({ dbPath: options.dbPath }));
  const sqs = options.sqsEndpoint ? Promise.resolve(options.sqsEndpoint) : track(startSqsEmulator());
  // Both settle before either failure is thrown, so the caller can stop the one that did start.
  await Promise.allSettled([dynamodb, sqs]);
  return { dynamodbEndpoint: await dynamodb, sqsEndpoint: await sqs };
}

/** `LOCAL_API_KEYS=<phone>:<key>,<phone>:<key>` */
export function parseApiKeys(spec: string): { phoneNumber: string; key: string }[] {
  return spec
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair, index) => {
      const separator = pair.indexOf(':');
      const phoneNumber = pair.slice(0, separator);
      const key = pair.slice(separator + 1);
      // The message names the position, never the text: it may hold a key.
      if (!isPhoneNumber(phoneNumber) || key.length < 8) {
        throw new Error(`LOCAL_API_KEYS entry ${index + 1} is not <6-15 digit phone number>:<key of 8 or more characters>.`);
      }
      return { phoneNumber, key };
    });
}

function withoutUndefined(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

async function stopAll(stops: (() => Promise<void>)[]): Promise<void> {
  for (const stop of stops) await stop().catch(() => undefined);
}
