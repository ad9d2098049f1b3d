// One OpenAPI operation per route of infra/routes.ts, keyed by its route key ("GET /health"). The
// document adds what the route table already says: the summary, and the API key with its 401.
import { MAX_ADDITIONAL_WEBHOOKS, MAX_MANAGEMENT_BODY_BYTES, MAX_NOTIFICATION_BYTES } from '../domain/limits.js';
import { STATUS_FILTERS } from '../domain/delivery-log.js';
import { DEFAULT_DELIVERY_PAGE, MAX_DELIVERY_PAGE } from '../domain/delivery-query.js';
import type { JsonSchema } from './schemas.js';

export interface MediaType {
  schema: JsonSchema;
  example?: unknown;
}

export interface Response {
  description: string;
  content?: Record<string, MediaType>;
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  description: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface Operation {
  operationId: string;
  tags: string[];
  description?: string;
  parameters?: Parameter[];
  requestBody?: { description?: string; required: boolean; content: Record<string, MediaType> };
  /** By status; 500 (and 401 on the routes behind the API key) are added for every operation. */
  responses: Record<string, Response>;
}

const schema = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (description: string, name: string, example?: unknown): Response => ({
  description,
  content: { 'application/json': { schema: schema(name), ...(example !== undefined && { example }) } },
});
const error = (description: string): Response => json(description, 'Error');
const body = (name: string, example: unknown) => ({ required: true, content: { 'application/json': { schema: schema(name), example } } });

const query = (name: string, description: string, schema: JsonSchema): Parameter => ({ name, in: 'query', description, schema });

const KiB = 1024;
const MANAGEMENT_BODY = `${MAX_MANAGEMENT_BODY_BYTES / KiB} KiB`;
/** A body on a route that takes none is still read: malformed JSON and size are judged as anywhere. */
const ANY_BODY_BAD = error('The query string is malformed, or a body was sent and is not JSON.');
const ANY_BODY_TOO_LARGE = error(`A body was sent and is larger than ${MANAGEMENT_BODY}.`);
const MANAGEMENT_BAD = error(
  'Invalid input: malformed JSON, a body that is not an object, wrong types, unknown fields, a bad name, URL or header, or a malformed query string.',
);
const MANAGEMENT_TOO_LARGE = error(`The body is larger than ${MANAGEMENT_BODY}.`);
const IN_FLIGHT = 'another change to the same number was in flight at that instant (send it again)';
const done = (message: string) => json('Done; the message says what changed.', 'Message', { message });
const PRIMARY_EXAMPLE = { url: 'https://example.com/webhook', headers: { Authorization: 'Bearer abc' } };
const DESTINATION_EXAMPLE = { name: 'crm', url: 'https://crm.example.com/whatsapp', headers: { 'X-Token': 'secret' } };

export const operations: Record<string, Operation> = {
  'GET /health': {
    operationId: 'getHealth',
    tags: ['service'],
    description: 'Liveness: answers without touching anything, and without a key.',
    responses: { 200: json('The service answers.', 'Health', { status: 'ok' }), 400: ANY_BODY_BAD, 413: ANY_BODY_TOO_LARGE },
  },
  'GET /v1/configs/webhook': {
    operationId: 'getPrimaryWebhook',
    tags: ['management'],
    responses: {
      200: json('The primary webhook.', 'PrimaryWebhook', PRIMARY_EXAMPLE),
      400: ANY_BODY_BAD,
      404: error('No primary webhook is set for this phone number.'),
      413: ANY_BODY_TOO_LARGE,
    },
  },
  'POST /v1/configs/webhook': {
    operationId: 'setPrimaryWebhook',
    tags: ['management'],
    description: 'Sets the primary webhook, which receives every notification first; `headers` defaults to `{}`.',
    requestBody: body('PrimaryWebhookRequest', PRIMARY_EXAMPLE),
    responses: {
      200: json('The primary webhook as stored.', 'PrimaryWebhook', PRIMARY_EXAMPLE),
      400: MANAGEMENT_BAD,
      413: MANAGEMENT_TOO_LARGE,
    },
  },
  'GET /multi_webhook': {
    operationId: 'getMultiWebhook',
    tags: ['management'],
    description: 'A number that never configured any answers `{"enabled": false, "destinations": []}`.',
    responses: {
      200: json('Whether clones are enabled, and the additional webhooks.', 'MultiWebhook', {
        enabled: true,
        destinations: [DESTINATION_EXAMPLE],
      }),
      400: ANY_BODY_BAD,
      413: ANY_BODY_TOO_LARGE,
    },
  },
  'POST /multi_webhook': {
    operationId: 'enableMultiWebhook',
    tags: ['management'],
    description:
      'Enables or disables the clones; disabling keeps the stored webhooks. `destinations` may be given only when enabling, ' +
      'with names unique in the request.',
    requestBody: body('EnableRequest', { enabled: true, destinations: [DESTINATION_EXAMPLE] }),
    responses: {
      200: json('Done; the message says what changed, and `secrets` holds each new signing secret.', 'MessageWithSecrets', {
        message: 'Multiple webhooks enabled with 1 webhook(s).',
      }),
      400: MANAGEMENT_BAD,
      409: error(
        `Already enabled while destinations were given, a name already stored, more than ${MAX_ADDITIONAL_WEBHOOKS} webhooks, or ${IN_FLIGHT}.`,
      ),
      413: MANAGEMENT_TOO_LARGE,
    },
  },
  'PUT /multi_webhook': {
    operationId: 'appendMultiWebhook',
    tags: ['management'],
    description: `Appends webhooks, all or none, up to ${MAX_ADDITIONAL_WEBHOOKS} per phone number; names are unique in the request.`,
    requestBody: body('AppendRequest', { destinations: [DESTINATION_EXAMPLE] }),
    responses: {
      200: json('Done; `secrets` holds the signing secret of each added webhook that signs.', 'MessageWithSecrets', {
        message: 'Added 1 webhook(s).',
      }),
      400: MANAGEMENT_BAD,
      409: error(`Not enabled, a name already stored, more than ${MAX_ADDITIONAL_WEBHOOKS} webhooks, or ${IN_FLIGHT}.`),
      413: MANAGEMENT_TOO_LARGE,
    },
  },
  'PATCH /multi_webhook': {
    operationId: 'updateMultiWebhook',
    tags: ['management'],
    description:
      'Changes the url, the headers, `signing` or `paused` of the webhook of that exact name; giving none of them is a 400. ' +
      'Turning `signing` on issues its secret, returned once as `secret`; `paused: true` parks its copies until `paused: false`.',
    requestBody: body('UpdateRequest', { name: 'crm', url: 'https://crm.example.com/whatsapp/v2' }),
    responses: {
      200: json('Done; `secret` is the new signing secret when this request turned signing on.', 'MessageWithSecret', {
        message: 'Updated webhook "crm".',
      }),
      400: MANAGEMENT_BAD,
      404: error('No webhook of that exact name (names are case-sensitive).'),
      409: error(`Not enabled, or ${IN_FLIGHT}.`),
      413: MANAGEMENT_TOO_LARGE,
    },
  },
  'DELETE /multi_webhook': {
    operationId: 'deleteMultiWebhook',
    tags: ['management'],
    description: 'Deletes the webhook of that exact name, given as `?name=` or as a JSON body `{"name"}` (once, in one place).',
    parameters: [
      {
        name: 'name',
        in: 'query',
        description: 'The exact name of the webhook to delete.',
        schema: { $ref: '#/components/schemas/DeleteRequest/properties/name' },
      },
    ],
    requestBody: { ...body('DeleteRequest', { name: 'crm' }), required: false },
    responses: {
      200: done('Deleted webhook "crm".'),
      400: error('No name, a name given twice or in both places, or a bad name or body.'),
      404: error('No webhook of that exact name (names are case-sensitive).'),
      409: error(`${IN_FLIGHT[0]!.toUpperCase()}${IN_FLIGHT.slice(1)}.`),
      413: MANAGEMENT_TOO_LARGE,
    },
  },
  'GET /webhooks/whatsapp': {
    operationId: 'verifyWhatsAppSubscription',
    tags: ['ingest'],
    description: "Meta's subscription check: echoes `hub.challenge` when `hub.verify_token` matches WHATSAPP_VERIFY_TOKEN.",
    parameters: [
      { name: 'hub.mode', in: 'query', required: true, description: 'Always `subscribe`.', schema: { const: 'subscribe' } },
      {
        name: 'hub.verify_token',
        in: 'query',
        required: true,
        description: 'The verify token configured at Meta.',
        schema: { type: 'string' },
      },
      { name: 'hub.challenge', in: 'query', required: true, description: 'Echoed as the body.', schema: { type: 'string' } },
    ],
    responses: {
      200: {
        description: 'The challenge, as the plain body.',
        content: { 'text/plain': { schema: { type: 'string' }, example: '1158201444' } },
      },
      400: error('The token matched but hub.challenge is missing, or the query string is malformed.'),
      403: error('hub.mode is not subscribe, or hub.verify_token is missing or does not match.'),
      413: ANY_BODY_TOO_LARGE,
    },
  },
  'POST /webhooks/whatsapp': {
    operationId: 'receiveWhatsAppNotification',
    tags: ['ingest'],
    description:
      "Where Meta posts WhatsApp notifications. Answers 200 once the queue holds one copy per phone number (an unknown number's " +
      'copy is dropped with a log line, still 200, so that Meta does not retry it for days).',
    parameters: [
      {
        name: 'X-Hub-Signature-256',
        in: 'header',
        required: true,
        description:
          'sha256=<hex HMAC-SHA256 of the raw body, keyed with WHATSAPP_APP_SECRET>; the HMAC of the body with non-ASCII ' +
          'escaped as \\uXXXX is accepted too.',
        schema: { type: 'string', pattern: '^sha256=[0-9a-fA-F]{64}$' },
      },
    ],
    requestBody: { required: true, content: { 'application/json': { schema: schema('WhatsAppNotification') } } },
    responses: {
      200: json('Queued, or already taken within the de-duplication window.', 'IngestResult', { status: 'queued' }),
      400: error('The signed body is not a WhatsApp notification (malformed JSON, not UTF-8, no `entry` array).'),
      401: error('X-Hub-Signature-256 is missing or does not match the body.'),
      403: error("The request is one of this service's own deliveries coming back (it carries the delivery marker): taking it would loop."),
      409: error('The same notification is being accepted at this moment; send it again.'),
      413: error(`The body is larger than ${MAX_NOTIFICATION_BYTES / KiB / KiB} MiB.`),
    },
  },
  'GET /deliveries': {
    operationId: 'listDeliveries',
    tags: ['operations'],
    description:
      'The delivery log of the calling number, newest first: one entry per notification and destination that failed at least once ' +
      '(and every delivered copy when the service records successes). Payloads are never returned.',
    parameters: [
      query('status', '`failed` is every copy not delivered (retrying, parked or dead).', { enum: [...STATUS_FILTERS] }),
      query('destination', '`primary`, or the exact name of an additional webhook.', { type: 'string', minLength: 1 }),
      query('from', 'Earliest receive time, inclusive (ISO 8601 with a zone).', { type: 'string', format: 'date-time' }),
      query('to', 'Latest receive time, inclusive (ISO 8601 with a zone).', { type: 'string', format: 'date-time' }),
      query('limit', `Entries per page (default ${DEFAULT_DELIVERY_PAGE}).`, { type: 'integer', minimum: 1, maximum: MAX_DELIVERY_PAGE }),
      query('cursor', 'The `nextCursor` of the previous page, unchanged.', { type: 'string', minLength: 1 }),
    ],
    responses: {
      200: json('A page of the delivery log; `nextCursor` is null on the last page.', 'DeliveryPage'),
      400: error('An unknown or repeated query parameter, a bad status, time, limit or destination, or a cursor not from this number.'),
      413: ANY_BODY_TOO_LARGE,
    },
  },
  'GET /multi_webhook/status': {
    operationId: 'getDestinationStatus',
    tags: ['operations'],
    description:
      "Each destination's circuit breaker, last answer, parked copies and next probe: the primary first, then each additional webhook.",
    responses: { 200: json('The destinations and their health.', 'DestinationStatus'), 400: ANY_BODY_BAD, 413: ANY_BODY_TOO_LARGE },
  },
  'POST /deliveries/{id}/retry': {
    operationId: 'retryDelivery',
    tags: ['operations'],
    description:
      'Sends a logged notification again, with the same `webhook-id`, to the destinations that did not receive it: the primary ' +
      'when it has not answered 200 (its 200 then releases the clones), otherwise only the clones that missed it.',
    responses: {
      202: json('The retry is queued; `destinations` says where it goes.', 'RetryQueued'),
      400: error('The id is not 1 to 128 printable ASCII characters, or a body was sent and is not JSON.'),
      404: error('The delivery log of this number holds no notification with that id.'),
      409: error(
        'Nothing to retry: every destination has it, what is missing is parked behind an open breaker, a retry is already queued, or the webhooks that missed it are gone.',
      ),
      413: ANY_BODY_TOO_LARGE,
    },
  },
  'POST /multi_webhook/secret': {
    operationId: 'rotateSigningSecret',
    tags: ['operations'],
    description:
      'Issues a new signing secret for the webhook of that exact name (the primary when no name is given), returned once; ' +
      'the previous secret keeps signing beside it for the grace period, so every copy carries both signatures meanwhile.',
    requestBody: body('TargetRequest', { name: 'crm' }),
    responses: {
      200: json('The new secret, and how long the previous one still signs.', 'SecretRotated'),
      400: MANAGEMENT_BAD,
      404: error('No webhook of that exact name, or no primary webhook.'),
      409: error('The webhook does not sign: turn `signing` on first.'),
      413: MANAGEMENT_TOO_LARGE,
    },
  },
  'POST /multi_webhook/test': {
    operationId: 'sendTestEvent',
    tags: ['operations'],
    description:
      'Sends one synthetic notification (`webhook-id` `test_…`, body `{"object":"multi_webhook","type":"test",…}`) to the webhook ' +
      'of that exact name (the primary when no name is given), with its headers and signature, once: no retry, no breaker. ' +
      "Answers 200 with the receiver's answer, or why none came.",
    requestBody: body('TargetRequest', {}),
    responses: {
      200: json("The receiver's status, latency and body excerpt, or the connection error.", 'TestAnswer'),
      400: MANAGEMENT_BAD,
      404: error('No webhook of that exact name, or no primary webhook.'),
      413: MANAGEMENT_TOO_LARGE,
    },
  },
  'GET /openapi.json': {
    operationId: 'getOpenApiDocument',
    tags: ['service'],
    description: 'This document, without a key.',
    responses: { 200: json('The OpenAPI 3.1 document of this API.', 'OpenApiDocument'), 400: ANY_BODY_BAD, 413: ANY_BODY_TOO_LARGE },
  },
};
