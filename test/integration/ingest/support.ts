// The ingest tests' world: their own fauxqs (SQS + S3), a fresh queue per test, API Gateway v2 events
// and Meta-style signed bodies.
import { randomUUID } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { buildApp } from 'fauxqs';
import { lambdaContext } from '../../../infra/local/lambda-events.js';
import { resetConfig } from '../../../shared/config.js';
import type { HttpEvent } from '../../../shared/http/http-handler.js';
import type { HttpResult } from '../../../shared/http/responses.js';
import { notificationBody, sign as signWith } from '../../helpers/whatsapp.js';

export const APP_SECRET = 'ingest-test-app-secret';
export const VERIFY_TOKEN = 'ingest-test-verify-token';
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
const region = 'us-east-1';

export interface Emulator {
  sqs: SQSClient;
  s3: S3Client;
  bucket: string;
  /** Creates a queue and points NOTIFICATIONS_QUEUE_URL at it, so each test sees only its own messages. */
  freshQueue(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts fauxqs and sets the environment the handlers read; import handlers only after this. */
export async function startEmulator(): Promise<Emulator> {
  const app = buildApp({ logger: false, host: '127.0.0.1' });
  const endpoint = await app.listen({ port: 0, host: '127.0.0.1' });
  const sqs = new SQSClient({ endpoint, region, credentials });
  const s3 = new S3Client({ endpoint, region, credentials, forcePathStyle: true });
  const bucket = `payloads-${randomUUID()}`;
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  Object.assign(process.env, { SQS_ENDPOINT: endpoint, AWS_REGION: region, PAYLOAD_BUCKET: bucket, WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN });
  resetConfig();
  return {
    sqs,
    s3,
    bucket,
    async freshQueue() {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `notifications-${randomUUID()}` }));
      process.env.NOTIFICATIONS_QUEUE_URL = QueueUrl!;
      resetConfig();
      return QueueUrl!;
    },
    async stop() {
      sqs.destroy();
      s3.destroy();
      await app.close();
    },
  };
}

/** Every message on the queue, consumed: bodies parsed as JSON. */
export async function drain(sqs: SQSClient, queueUrl: string): Promise<any[]> {
  const bodies: any[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return bodies;
    for (const message of Messages) {
      bodies.push(JSON.parse(message.Body!));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle! }));
    }
  }
}

export const sign = (body: Buffer | string, secret = APP_SECRET) => signWith(body, secret);
export { notificationBody };

/** The event API Gateway (HTTP API, payload 2.0) builds for a route without authorizer; header names lower-cased as it does. */
export function httpEvent(method: 'GET' | 'POST', options: { body?: Buffer; headers?: Record<string, string>; query?: Record<string, string> } = {}): HttpEvent {
  // These routes have no authorizer, so the context has none; HttpEvent merely allows one.
  return apiGatewayEvent(method, options) as HttpEvent;
}

function apiGatewayEvent(method: 'GET' | 'POST', options: { body?: Buffer; headers?: Record<string, string>; query?: Record<string, string> }): APIGatewayProxyEventV2 {
  const { body, headers = {}, query } = options;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: `${method} /webhooks/whatsapp`,
    rawPath: '/webhooks/whatsapp',
    rawQueryString: query ? new URLSearchParams(query).toString() : '',
    headers: { 'content-type': 'application/json', ...headers },
    queryStringParameters: query,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: '127.0.0.1',
      domainPrefix: 'local',
      http: { method, path: '/webhooks/whatsapp', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'facebookexternalua' },
      requestId: randomUUID(),
      routeKey: `${method} /webhooks/whatsapp`,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body?.toString('utf8'),
    isBase64Encoded: false,
  };
}

type Handler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

/** Invokes a handler module the way Lambda does. */
export function invoke(handler: Handler, event: HttpEvent): Promise<HttpResult> {
  return handler(event, lambdaContext('whatsapp-test'));
}
