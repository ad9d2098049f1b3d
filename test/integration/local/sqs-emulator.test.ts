// The local queues match the deployed ones, and the emulator refuses what SQS refuses.
import { LOCAL_CREDENTIALS } from '../../../shared/aws/clients.js';
import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SendMessageBatchCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createLocalQueues } from '../../../infra/local/sqs-emulator.js';
import { MAX_RECEIVE_COUNT, QUEUE_RETENTION_SECONDS } from '../../../shared/queue/queue-definitions.js';
import { freshQueuePrefix, freshQueues, sqsTestClient } from '../../helpers/fresh-queues.js';

let sqs: SQSClient;
beforeAll(() => void (sqs = sqsTestClient()));
afterAll(() => sqs.destroy());

const attributes = async (queueUrl: string) =>
  (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }))).Attributes ?? {};

describe('local queues', () => {
  it('creates each queue with its dead-letter queue, redrive after MAX_RECEIVE_COUNT, retention and the bucket', async () => {
    const prefix = freshQueuePrefix();
    const queues = await createLocalQueues(inject('sqsEndpoint'), { prefix });
    for (const [queue, deadLetter] of [
      [queues.NOTIFICATIONS_QUEUE_URL, queues.NOTIFICATIONS_DLQ_URL],
      [queues.RETRIES_QUEUE_URL, queues.RETRIES_DLQ_URL],
    ] as const) {
      const main = await attributes(queue);
      expect(JSON.parse(main.RedrivePolicy!)).toEqual({
        deadLetterTargetArn: (await attributes(deadLetter)).QueueArn,
        maxReceiveCount: MAX_RECEIVE_COUNT,
      });
      expect([main.VisibilityTimeout, main.MessageRetentionPeriod]).toEqual(['30', String(QUEUE_RETENTION_SECONDS)]);
      expect(queue.split('/').pop()!.startsWith(prefix)).toBe(true);
    }
    const s3 = new S3Client({ endpoint: inject('sqsEndpoint'), region: 'us-east-1', forcePathStyle: true, credentials: LOCAL_CREDENTIALS });
    await expect(s3.send(new HeadBucketCommand({ Bucket: queues.PAYLOAD_BUCKET }))).resolves.toBeDefined();
    s3.destroy();
  });

  it('finds the same queues when created again with the same prefix', async () => {
    const prefix = freshQueuePrefix();
    const first = await createLocalQueues(inject('sqsEndpoint'), { prefix });
    expect(await createLocalQueues(inject('sqsEndpoint'), { prefix })).toEqual(first);
  });

  it('accepts a delay of 900 s and refuses more, as SQS does (fauxqs alone would accept it)', async () => {
    const { NOTIFICATIONS_QUEUE_URL: queueUrl } = await freshQueues();
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x', DelaySeconds: 900 }))).resolves.toBeDefined();
    await expect(sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x', DelaySeconds: 901 }))).rejects.toMatchObject({
      name: expect.stringMatching(/InvalidParameterValue$/),
    });
    await expect(
      sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: [{ Id: 'a', MessageBody: 'x', DelaySeconds: 1200 }] })),
    ).rejects.toMatchObject({ name: expect.stringMatching(/InvalidParameterValue$/) });
  });
});
