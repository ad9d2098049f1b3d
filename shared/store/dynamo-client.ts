// One DynamoDB document client per process, pointed at DynamoDB Local when the environment says so.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../config.js';

let client: DynamoDBDocumentClient | undefined;

export function dynamoClient(): DynamoDBDocumentClient {
  client ??= createDynamoClient(config().DYNAMODB_ENDPOINT, config().AWS_REGION);
  return client;
}

export function createDynamoClient(endpoint: string | undefined, region: string): DynamoDBDocumentClient {
  const base = new DynamoDBClient({
    region,
    ...(endpoint && {
      endpoint,
      // DynamoDB Local accepts any credentials; fixed ones keep the SDK from probing for real ones.
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  });
  return DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
}
