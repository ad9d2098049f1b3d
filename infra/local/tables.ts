// Creates the table the deployed stack would create, if it is not there yet.
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { LOCAL_CREDENTIALS } from '../../shared/aws/clients.js';
import { createTableInput, deduplicationTableDefinition, tableDefinition } from '../../shared/store/table-definition.js';

/** Creates the table in the DynamoDB Local at `endpoint` unless it exists. */
export async function ensureLocalTable(endpoint: string, tableName: string, region = 'us-east-1'): Promise<void> {
  const admin = new DynamoDBClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
  try {
    await ensureTable(admin, tableName);
  } finally {
    admin.destroy();
  }
}

export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(new CreateTableCommand(createTableInput(tableName)));
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: tableDefinition.timeToLiveAttribute, Enabled: true },
    }),
  );
}

/** Ingest's de-duplication table, as the stack creates it (TTL is left out: DynamoDB Local does not expire). */
export async function ensureLocalDeduplicationTable(endpoint: string, tableName: string, region = 'us-east-1'): Promise<void> {
  const admin = new DynamoDBClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
  try {
    await admin.send(new DescribeTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
    await admin.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: deduplicationTableDefinition.partitionKey, AttributeType: 'S' }],
        KeySchema: [{ AttributeName: deduplicationTableDefinition.partitionKey, KeyType: 'HASH' }],
      }),
    );
  } finally {
    admin.destroy();
  }
}
