// The local stack on a free port against the run's emulators, with fresh queues, numbers and keys.
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { startLocalStack, type LocalStack, type LocalStackOptions } from '../../infra/local/local-stack.js';
import { freshPhoneNumber } from './dynamo.js';
import { freshQueuePrefix } from './fresh-queues.js';

export interface TestStack extends LocalStack {
  /** A client per seeded phone number, in the order of `numbers`. */
  clients: ApiClient[];
}

/** The stack's own options go to it as they are. */
export async function startTestStack(
  options: { numbers?: number; env?: Record<string, string> } & Omit<LocalStackOptions, 'env' | 'port'> = {},
): Promise<TestStack> {
  const { numbers, env, ...stackOptions } = options;
  const keys = Array.from({ length: numbers ?? 2 }, () => ({ phoneNumber: freshPhoneNumber(), key: `test-key-${randomUUID()}` }));
  const stack = await startLocalStack({
    port: 0,
    dynamodbEndpoint: inject('dynamodbEndpoint'),
    sqsEndpoint: inject('sqsEndpoint'),
    queuePrefix: freshQueuePrefix(),
    ...stackOptions,
    env: {
      TABLE_NAME: `e2e-${randomUUID()}`,
      LOCAL_API_KEYS: keys.map(({ phoneNumber, key }) => `${phoneNumber}:${key}`).join(','),
      SIGNING_MASTER_KEY: randomUUID() + randomUUID(),
      ...env,
    },
  });
  return { ...stack, clients: keys.map(({ phoneNumber, key }) => new ApiClient(stack.apiUrl, key, phoneNumber)) };
}

export interface ApiAnswer {
  status: number;
  body: any;
}

/** Speaks to the management API as one phone number's client would. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly key: string | undefined,
    readonly phoneNumber = '',
  ) {}

  get = (path: string) => this.call('GET', path);
  post = (path: string, body: unknown) => this.call('POST', path, body);
  put = (path: string, body: unknown) => this.call('PUT', path, body);
  patch = (path: string, body: unknown) => this.call('PATCH', path, body);
  delete = (path: string, body?: unknown) => this.call('DELETE', path, body);

  /** `body` that is a string is sent as it is (for malformed JSON); anything else as JSON. */
  async call(method: string, path: string, body?: unknown): Promise<ApiAnswer> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (this.key !== undefined) headers['d360-api-key'] = this.key;
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  /** Everything this number has configured, to compare before and after a refused request. */
  async snapshot(): Promise<{ primary: ApiAnswer; multi: ApiAnswer }> {
    return { primary: await this.get('/v1/configs/webhook'), multi: await this.get('/multi_webhook') };
  }
}

/** A client for a phone number of its own, with a key created through the stack's key store. */
export async function freshClient(stack: LocalStack): Promise<ApiClient> {
  const phoneNumber = freshPhoneNumber();
  const { key } = await stack.services.apiKeys.create(phoneNumber);
  return new ApiClient(stack.apiUrl, key, phoneNumber);
}
