import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { routeKey, routes } from '../../../infra/routes.js';
import { parseRequest, requestSchemas, type RequestSchemas } from '../../../shared/domain/requests.js';
import { openApiDocument } from '../../../shared/openapi/document.js';
import { operations } from '../../../shared/openapi/operations.js';
import { OpenApiChecker, describeErrors, token } from '../../helpers/openapi.js';
import { controlRequests, managementCases } from '../../reliability/support/management-cases.js';

const document = openApiDocument();
const checker = new OpenApiChecker(document);

/** The zod schema each management route parses its body with. */
const PARSED_WITH: Record<string, keyof RequestSchemas> = {
  'POST /v1/configs/webhook': 'PrimaryWebhook',
  'POST /multi_webhook': 'Enable',
  'PUT /multi_webhook': 'Append',
  'PATCH /multi_webhook': 'Update',
  'DELETE /multi_webhook': 'Delete',
};

const zodAccepts = (key: string, body: unknown) => {
  try {
    parseRequest(requestSchemas('strict')[PARSED_WITH[key]!], body);
    return true;
  } catch {
    return false;
  }
};

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(document as unknown as Record<string, unknown>);
    expect(result.errors).toBeUndefined();
    expect({ valid: result.valid, version: validator.version }).toEqual({ valid: true, version: '3.1' });
  });

  it('has an operation for every route of the route table, and none for a route that does not exist', () => {
    const keys = routes.map(routeKey);
    expect(keys.filter((key) => !(key in operations))).toEqual([]);
    expect(Object.keys(operations).filter((key) => !keys.includes(key))).toEqual([]);
    const documented = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(documented.sort()).toEqual([...keys].sort());
  });

  it('gives every operation a unique operationId and the summary of its route', () => {
    const ids = Object.values(operations).map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const route of routes) expect(checker.operation(route.method, route.path)?.summary, routeKey(route)).toBe(route.description);
  });

  it('asks for the D360-API-KEY header on exactly the routes behind the authorizer, each with its 401', () => {
    expect(document.components.securitySchemes.apiKey).toMatchObject({ type: 'apiKey', in: 'header', name: 'D360-API-KEY' });
    for (const route of routes) {
      const operation = checker.operation(route.method, route.path)!;
      expect({ route: routeKey(route), security: operation.security }).toEqual({
        route: routeKey(route),
        security: route.auth === 'api-key' ? [{ apiKey: [] }] : undefined,
      });
      if (route.auth === 'api-key') expect(operation.responses[401]).toEqual({ $ref: '#/components/responses/Unauthorized' });
    }
  });

  it('describes the ingest signature header, and the verify challenge as plain text', () => {
    const ingest = checker.operation('POST', '/webhooks/whatsapp')!;
    expect(ingest.parameters).toContainEqual(expect.objectContaining({ name: 'X-Hub-Signature-256', in: 'header', required: true }));
    expect(Object.keys(checker.operation('GET', '/webhooks/whatsapp')!.responses[200].content)).toEqual(['text/plain']);
  });

  it('gives examples that its own schemas accept', () => {
    const examples: string[] = [];
    // Every media type object with an example, by its pointer.
    const walk = (value: unknown, pointer: string): void => {
      if (typeof value !== 'object' || value === null) return;
      const node = value as Record<string, unknown>;
      if ('schema' in node && 'example' in node) {
        const validate = checker.schemaAt(`${pointer}/schema`);
        examples.push(validate(node.example) ? pointer : `${pointer}: ${describeErrors(validate.errors)}`);
      }
      for (const [key, child] of Object.entries(node)) walk(child, `${pointer}/${token(key)}`);
    };
    walk(document.paths, '#/paths');
    expect(examples.length).toBeGreaterThan(10);
    expect(examples.filter((line) => line.includes(': '))).toEqual([]);
  });

  it('says what local mode relaxes, in the API description and in every destination url', () => {
    expect(document.info.description).toMatch(/Local mode .* loopback/s);
    const enable = document.components.schemas.EnableRequest as any;
    expect(enable.properties.destinations.items.properties.url.description).toMatch(/Local mode only .*loopback/);
  });
});

describe('the request body schemas, generated from the zod schemas the handlers parse with', () => {
  it('accept every body the API accepts (the bad-input controls)', () => {
    for (const control of controlRequests()) {
      const validate = checker.requestBody(control.method, control.path);
      expect({ control: control.what, valid: validate(control.body), errors: describeErrors(validate.errors) }).toEqual({
        control: control.what,
        valid: true,
        errors: '',
      });
    }
  });

  it('refuse only bodies the API refuses too, and agree with it on the structural refusals', () => {
    const bodies = managementCases('strict').filter((c) => c.body && 'json' in c.body && `${c.method} ${c.path}` in PARSED_WITH);
    expect(bodies.length).toBeGreaterThan(100);
    let refusedByBoth = 0;
    for (const c of bodies) {
      const body = (c.body as { json: unknown }).json;
      const key = `${c.method} ${c.path}`;
      if (checker.requestBody(c.method, c.path)(body)) continue;
      refusedByBoth++;
      expect({ case: `${key}: ${c.what}`, zodAccepts: zodAccepts(key, body) }).toEqual({ case: `${key}: ${c.what}`, zodAccepts: false });
    }
    // Wrong types, unknown and missing fields, empty lists, long names, too many or non-string headers.
    expect(refusedByBoth).toBeGreaterThan(30);
  });

  it('carry the limits of shared/domain/limits.ts', () => {
    const append = checker.requestBody('PUT', '/multi_webhook');
    const destination = (overrides: object) => ({ destinations: [{ name: 'hook', url: 'https://example.com/hook', ...overrides }] });
    expect(append(destination({ name: 'n'.repeat(100) }))).toBe(true);
    expect(append(destination({ name: 'n'.repeat(101) }))).toBe(false);
    expect(append(destination({ name: '' }))).toBe(false);
    expect(append(destination({ url: `https://example.com/${'p'.repeat(2048)}` }))).toBe(false);
    const headers = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`X-H${i}`, 'v']));
    expect(append(destination({ headers: headers(20) }))).toBe(true);
    expect(append(destination({ headers: headers(21) }))).toBe(false);
    expect(append(destination({ headers: { 'X-A': 1 } }))).toBe(false);
    expect(append({ destinations: [] })).toBe(false);
  });
});
