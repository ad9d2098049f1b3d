// SQS and S3 clients of this process, pointed at the local emulator when the environment says so.
import type { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { config } from '../config.js';

// The emulator accepts any credentials; fixed ones keep the SDK from probing for real ones.
const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

let sqs: SQSClient | undefined;
let s3Loading: Promise<S3> | undefined;

/** The S3 client and the module it comes from (for its commands and errors). */
export interface S3 {
  client: S3Client;
  sdk: typeof import('@aws-sdk/client-s3');
}

export function sqsClient(): SQSClient {
  const { SQS_ENDPOINT: endpoint, AWS_REGION: region } = config();
  sqs ??= new SQSClient({ region, ...(endpoint && { endpoint, credentials: localCredentials }) });
  return sqs;
}

/**
 * Loaded on first use: only payloads over the SQS limit need S3, and loading the S3 client at
 * start would add ~50 ms to every cold start of ingest and delivery (docs/performance.md).
 */
export function s3(): Promise<S3> {
  s3Loading ??= import('@aws-sdk/client-s3').then((sdk) => {
    const { SQS_ENDPOINT: endpoint, AWS_REGION: region } = config();
    // The emulator serves S3 on the same endpoint, path-style.
    const client = new sdk.S3Client({ region, ...(endpoint && { endpoint, forcePathStyle: true, credentials: localCredentials }) });
    return { client, sdk };
  });
  return s3Loading;
}
