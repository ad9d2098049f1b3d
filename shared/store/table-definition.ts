// The table's shape, read by the CDK stack and by the local runtime, so both create the same table.

export const tableDefinition = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Epoch seconds after which DynamoDB deletes the item (delivery attempt records). */
  timeToLiveAttribute: 'expiresAt',
} as const;

/** Ingest's de-duplication table, as Powertools Idempotency keys it. */
export const deduplicationTableDefinition = { partitionKey: 'id', timeToLiveAttribute: 'expiration' } as const;

/** CreateTable input for DynamoDB Local (on-demand, like the deployed table). */
export function createTableInput(tableName: string) {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      { AttributeName: tableDefinition.partitionKey, AttributeType: 'S' as const },
      { AttributeName: tableDefinition.sortKey, AttributeType: 'S' as const },
    ],
    KeySchema: [
      { AttributeName: tableDefinition.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: tableDefinition.sortKey, KeyType: 'RANGE' as const },
    ],
  };
}
