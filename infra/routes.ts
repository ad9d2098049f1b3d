// The one route table: the CDK stack and the local runtime both read it, so a route exists once.

export type WhatsAppSecret = 'appSecret' | 'verifyToken';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The item actions a function may be granted on the table; Scan is not one of them. */
export type TableAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:Query'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  /** The ConditionCheck of a TransactWriteItems; its Put, Update and Delete need the item actions above. */
  | 'dynamodb:ConditionCheckItem';

/**
 * Which partitions of the single table (shared/store/item-keys.ts) a grant covers: `'phone-number'`
 * is the numbers' own partitions (the key is the digits, so it holds no `#`); a prefix ending in `#`
 * covers the partitions whose key starts with it (`'parked#'`, `'api-key#'`, ...).
 */
export type TablePartitions = 'phone-number' | `${string}#`;

/** Exactly what a function may do with the table: these actions, on items of these partitions only. */
export interface TableGrant {
  readonly actions: readonly TableAction[];
  readonly partitions: TablePartitions;
}

/** Which per-route API Gateway limit a route gets (context options `<class>ThrottleRateLimit` / `...BurstLimit`). */
export type ThrottleClass = 'ingest' | 'management' | 'checks';

/** The partitions of API-key lookups: the authorizer alone reads them (and the operators' keys CLI). */
export const API_KEY_PARTITIONS = 'api-key#';

export interface Route {
  method: HttpMethod;
  path: string;
  /** Name of the Lambda, also the file `functions/<handler>.ts` that exports `handler`. */
  handler: string;
  /** Management routes sit behind the D360-API-KEY authorizer; ingest and health do not. */
  auth: 'api-key' | 'none';
  /** The table access the stack grants (the local runtime ignores it); none when absent. */
  table?: readonly TableGrant[];
  throttle: ThrottleClass;
  /** Ingest functions send to the notifications queue (and put payloads over the SQS limit in S3). */
  sendsNotifications?: boolean;
  /** Replay sends retries-queue messages (sqs:SendMessage on that queue alone). */
  sendsRetries?: boolean;
  /** The WhatsApp secrets the function reads (SSM parameters in the cloud, env locally). */
  readsSecrets?: readonly WhatsAppSecret[];
  /** What the function is for, used as the Lambda description. */
  description: string;
  /** The function seals or opens webhooks' signing secrets: it reads the signing master key. */
  readsSigningKey?: boolean;
  /** The function sends breaker timers to the retries queue (a resumed destination's drain). */
  sendsTimers?: boolean;
}

/** The partitions of the delivery log (shared/store/item-keys.ts deliveriesPartition). */
export const DELIVERY_LOG_PARTITIONS = 'deliveries#';

/** Where Meta posts notifications and runs its subscription check. */
export const INGEST_PATH = '/webhooks/whatsapp';

/** A grant on the calling number's own partition (the store's methods each function calls, in shared/store/). */
const ownNumber = (...actions: TableAction[]): readonly TableGrant[] => [{ partitions: 'phone-number', actions }];

export const routes: readonly Route[] = [
  { method: 'GET', path: '/health', handler: 'health', auth: 'none', throttle: 'checks', description: 'Liveness probe' },
  // readPrimary, and the primary's breaker (whether it is paused)
  {
    method: 'GET',
    path: '/v1/configs/webhook',
    handler: 'primary-webhook-get',
    auth: 'api-key',
    table: ownNumber('dynamodb:GetItem'),
    throttle: 'management',
    description: 'Read the primary webhook',
  },
  // setPrimary; pausing or resuming reads and writes the primary's breaker
  {
    method: 'POST',
    path: '/v1/configs/webhook',
    handler: 'primary-webhook-set',
    auth: 'api-key',
    table: ownNumber('dynamodb:UpdateItem', 'dynamodb:GetItem'),
    throttle: 'management',
    description: 'Set the primary webhook',
    readsSigningKey: true,
    sendsTimers: true,
  },
  // readPhoneConfig
  {
    method: 'GET',
    path: '/multi_webhook',
    handler: 'multi-webhook-get',
    auth: 'api-key',
    table: ownNumber('dynamodb:Query'),
    throttle: 'management',
    description: 'List the additional webhooks',
  },
  // setEnabled: an update of the config item, or a transaction of that update and a put per destination
  {
    method: 'POST',
    path: '/multi_webhook',
    handler: 'multi-webhook-enable',
    auth: 'api-key',
    table: ownNumber('dynamodb:UpdateItem', 'dynamodb:PutItem'),
    throttle: 'management',
    description: 'Enable or disable additional webhooks',
    readsSigningKey: true,
  },
  // append: a transaction of the count update and a put per destination
  {
    method: 'PUT',
    path: '/multi_webhook',
    handler: 'multi-webhook-append',
    auth: 'api-key',
    table: ownNumber('dynamodb:UpdateItem', 'dynamodb:PutItem'),
    throttle: 'management',
    description: 'Append additional webhooks',
    readsSigningKey: true,
  },
  // update: a transaction of a condition check on the config item and the webhook's update; turning
  // signing on reads back which secret stayed (GetItem); pausing or resuming reads and writes its breaker
  {
    method: 'PATCH',
    path: '/multi_webhook',
    handler: 'multi-webhook-update',
    auth: 'api-key',
    table: ownNumber('dynamodb:ConditionCheckItem', 'dynamodb:UpdateItem', 'dynamodb:GetItem'),
    throttle: 'management',
    description: 'Update an additional webhook by exact name',
    readsSigningKey: true,
    sendsTimers: true,
  },
  // remove: a transaction deleting the webhook and its breaker, and updating the count
  {
    method: 'DELETE',
    path: '/multi_webhook',
    handler: 'multi-webhook-delete',
    auth: 'api-key',
    table: ownNumber('dynamodb:DeleteItem', 'dynamodb:UpdateItem'),
    throttle: 'management',
    description: 'Delete an additional webhook by exact name',
  },
  {
    method: 'GET',
    path: INGEST_PATH,
    handler: 'whatsapp-verify',
    auth: 'none',
    throttle: 'checks',
    readsSecrets: ['verifyToken'],
    description: 'Meta subscription check (hub.verify_token)',
  },
  {
    method: 'POST',
    path: INGEST_PATH,
    handler: 'whatsapp-ingest',
    auth: 'none',
    throttle: 'ingest',
    sendsNotifications: true,
    readsSecrets: ['appSecret'],
    // Learns each number's WABA from its notifications, and fans WABA-level events out to its numbers.
    table: [
      { partitions: 'waba-of#', actions: ['dynamodb:GetItem', 'dynamodb:PutItem'] },
      { partitions: 'waba#', actions: ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:DeleteItem'] },
    ],
    description: 'Verifies and queues WhatsApp notifications',
  },
  { method: 'GET', path: '/openapi.json', handler: 'openapi', auth: 'none', throttle: 'checks', description: 'The OpenAPI 3.1 document' },
  // DeliveryLog.list: one Query per page of the number's delivery log
  {
    method: 'GET',
    path: '/deliveries',
    handler: 'deliveries-list',
    auth: 'api-key',
    table: [{ partitions: DELIVERY_LOG_PARTITIONS, actions: ['dynamodb:Query'] }],
    throttle: 'management',
    description: 'List the delivery log (failed, retrying, parked, dead and delivered copies)',
  },
  // readPhoneConfig: the breakers and parked counts come with the configuration
  {
    method: 'GET',
    path: '/multi_webhook/status',
    handler: 'multi-webhook-status',
    auth: 'api-key',
    table: ownNumber('dynamodb:Query'),
    throttle: 'management',
    description: "Each destination's breaker, last answer and parked copies",
  },
  // DeliveryLog.find (GetItem, Query), markReplayed (UpdateItem); readPhoneConfig (Query); retries-queue messages
  {
    method: 'POST',
    path: '/deliveries/{id}/retry',
    handler: 'deliveries-retry',
    auth: 'api-key',
    table: [
      { partitions: DELIVERY_LOG_PARTITIONS, actions: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem'] },
      { partitions: 'phone-number', actions: ['dynamodb:Query'] },
    ],
    sendsRetries: true,
    throttle: 'management',
    description: 'Send a failed or dead notification again to the destinations that did not receive it',
  },
  // rotateSigning: the webhook's item read, then a conditional update of its sealed secrets
  {
    method: 'POST',
    path: '/multi_webhook/secret',
    handler: 'signing-secret-rotate',
    auth: 'api-key',
    table: ownNumber('dynamodb:GetItem', 'dynamodb:UpdateItem'),
    throttle: 'management',
    description: 'Rotate a webhook signing secret',
    readsSigningKey: true,
  },
  // readPhoneConfig, then one signed POST to the webhook (no retry, no breaker)
  {
    method: 'POST',
    path: '/multi_webhook/test',
    handler: 'multi-webhook-test',
    auth: 'api-key',
    table: ownNumber('dynamodb:Query'),
    throttle: 'management',
    description: 'Send a test event to one webhook',
    readsSigningKey: true,
  },
];

/** Functions that are not behind a route. */
export const authorizerFunction = {
  handler: 'authorizer',
  // resolve: the lookup item of the key's hash, nothing else of the table
  table: [{ partitions: API_KEY_PARTITIONS, actions: ['dynamodb:GetItem'] }] as readonly TableGrant[],
  description: 'Resolves D360-API-KEY to a phone number',
} as const;

/**
 * What `npx multi-webhook keys create|list|revoke` needs (an operator's role, not a function; the
 * stack offers it as the KeysOperatorPolicy managed policy): the lookup items by key hash, and the
 * index items in the number's partition. No Scan.
 */
export const keysOperatorGrants: readonly TableGrant[] = [
  { partitions: API_KEY_PARTITIONS, actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'] },
  { partitions: 'phone-number', actions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:DeleteItem'] },
];

export const deliveryFunction = {
  handler: 'delivery',
  table: [
    // The configuration (Query), the breakers (GetItem, UpdateItem, also inside the park and unpark transactions).
    { partitions: 'phone-number', actions: ['dynamodb:Query', 'dynamodb:GetItem', 'dynamodb:UpdateItem'] },
    // Parked copies: parked (Put), drained in order (Query), counted (Update) and unparked (Delete).
    { partitions: 'parked#', actions: ['dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'] },
    // Failed-attempt records.
    { partitions: 'attempts#', actions: ['dynamodb:PutItem'] },
    // The delivery log: a copy's first entry and the notification kept for replay put together in
    // batches (BatchWriteItem: IAM checks the partition of every item), each later entry updated in place.
    { partitions: DELIVERY_LOG_PARTITIONS, actions: ['dynamodb:BatchWriteItem', 'dynamodb:UpdateItem'] },
  ] as readonly TableGrant[],
} as const;

export function routeKey(route: Pick<Route, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}
