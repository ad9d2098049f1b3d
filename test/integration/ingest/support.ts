// The ingest tests' world: the run's SQS/S3 emulator and DynamoDB Local (a table per file, where ingest
// learns WABAs), a fresh queue and services per test, API Gateway v2 events and Meta-style signed bodies.
import { LOCAL_CREDENTIALS } from '../../../shared/aws/clients.js';
import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { apiGatewayEvent, lambdaContext } from '../../../infra/local/lambda-events.js';
import { ensureLocalDeduplicationTable } from '../../../infra/local/tables.js';
import { parseConfig } from '../../../shared/config.js';
import type { HttpEvent } from '../../../shared/http/http-handler.js';
import type { HttpResult } from '../../../shared/http/responses.js';
import { createServices, type Services } from '../../../shared/services.js';
import { freshTable } from '../../helpers/dynamo.js';
import { sqsTestClient } from '../../helpers/fresh-queues.js';
import { notificationBody, sign as signWith } from '../../helpers/whatsapp.js';

export const APP_SECRET = 'ingest-test-app-secret';
export const VERIFY_TOKEN = 'ingest-test-verify-token';

type Handler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

export interface Emulator {
  sqs: SQSClient;
  s3: S3Client;
  bucket: string;
  /** The table ingest's services use, for tests that look at what it learned. */
  tableName: string;
  /** A queue of its own and services pointed at it, so each test sees only its own messages. */
  freshQueue(env?: Record<string, string | undefined>): Promise<string>;
  /** The services of the latest fresh queue. */
  readonly services: Services;
  /** The ingest and verify functions built on those services. */
  readonly ingest: Handler;
  readonly verify: Handler;
  stop(): Promise<void>;
}

/** The run's emulator, a bucket of this file's own, and services built from the configuration ingest gets deployed. */
/** One emulator per test file and a fresh queue per test, as `world.emulator` and `world.queueUrl` (a test may take another). */
export function useIngestEmulator(): { readonly emulator: Emulator; queueUrl: string } {
  const world = {} as { emulator: Emulator; queueUrl: string };
  beforeAll(async () => {
    world.emulator = await startEmulator();
  });
  afterAll(() => world.emulator?.stop());
  beforeEach(async () => {
    world.queueUrl = await world.emulator.freshQueue();
  });
  return world;
}

export async function startEmulator(): Promise<Emulator> {
  const endpoint = inject('sqsEndpoint');
  const sqs = sqsTestClient();
  const s3 = new S3Client({ endpoint, region: 'us-east-1', credentials: LOCAL_CREDENTIALS, forcePathStyle: true });
  const bucket = `payloads-${randomUUID()}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const table = await freshTable();
  table.db.destroy();
  const { create: createIngest } = await import('../../../functions/whatsapp-ingest.js');
  const { create: createVerify } = await import('../../../functions/whatsapp-verify.js');
  let current: { services: Services; ingest: Handler; verify: Handler } | undefined;
  const built = () => {
    if (!current) throw new Error('call freshQueue() first');
    return current;
  };
  return {
    sqs,
    s3,
    bucket,
    tableName: table.tableName,
    async freshQueue(env = {}) {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `notifications-${randomUUID()}` }));
      // A de-duplication memory of its own too, so no test sees another's notifications as seen.
      const deduplicationTable = `dedup-${randomUUID()}`;
      await ensureLocalDeduplicationTable(table.endpoint, deduplicationTable);
      await current?.services.close();
      const config = parseConfig({
        SQS_ENDPOINT: endpoint,
        DYNAMODB_ENDPOINT: table.endpoint,
        TABLE_NAME: table.tableName,
        DEDUPLICATION_TABLE_NAME: deduplicationTable,
        PAYLOAD_BUCKET: bucket,
        NOTIFICATIONS_QUEUE_URL: QueueUrl,
        WHATSAPP_APP_SECRET: APP_SECRET,
        WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN,
        ...env,
      });
      const services = createServices(config);
      current = { services, ingest: createIngest(services), verify: createVerify(services) };
      return QueueUrl!;
    },
    get services() {
      return built().services;
    },
    get ingest() {
      return built().ingest;
    },
    get verify() {
      return built().verify;
    },
    async stop() {
      await current?.services.close();
      sqs.destroy();
      s3.destroy();
    },
  };
}

/** Every message on the queue, consumed: bodies parsed as JSON. */
export async function drain(sqs: SQSClient, queueUrl: string): Promise<any[]> {
  const bodies: any[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return bodies;
    for (const message of Messages) {
      bodies.push(JSON.parse(message.Body!));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }));
    }
  }
}

export const sign = (body: Buffer | string, secret = APP_SECRET) => signWith(body, secret);
export { notificationBody };

/** The event API Gateway builds for the WhatsApp routes (no authorizer on them). */
export function httpEvent(
  method: 'GET' | 'POST',
  options: { body?: Buffer; headers?: Record<string, string>; query?: Record<string, string> } = {},
): HttpEvent {
  const { body, headers = {}, query } = options;
  return apiGatewayEvent({
    method,
    path: '/webhooks/whatsapp',
    headers: { 'content-type': 'application/json', 'user-agent': 'facebookexternalua', ...headers },
    rawQuery: query ? new URLSearchParams(query).toString() : '',
    body,
  }) as HttpEvent;
}

/** Invokes a handler the way Lambda does. */
export function invoke(handler: Handler, event: HttpEvent): Promise<HttpResult> {
  return handler(event, lambdaContext('whatsapp-test'));
}
