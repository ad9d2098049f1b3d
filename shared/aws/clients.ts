// The AWS SDK clients of one set of services, pointed at the local emulators when the configuration says so.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** The emulators accept any credentials; fixed ones keep the SDK from probing for real ones. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/** Where the clients go: the cloud when no endpoint is given, an emulator otherwise. */
export interface ClientTarget {
  region: string;
  endpoint?: string;
}

export function createDynamoClient(target: ClientTarget): DynamoDBDocumentClient {
  return documentClientOf(createDynamoBaseClient(target));
}

/** The document client over a plain one: both share one middleware stack, so what watches one sees both. */
export function documentClientOf(base: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
}

/** The plain client, for libraries that take one (Powertools Idempotency). */
export function createDynamoBaseClient({ region, endpoint }: ClientTarget): DynamoDBClient {
  return new DynamoDBClient({ region, ...(endpoint && { endpoint, credentials: LOCAL_CREDENTIALS }) });
}

export function createSqsClient({ region, endpoint }: ClientTarget): SQSClient {
  return new SQSClient({ region, ...(endpoint && { endpoint, credentials: LOCAL_CREDENTIALS }) });
}

/** The S3 client and the module it comes from (for its commands and errors). */
export interface S3 {
  client: S3Client;
  sdk: typeof import('@aws-sdk/client-s3');
}

/**
 * Loads the S3 client on first use: only payloads over the SQS limit need S3, and loading it at
 * start would add ~50 ms to every cold start of ingest and delivery (docs/performance.md).
 */
export function lazyS3Client({ region, endpoint }: ClientTarget, capture: <T>(client: T) => T = (client) => client): () => Promise<S3> {
  let loading: Promise<S3> | undefined;
  return () => {
    loading ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      // The emulator serves S3 on the same endpoint as SQS, path-style.
      client: capture(new sdk.S3Client({ region, ...(endpoint && { endpoint, forcePathStyle: true, credentials: LOCAL_CREDENTIALS }) })),
    }));
    return loading;
  };
}
