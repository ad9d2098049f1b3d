// Memory and timeout of each kind of function, in one place so the queue settings can derive from them.
import { Duration } from 'aws-cdk-lib';
import { DELIVERY_FUNCTION_TIMEOUT_SECONDS } from '../../shared/defaults.js';

export interface FunctionSize {
  readonly memorySize: number;
  readonly timeout: Duration;
}

export const functionSizes = {
  /** Sits in front of every management request: a cached key lookup, so short. */
  authorizer: { memorySize: 256, timeout: Duration.seconds(5) },
  /** Answers without touching anything (health, the OpenAPI document). */
  health: { memorySize: 128, timeout: Duration.seconds(3) },
  /** Management handlers: a few DynamoDB calls and a DNS lookup of the destination host. */
  management: { memorySize: 256, timeout: Duration.seconds(10) },
  /** Verify the signature, send one SQS message, answer Meta fast. */
  ingest: { memorySize: 256, timeout: Duration.seconds(10) },
  /** Up to 10 records per batch (see DELIVERY_FUNCTION_TIMEOUT_SECONDS). */
  delivery: { memorySize: 512, timeout: Duration.seconds(DELIVERY_FUNCTION_TIMEOUT_SECONDS) },
} as const satisfies Record<string, FunctionSize>;
