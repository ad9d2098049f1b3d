// SQS and S3 clients of this process, pointed at the local emulator when the environment says so.
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { config } from '../config.js';

// The emulator accepts any credentials; fixed ones keep the SDK from probing for real ones.
const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

let sqs: SQSClient | undefined;
let s3: S3Client | undefined;

export function sqsClient(): SQSClient {
  const { SQS_ENDPOINT: endpoint, AWS_REGION: region } = config();
  sqs ??= new SQSClient({ region, ...(endpoint && { endpoint, credentials: localCredentials }) });
  return sqs;
}

export function s3Client(): S3Client {
  const { SQS_ENDPOINT: endpoint, AWS_REGION: region } = config();
  // The emulator serves S3 on the same endpoint, path-style.
  s3 ??= new S3Client({ region, ...(endpoint && { endpoint, forcePathStyle: true, credentials: localCredentials }) });
  return s3;
}
