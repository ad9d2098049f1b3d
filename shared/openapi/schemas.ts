// The JSON Schemas of the OpenAPI document: request bodies generated from the zod schemas the handlers
// parse with (so a rule lives once), and the response bodies the handlers build.
import * as z from 'zod/mini';
import { MAX_ADDITIONAL_WEBHOOKS } from '../domain/limits.js';
import { requestSchemas } from '../domain/requests.js';

export type JsonSchema = Record<string, unknown>;

/**
 * A request schema as JSON Schema, from what the client sends (zod's input side). Rules checked by
 * a function (names, URLs, headers) appear through the z.meta beside them in shared/domain/requests.ts;
 * the cross-field rules (a name given twice, `destinations` with `enabled: false`, a PATCH that
 * changes nothing) are in the descriptions of the operations.
 */
function requestJsonSchema(schema: z.ZodMiniType): JsonSchema {
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return jsonSchema;
}

/** The deployed policy's schemas: the document is the same locally, and the URL's description says what local mode relaxes. */
const requests = requestSchemas('strict');

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const strictObject = (properties: Record<string, JsonSchema>, required = Object.keys(properties)): JsonSchema => ({
  type: 'object',
  properties,
  required,
  additionalProperties: false,
});
const HEADERS: JsonSchema = {
  type: 'object',
  additionalProperties: { type: 'string' },
  description: 'The header names and values sent with every copy to this webhook.',
};

const MESSAGE: JsonSchema = { type: 'string', description: 'What was done, in one sentence.' };
const SECRET: JsonSchema = {
  type: 'string',
  pattern: '^whsec_[A-Za-z0-9+/]+={0,2}$',
  description: 'A Standard Webhooks signing secret, returned once: in the answer that issues it, never by a GET.',
};
/** Extension fields, present only when true: a webhook that uses none has exactly 360dialog's shape. */
const EXTENSIONS: Record<string, JsonSchema> = {
  signing: { const: true, description: 'Every copy carries a Standard Webhooks `webhook-signature`.' },
  paused: { const: true, description: 'Paused: copies are parked until it is resumed.' },
};
const NOTICES: JsonSchema = {
  const: true,
  description: 'The primary receives operational notices (breaker opened, notification dead-lettered).',
};

export const schemas: Record<string, JsonSchema> = {
  PrimaryWebhookRequest: requestJsonSchema(requests.PrimaryWebhook),
  EnableRequest: requestJsonSchema(requests.Enable),
  AppendRequest: requestJsonSchema(requests.Append),
  UpdateRequest: requestJsonSchema(requests.Update),
  DeleteRequest: requestJsonSchema(requests.Delete),
  PrimaryWebhook: strictObject({ url: { type: 'string' }, headers: HEADERS, ...EXTENSIONS, notices: NOTICES, secret: SECRET }, [
    'url',
    'headers',
  ]),
  Destination: strictObject({ name: { type: 'string' }, url: { type: 'string' }, headers: HEADERS, ...EXTENSIONS }, [
    'name',
    'url',
    'headers',
  ]),
  MultiWebhook: strictObject({
    enabled: { type: 'boolean', description: 'Whether clones are delivered (after the primary answers 200).' },
    destinations: { type: 'array', items: ref('Destination'), maxItems: MAX_ADDITIONAL_WEBHOOKS },
  }),
  Message: strictObject({ message: MESSAGE }),
  MessageWithSecrets: strictObject(
    {
      message: MESSAGE,
      secrets: {
        type: 'object',
        additionalProperties: SECRET,
        description: 'The signing secret of each webhook this request made sign, by name: shown once, here.',
      },
    },
    ['message'],
  ),
  MessageWithSecret: strictObject({ message: MESSAGE, secret: SECRET }, ['message']),
  SecretRotated: strictObject({
    message: MESSAGE,
    secret: SECRET,
    previousValidForSeconds: { type: 'integer', minimum: 0, description: 'How long the previous secret keeps signing beside the new one.' },
  }),
  TestAnswer: {
    oneOf: [
      strictObject(
        {
          status: { type: 'integer', description: "The receiver's HTTP status." },
          latencyMs: { type: 'integer', minimum: 0 },
          body: { type: 'string', description: 'The start of its answer body, at most 1 KB.' },
        },
        ['status', 'latencyMs'],
      ),
      strictObject({
        connectionError: { type: 'string', description: 'Why no answer came (timeout, DNS, refused address, connection), in a sentence.' },
        latencyMs: { type: 'integer', minimum: 0 },
      }),
    ],
  },
  TargetRequest: requestJsonSchema(requests.Target),
  Error: strictObject({ error: { type: 'string', minLength: 1, description: 'What was wrong, in a sentence a person understands.' } }),
  Health: strictObject({ status: { const: 'ok' } }),
  IngestResult: strictObject({
    status: {
      enum: ['queued', 'duplicate', 'ignored'],
      description:
        'queued: held by the queue for delivery; duplicate: the same notification was taken within the de-duplication ' +
        'window and is not queued again; ignored: the body names no phone number (answered 200 so that Meta does not retry it).',
    },
  }),
  WhatsAppNotification: {
    type: 'object',
    description:
      "A WhatsApp Cloud API notification as Meta posts it (`object`, `entry[].changes[].value`); the phone number is read from `value.metadata.display_phone_number` or `value.display_phone_number`, WABA-level changes go to that WABA's numbers.",
    properties: { object: { type: 'string' }, entry: { type: 'array' } },
    required: ['entry'],
  },
  DeliveryPage: strictObject({
    deliveries: { type: 'array', items: ref('Delivery') },
    nextCursor: { type: ['string', 'null'], description: 'Pass as `cursor` for the next page; null on the last one.' },
  }),
  Delivery: strictObject({
    notificationId: { type: 'string', description: 'The `webhook-id` of the notification.' },
    destination: { type: 'string', description: '`primary`, or the exact name of the additional webhook.' },
    role: { enum: ['primary', 'clone'] },
    status: { enum: ['retrying', 'parked', 'dead', 'delivered'] },
    attempts: { type: 'integer', minimum: 0 },
    lastStatus: { type: ['integer', 'null'], description: 'The HTTP status of the last answer.' },
    lastError: { type: ['string', 'null'], description: 'timeout, connection, dns or refused-address when there was no answer.' },
    lastLatencyMs: { type: ['integer', 'null'] },
    nextAttemptAt: { type: ['string', 'null'], format: 'date-time' },
    responseExcerpt: { type: ['string', 'null'], description: 'The start of the last answer body, at most 1 KB.' },
    receivedAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    retryQueued: { type: 'boolean', description: 'A retry asked through POST /deliveries/{id}/retry has not had its outcome yet.' },
  }),
  DestinationStatus: strictObject({
    enabled: { type: 'boolean' },
    destinations: { type: 'array', items: ref('DestinationHealth') },
  }),
  DestinationHealth: strictObject({
    destination: { type: 'string' },
    role: { enum: ['primary', 'clone'] },
    enabled: { type: 'boolean', description: 'Whether copies go to it now (clones only while additional webhooks are enabled).' },
    breaker: { enum: ['closed', 'open', 'draining'] },
    paused: { type: 'boolean', description: 'Paused by its owner: copies are parked until it is resumed.' },
    consecutiveFailures: { type: 'integer', minimum: 0 },
    lastStatus: { type: ['integer', 'null'] },
    lastError: { type: ['string', 'null'] },
    lastLatencyMs: { type: ['integer', 'null'] },
    parked: { type: 'integer', minimum: 0, description: 'Copies waiting for the breaker to close.' },
    nextProbeAt: { type: ['string', 'null'], format: 'date-time' },
  }),
  RetryQueued: strictObject({
    message: { type: 'string' },
    notificationId: { type: 'string' },
    destinations: { type: 'array', items: { type: 'string' }, minItems: 1 },
  }),
  OpenApiDocument: {
    type: 'object',
    description: 'This document.',
    properties: { openapi: { const: '3.1.0' }, info: { type: 'object' }, paths: { type: 'object' } },
    required: ['openapi', 'info', 'paths'],
  },
};
