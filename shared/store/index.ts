// The stores of this process, built once from the configuration (Lambda reuses them across invocations).
import { config } from '../config.js';
import { DynamoApiKeyStore } from './api-key-store.js';
import { DynamoAttemptStore } from './attempt-store.js';
import { dynamoClient } from './dynamo-client.js';
import { DynamoWebhookStore } from './webhook-store.js';

let webhooks: DynamoWebhookStore | undefined;
let apiKeys: DynamoApiKeyStore | undefined;
let attempts: DynamoAttemptStore | undefined;

export function webhookStore(): DynamoWebhookStore {
  webhooks ??= new DynamoWebhookStore(dynamoClient(), config().TABLE_NAME);
  return webhooks;
}

export function apiKeyStore(): DynamoApiKeyStore {
  apiKeys ??= new DynamoApiKeyStore(dynamoClient(), config().TABLE_NAME);
  return apiKeys;
}

export function attemptStore(): DynamoAttemptStore {
  attempts ??= new DynamoAttemptStore(dynamoClient(), config().TABLE_NAME);
  return attempts;
}
