// A fresh table in the run's DynamoDB Local, and fresh phone numbers, so tests never share data.
import { randomInt, randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { ensureLocalTable } from '../../infra/local/tables.js';
import { createDynamoClient } from '../../shared/aws/clients.js';

export async function freshTable(): Promise<{ endpoint: string; tableName: string; db: ReturnType<typeof createDynamoClient> }> {
  const endpoint = inject('dynamodbEndpoint');
  const tableName = `test-${randomUUID()}`;
  await ensureLocalTable(endpoint, tableName);
  return { endpoint, tableName, db: createDynamoClient({ endpoint, region: 'us-east-1' }) };
}

/** A random 12-digit phone number. */
export function freshPhoneNumber(): string {
  return `49${String(randomInt(1e9, 1e10))}`;
}
