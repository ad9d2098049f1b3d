// The whole product on one machine: DynamoDB Local, the table, seeded API keys and the local API.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { parseConfig, resetConfig, type Config } from '../../shared/config.js';
import { isPhoneNumber } from '../../shared/domain/api-key.js';
import { apiKeyStore } from '../../shared/store/index.js';
import { startApiServer } from './api-server.js';
import { startDynamoDbLocal } from './dynamodb-local.js';
import { ensureTable } from './tables.js';

/** Local defaults for what the deployed stack would set; any of them can be overridden. */
export const LOCAL_DEFAULTS = {
  TABLE_NAME: 'multi-webhook',
  AWS_REGION: 'us-east-1',
  DESTINATION_POLICY: 'local',
  WHATSAPP_APP_SECRET: 'local-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'local-verify-token',
  LOCAL_API_KEYS: '15550001111:local-demo-key',
} as const;

export interface LocalStackOptions {
  port?: number;
  /** Keep DynamoDB data in this directory; in memory when absent. */
  dbPath?: string;
  /** Use an already running DynamoDB Local (tests share one per run). */
  dynamodbEndpoint?: string;
  /** Environment of the emulated functions, over LOCAL_DEFAULTS. */
  env?: Record<string, string | undefined>;
}

export interface LocalStack {
  apiUrl: string;
  config: Config;
  /** Phone number and key pairs seeded from LOCAL_API_KEYS. */
  apiKeys: { phoneNumber: string; key: string }[];
  stop(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const dynamodb = options.dynamodbEndpoint ? undefined : await startDynamoDbLocal({ dbPath: options.dbPath });
  const stops: (() => Promise<void>)[] = [];
  if (dynamodb) stops.push(dynamodb.stop);
  try {
    // The emulated functions read their environment like Lambda functions do.
    const env = { ...LOCAL_DEFAULTS, ...withoutUndefined(options.env ?? {}), DYNAMODB_ENDPOINT: options.dynamodbEndpoint ?? dynamodb!.endpoint };
    Object.assign(process.env, env);
    resetConfig();
    const config = parseConfig(process.env);

    const admin = new DynamoDBClient({ endpoint: config.DYNAMODB_ENDPOINT, region: config.AWS_REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await ensureTable(admin, config.TABLE_NAME);
    admin.destroy();

    const apiKeys = parseApiKeys(env.LOCAL_API_KEYS ?? '');
    for (const { phoneNumber, key } of apiKeys) await apiKeyStore().register(phoneNumber, key);

    const api = await startApiServer(options.port ?? 3000);
    stops.unshift(api.close);
    return { apiUrl: api.url, config, apiKeys, stop: () => stopAll(stops) };
  } catch (error) {
    await stopAll(stops);
    throw error;
  }
}

/** `LOCAL_API_KEYS=<phone>:<key>,<phone>:<key>` */
export function parseApiKeys(spec: string): { phoneNumber: string; key: string }[] {
  return spec
    .split(',')
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair, index) => {
      const separator = pair.indexOf(':');
      const phoneNumber = pair.slice(0, separator);
      const key = pair.slice(separator + 1);
      // The message names the position, never the text: it may hold a key.
      if (!isPhoneNumber(phoneNumber) || key.length < 8) {
        throw new Error(`LOCAL_API_KEYS entry ${index + 1} is not <6-15 digit phone number>:<key of 8 or more characters>.`);
      }
      return { phoneNumber, key };
    });
}

function withoutUndefined(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

async function stopAll(stops: (() => Promise<void>)[]): Promise<void> {
  for (const stop of stops) await stop().catch(() => undefined);
}
