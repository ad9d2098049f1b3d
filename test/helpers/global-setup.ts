// Starts the emulators once per test run; tests reach them through `inject`.
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal } from '../../infra/local/dynamodb-local.js';
import { startSqsEmulator } from '../../infra/local/sqs-emulator.js';

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
    /** One fauxqs (SQS and S3) for the run; each stack or test creates queues under a prefix of its own. */
    sqsEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const [dynamodb, sqs] = await Promise.all([startDynamoDbLocal(), startSqsEmulator()]);
  project.provide('dynamodbEndpoint', dynamodb.endpoint);
  project.provide('sqsEndpoint', sqs.endpoint);
  return async () => {
    await Promise.all([dynamodb.stop(), sqs.stop()]);
  };
}
