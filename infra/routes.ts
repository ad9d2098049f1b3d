// The one route table: the CDK stack and the local runtime both read it, so a route exists once.

export type WhatsAppSecret = 'appSecret' | 'verifyToken';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** What a function may do with the table; the stack grants exactly this, the local runtime ignores it. */
export type TableAccess = 'none' | 'read' | 'read-write';

export interface Route {
  method: HttpMethod;
  path: string;
  /** Name of the Lambda, also the file `functions/<handler>.ts` that exports `handler`. */
  handler: string;
  /** Management routes sit behind the D360-API-KEY authorizer; ingest and health do not. */
  auth: 'api-key' | 'none';
  tableAccess: TableAccess;
  /** Ingest functions send to the notifications queue (and put payloads over the SQS limit in S3). */
  sendsNotifications?: boolean;
  /** The WhatsApp secrets the function reads (SSM parameters in the cloud, env locally). */
  readsSecrets?: readonly WhatsAppSecret[];
  /** What the function is for, used as the Lambda description. */
  description: string;
}

/** Where Meta posts notifications and runs its subscription check. */
export const INGEST_PATH = '/webhooks/whatsapp';

export const routes: readonly Route[] = [
  { method: 'GET', path: '/health', handler: 'health', auth: 'none', tableAccess: 'none', description: 'Liveness probe' },
  { method: 'GET', path: '/v1/configs/webhook', handler: 'primary-webhook-get', auth: 'api-key', tableAccess: 'read', description: 'Read the primary webhook' },
  { method: 'POST', path: '/v1/configs/webhook', handler: 'primary-webhook-set', auth: 'api-key', tableAccess: 'read-write', description: 'Set the primary webhook' },
  { method: 'GET', path: '/multi_webhook', handler: 'multi-webhook-get', auth: 'api-key', tableAccess: 'read', description: 'List the additional webhooks' },
  { method: 'POST', path: '/multi_webhook', handler: 'multi-webhook-enable', auth: 'api-key', tableAccess: 'read-write', description: 'Enable or disable additional webhooks' },
  { method: 'PUT', path: '/multi_webhook', handler: 'multi-webhook-append', auth: 'api-key', tableAccess: 'read-write', description: 'Append additional webhooks' },
  { method: 'PATCH', path: '/multi_webhook', handler: 'multi-webhook-update', auth: 'api-key', tableAccess: 'read-write', description: 'Update an additional webhook by exact name' },
  { method: 'DELETE', path: '/multi_webhook', handler: 'multi-webhook-delete', auth: 'api-key', tableAccess: 'read-write', description: 'Delete an additional webhook by exact name' },
  { method: 'GET', path: INGEST_PATH, handler: 'whatsapp-verify', auth: 'none', tableAccess: 'none', readsSecrets: ['verifyToken'], description: 'Meta subscription check (hub.verify_token)' },
  { method: 'POST', path: INGEST_PATH, handler: 'whatsapp-ingest', auth: 'none', tableAccess: 'none', sendsNotifications: true, readsSecrets: ['appSecret'], description: 'Verifies and queues WhatsApp notifications' },
];

/** Functions that are not behind a route. */
export const authorizerFunction = { handler: 'authorizer', tableAccess: 'read', description: 'Resolves D360-API-KEY to a phone number' } as const;

export function routeKey(route: Pick<Route, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
