// Runs fauxqs (SQS and S3 emulator) in this process and creates a stack's queues and payload bucket in it.
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';
import { LOCAL_CREDENTIALS } from '../../shared/aws/clients.js';
import {
  MAX_DELAY_SECONDS,
  MAX_RECEIVE_COUNT,
  QUEUE_RETENTION_SECONDS,
  queueDefinitions,
  type QueueRole,
} from '../../shared/queue/queue-definitions.js';

export interface SqsEmulator {
  /** SQS and S3 (path-style) endpoint; always pass it to the clients, the queue URLs' host does not resolve. */
  endpoint: string;
  stop(): Promise<void>;
}

export interface SqsEmulatorOptions {
  /** Adds hooks to the emulator before its own, so they see every request (the benchmarks count them). */
  configure?: (app: FauxqsApp) => void;
}

export async function startSqsEmulator(options: SqsEmulatorOptions = {}): Promise<SqsEmulator> {
  const app = buildApp({ logger: false, host: '127.0.0.1' });
  options.configure?.(app);
  refuseDelaysSqsRefuses(app);
  const endpoint = await app.listen({ port: 0, host: '127.0.0.1' });
  return { endpoint, stop: () => app.close() };
}

/** What the functions read from their environment to find the queues and the bucket. */
export interface QueueEnvironment {
  NOTIFICATIONS_QUEUE_URL: string;
  NOTIFICATIONS_DLQ_URL: string;
  RETRIES_QUEUE_URL: string;
  RETRIES_DLQ_URL: string;
  PAYLOAD_BUCKET: string;
}

const environmentNames = {
  notifications: { queue: 'NOTIFICATIONS_QUEUE_URL', deadLetter: 'NOTIFICATIONS_DLQ_URL' },
  retries: { queue: 'RETRIES_QUEUE_URL', deadLetter: 'RETRIES_DLQ_URL' },
} as const satisfies Record<QueueRole, { queue: keyof QueueEnvironment; deadLetter: keyof QueueEnvironment }>;

export interface QueueOptions {
  /** Prepended to every queue and bucket name, so several stacks can share one emulator. */
  prefix?: string;
  region?: string;
  /**
   * How long a received message stays hidden. The cloud derives it from the consumer's timeout
   * (6 x 60 s); locally 30 s brings back a crashed batch sooner.
   */
  visibilityTimeoutSeconds?: number;
  /** Tests lower it to see redrive happen; everything else uses the deployed value. */
  maxReceiveCount?: number;
}

/** Creates (or finds, CreateQueue is idempotent) the queues of queue-definitions.ts and the bucket. */
export async function createLocalQueues(endpoint: string, options: QueueOptions = {}): Promise<QueueEnvironment> {
  const { prefix = '', region = 'us-east-1', visibilityTimeoutSeconds = 30, maxReceiveCount = MAX_RECEIVE_COUNT } = options;
  const sqs = new SQSClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
  const s3 = new S3Client({ endpoint, region, forcePathStyle: true, credentials: LOCAL_CREDENTIALS });
  const retention = String(QUEUE_RETENTION_SECONDS);
  try {
    const env: Partial<QueueEnvironment> = {};
    for (const role of Object.keys(queueDefinitions) as QueueRole[]) {
      const definition = queueDefinitions[role];
      const deadLetterUrl = await createQueue(sqs, `${prefix}${definition.deadLetter}`, { MessageRetentionPeriod: retention });
      const deadLetterArn = await queueArn(sqs, deadLetterUrl);
      env[environmentNames[role].deadLetter] = deadLetterUrl;
      env[environmentNames[role].queue] = await createQueue(sqs, `${prefix}${definition.name}`, {
        MessageRetentionPeriod: retention,
        VisibilityTimeout: String(visibilityTimeoutSeconds),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount }),
      });
    }
    env.PAYLOAD_BUCKET = `${prefix}payloads`;
    await s3.send(new CreateBucketCommand({ Bucket: env.PAYLOAD_BUCKET }));
    return env as QueueEnvironment;
  } finally {
    sqs.destroy();
    s3.destroy();
  }
}

async function createQueue(sqs: SQSClient, name: string, attributes: Record<string, string>): Promise<string> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  if (!QueueUrl) throw new Error(`The SQS emulator created ${name} without a URL.`);
  return QueueUrl;
}

export async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }));
  if (!Attributes?.QueueArn) throw new Error(`The SQS emulator has no ARN for ${queueUrl}.`);
  return Attributes.QueueArn;
}

type FauxqsApp = ReturnType<typeof buildApp>;

/**
 * fauxqs 1.9.2 accepts any DelaySeconds, SQS refuses more than 900: refusing it here too keeps code
 * that only works against the emulator (a long backoff sent as a delay) from passing locally.
 */
function refuseDelaysSqsRefuses(app: FauxqsApp): void {
  app.addHook('preHandler', async (request, reply) => {
    const target = request.headers['x-amz-target'];
    if (target !== 'AmazonSQS.SendMessage' && target !== 'AmazonSQS.SendMessageBatch') return;
    const body = request.body as { DelaySeconds?: unknown; Entries?: { DelaySeconds?: unknown }[] } | undefined;
    const delays = [body?.DelaySeconds, ...(body?.Entries ?? []).map((entry) => entry.DelaySeconds)];
    const invalid = delays.find((delay) => delay !== undefined && (typeof delay !== 'number' || delay < 0 || delay > MAX_DELAY_SECONDS));
    if (invalid === undefined) return;
    return reply
      .status(400)
      .header('content-type', 'application/x-amz-json-1.0')
      .header('x-amzn-query-error', 'AWS.SimpleQueueService.InvalidParameterValue;Sender')
      .send({
        __type: 'com.amazonaws.sqs#InvalidParameterValue',
        message: `Value ${String(invalid)} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= ${MAX_DELAY_SECONDS}.`,
      });
  });
}
