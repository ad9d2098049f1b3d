// A fresh table in the run's DynamoDB Local, and fresh phone numbers, so tests never share data.
import { randomInt, randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { ensureTable } from '../../infra/local/tables.js';
import { createDynamoClient } from '../../shared/store/dynamo-client.js';

export async function freshTable(): Promise<{ endpoint: string; tableName: string; db: ReturnType<typeof createDynamoClient> }> {
  const endpoint = inject('dynamodbEndpoint');
  const tableName = `test-${randomUUID()}`;
  const admin = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await ensureTable(admin, tableName);
  admin.destroy();
  return { endpoint, tableName, db: createDynamoClient(endpoint, 'us-east-1') };
}

/** A random 12-digit phone number. */
export function freshPhoneNumber(): string {
  return `49${String(randomInt(1e9, 1e10))}`;
}
