// Queues of their own in the run's SQS emulator, and a client and counters to look into them.
import { LOCAL_CREDENTIALS } from '../../shared/aws/clients.js';
import { randomUUID } from 'node:crypto';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { inject } from 'vitest';
import { createLocalQueues, type QueueEnvironment, type QueueOptions } from '../../infra/local/sqs-emulator.js';

/** A prefix no other test uses; lowercase, so it is also valid in a bucket name. */
export function freshQueuePrefix(): string {
  return `t${randomUUID().slice(0, 8)}-`;
}

export function sqsTestClient(): SQSClient {
  return new SQSClient({ endpoint: inject('sqsEndpoint'), region: 'us-east-1', credentials: LOCAL_CREDENTIALS });
}

/** The stack's queues and bucket under a fresh prefix, with the test's visibility and redrive settings. */
export function freshQueues(options: Omit<QueueOptions, 'prefix'> = {}): Promise<QueueEnvironment> {
  return createLocalQueues(inject('sqsEndpoint'), { ...options, prefix: freshQueuePrefix() });
}

export interface QueueCounts {
  visible: number;
  inFlight: number;
  delayed: number;
}

export async function queueCounts(sqs: SQSClient, queueUrl: string): Promise<QueueCounts> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed),
  };
}
