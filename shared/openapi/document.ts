// The OpenAPI 3.1 document of the HTTP API (GET /openapi.json): a path per route of the route table,
// each with its operation, so a route and its description cannot drift apart.
import { routeKey, routes, type Route } from '../../infra/routes.js';
import { operations, type Operation, type Parameter, type Response } from './operations.js';
import { schemas } from './schemas.js';

export const API_KEY_HEADER = 'D360-API-KEY';

const errorResponse = (description: string): Response => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});

const components = {
  schemas,
  securitySchemes: {
    apiKey: {
      type: 'apiKey',
      in: 'header',
      name: API_KEY_HEADER,
      description: 'Identifies the phone number (one key, one number); created with `npx multi-webhook keys create --phone <digits>`.',
    },
  },
  responses: {
    Unauthorized: errorResponse(`The ${API_KEY_HEADER} header is missing or holds an unknown key (the same 401 for both).`),
    InternalError: errorResponse('Something failed on the service side; the sentence carries a request id to quote.'),
  },
};

const DESCRIPTION = [
  'Webhook fan-out for WhatsApp phone numbers: one primary webhook and up to 3 named additional webhooks, compatible with',
  "360dialog's /multi_webhook API. Every notification goes to the primary first; only its HTTP 200 releases the copies to the",
  'additional webhooks.',
  '',
  'Errors are `{"error": "<a sentence>"}`; a refused request changes nothing, and a client mistake is never a 5xx.',
  '',
  'Local mode (`npm start`, DESTINATION_POLICY=local) relaxes exactly one rule: destinations on loopback (127.0.0.1, ::1,',
  'localhost) are allowed, over http and with a port. Every other rule holds, and DESTINATION_POLICY=strict turns that off.',
].join('\n');

/** The route's `{name}` segments that the operation does not describe itself, as required string parameters. */
function pathParameters(route: Route, operation: Operation): Parameter[] {
  const described = new Set(operation.parameters?.filter((p) => p.in === 'path').map((p) => p.name));
  return [...route.path.matchAll(/\{([^}]+)\}/g)]
    .map(([, name]) => name!)
    .filter((name) => !described.has(name))
    .map((name) => ({ name, in: 'path', required: true, description: `The ${name} in the path.`, schema: { type: 'string' } }));
}

function pathItemOperation(route: Route, operation: Operation) {
  const secured = route.auth === 'api-key';
  const parameters = [...pathParameters(route, operation), ...(operation.parameters ?? [])];
  return {
    summary: route.description,
    ...operation,
    ...(parameters.length > 0 && { parameters }),
    ...(secured && { security: [{ apiKey: [] }] }),
    responses: {
      ...operation.responses,
      ...(secured && { 401: { $ref: '#/components/responses/Unauthorized' } }),
      500: { $ref: '#/components/responses/InternalError' },
    },
  };
}

export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const operation = operations[routeKey(route)];
    if (!operation) throw new Error(`No OpenAPI operation describes ${routeKey(route)} (shared/openapi/operations.ts).`);
    (paths[route.path] ??= {})[route.method.toLowerCase()] = pathItemOperation(route, operation);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'multi-webhook', version: '1', description: DESCRIPTION, license: { name: 'MIT', identifier: 'MIT' } },
    tags: [
      { name: 'management', description: `The webhooks of the phone number that the ${API_KEY_HEADER} key identifies.` },
      { name: 'ingest', description: 'Where Meta posts WhatsApp notifications and runs its subscription check.' },
      { name: 'service', description: 'Liveness and this document.' },
    ],
    paths,
    components,
  };
}
