// The environment the delivery function reads, built over a DynamoDB Local and an in-process SQS emulator.
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createLocalQueues, startSqsEmulator, type QueueEnvironment } from '../../infra/local/sqs-emulator.js';
import { ensureTable } from '../../infra/local/tables.js';
import { resetConfig } from '../../shared/config.js';

/** The WhatsApp app secret every benchmark signs with and configures. */
export const BENCH_APP_SECRET = 'bench-app-secret';

export interface DeliveryEnvironment {
  tableName: string;
  queues: QueueEnvironment;
  stop(): Promise<void>;
}

/**
 * Real queues (never used on the happy path, but a failing send would reach them as in Lambda) and a
 * fresh table; the variables go into process.env, where shared/config.ts reads them.
 */
export async function prepareDeliveryEnvironment(options: { dynamodbEndpoint: string; configCacheSeconds: number }): Promise<DeliveryEnvironment> {
  const sqs = await startSqsEmulator();
  const queues = await createLocalQueues(sqs.endpoint, { prefix: 'bench-' });
  const tableName = `bench-${randomUUID()}`;
  const admin = new DynamoDBClient({ endpoint: options.dynamodbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await ensureTable(admin, tableName);
  admin.destroy();
  Object.assign(process.env, {
    ...queues,
    TABLE_NAME: tableName,
    AWS_REGION: 'us-east-1',
    DYNAMODB_ENDPOINT: options.dynamodbEndpoint,
    SQS_ENDPOINT: sqs.endpoint,
    DESTINATION_POLICY: 'local',
    CONFIG_CACHE_SECONDS: String(options.configCacheSeconds),
    WHATSAPP_APP_SECRET: BENCH_APP_SECRET,
  });
  resetConfig();
  return { tableName, queues, stop: sqs.stop };
}
