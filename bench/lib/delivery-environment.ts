// The delivery function's configuration and services, built over a DynamoDB Local and an in-process SQS emulator.
import { randomUUID } from 'node:crypto';
import { createLocalQueues, startSqsEmulator, type QueueEnvironment } from '../../infra/local/sqs-emulator.js';
import { ensureLocalTable } from '../../infra/local/tables.js';
import { parseConfig, type Config } from '../../shared/config.js';
import { createServices, type Services } from '../../shared/services.js';

/** The WhatsApp app secret every benchmark signs with and configures. */
export const BENCH_APP_SECRET = 'bench-app-secret';

export interface DeliveryEnvironment {
  /** What a deployed delivery function's environment would say, for handlers that build their own services. */
  config: Config;
  /** Services over that configuration, for configuring numbers and for handlers built with create(services). */
  services: Services;
  queues: QueueEnvironment;
  stop(): Promise<void>;
}

/**
 * Real queues (never used on the happy path, but a failing send would reach them as in Lambda) and a
 * fresh table, described by a configuration of their own: nothing goes into process.env.
 */
export async function prepareDeliveryEnvironment(options: {
  dynamodbEndpoint: string;
  configCacheSeconds: number;
}): Promise<DeliveryEnvironment> {
  const sqs = await startSqsEmulator();
  try {
    const queues = await createLocalQueues(sqs.endpoint, { prefix: 'bench-' });
    const config = parseConfig({
      ...queues,
      TABLE_NAME: `bench-${randomUUID()}`,
      AWS_REGION: 'us-east-1',
      DYNAMODB_ENDPOINT: options.dynamodbEndpoint,
      SQS_ENDPOINT: sqs.endpoint,
      DESTINATION_POLICY: 'local',
      CONFIG_CACHE_SECONDS: String(options.configCacheSeconds),
      WHATSAPP_APP_SECRET: BENCH_APP_SECRET,
    });
    await ensureLocalTable(options.dynamodbEndpoint, config.TABLE_NAME, config.AWS_REGION);
    const services = createServices(config);
    const stop = async () => {
      await services.close();
      await sqs.stop();
    };
    return { config, services, queues, stop };
  } catch (error) {
    await sqs.stop();
    throw error;
  }
}
