// API keys on DynamoDB: a lookup item per key hash, and an index item in the phone's partition for listing.
import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { apiKeyId, generateApiKey, hashApiKey, type ApiKeyStore, type ApiKeySummary } from '../domain/api-key.js';
import { NotFound } from '../domain/errors.js';
import { API_KEY_INDEX_PREFIX, apiKeyPartition } from './item-keys.js';

const LOOKUP_SORT_KEY = 'api-key';

export class DynamoApiKeyStore implements ApiKeyStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  /** The phone number a key belongs to, or undefined for an unknown key. */
  async resolve(key: string): Promise<string | undefined> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: apiKeyPartition(hashApiKey(key)), sk: LOOKUP_SORT_KEY } }),
    );
    return typeof Item?.phoneNumber === 'string' ? Item.phoneNumber : undefined;
  }

  /** Creates a new key for the phone number and returns it; only its hash is stored. */
  async create(phoneNumber: string): Promise<{ key: string; keyId: string }> {
    const key = generateApiKey();
    const keyId = await this.register(phoneNumber, key);
    return { key, keyId };
  }

  /** Stores a key chosen elsewhere (local seeding with LOCAL_API_KEYS); idempotent. */
  async register(phoneNumber: string, key: string): Promise<string> {
    const keyHash = hashApiKey(key);
    const keyId = apiKeyId(keyHash);
    const createdAt = new Date().toISOString();
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: { TableName: this.tableName, Item: { pk: apiKeyPartition(keyHash), sk: LOOKUP_SORT_KEY, phoneNumber, keyId, createdAt } },
          },
          {
            Put: { TableName: this.tableName, Item: { pk: phoneNumber, sk: `${API_KEY_INDEX_PREFIX}${keyId}`, keyHash, keyId, createdAt } },
          },
        ],
      }),
    );
    return keyId;
  }

  async list(phoneNumber: string): Promise<ApiKeySummary[]> {
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': phoneNumber, ':prefix': API_KEY_INDEX_PREFIX },
      }),
    );
    return Items.map((item) => ({ keyId: String(item.keyId), createdAt: String(item.createdAt) }));
  }

  async revoke(phoneNumber: string, keyId: string): Promise<void> {
    const indexKey = { pk: phoneNumber, sk: `${API_KEY_INDEX_PREFIX}${keyId}` };
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: indexKey, ConsistentRead: true }));
    if (!Item) throw new NotFound(`No API key ${keyId} exists for this phone number.`);
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: this.tableName, Key: { pk: apiKeyPartition(String(Item.keyHash)), sk: LOOKUP_SORT_KEY } } },
          { Delete: { TableName: this.tableName, Key: indexKey } },
        ],
      }),
    );
  }
}
