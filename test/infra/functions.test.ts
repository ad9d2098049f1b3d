import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizerFunction, routes } from '../../infra/routes.js';
import { buildStack, expectedHandlers, functionIds, type StackFixture } from './support/stack-fixture.js';
import { resource, resources, type Resource } from './support/template-queries.js';

let fixture: StackFixture;
let ids: ReadonlyMap<string, string>;
const fn = (handler: string): Resource => resource(fixture.template, ids.get(handler)!);

beforeAll(() => {
  fixture = buildStack();
  ids = functionIds(fixture);
});
afterAll(() => fixture.cleanup());

describe('functions', () => {
  it('gives every route its own function, plus the authorizer and delivery', () => {
    expect([...ids.keys()].sort()).toEqual([...expectedHandlers].sort());
    expect(new Set(ids.values()).size).toBe(expectedHandlers.length);
    expect(Object.keys(resources(fixture.template, 'AWS::Lambda::Function'))).toHaveLength(expectedHandlers.length);
  });

  it('describes each route function with its route', () => {
    for (const route of routes) {
      expect(fn(route.handler).Properties.Description).toBe(`${route.method} ${route.path}: ${route.description}`);
    }
    expect(fn(authorizerFunction.handler).Properties.Description).toBe(authorizerFunction.description);
  });

  it('runs every function on Node.js 22 on ARM64 from an ESM bundle', () => {
    for (const handler of expectedHandlers) {
      const { Properties } = fn(handler);
      expect(Properties.Runtime, handler).toBe('nodejs22.x');
      expect(Properties.Architectures, handler).toEqual(['arm64']);
      // NodejsFunction names the ESM output index.mjs; the handler export is `handler`.
      expect(Properties.Handler, handler).toBe('index.handler');
    }
  });

  it('traces every function with X-Ray and logs JSON to its own log group with a retention', () => {
    const logGroups = resources(fixture.template, 'AWS::Logs::LogGroup');
    const used = new Set<string>();
    for (const handler of expectedHandlers) {
      const { Properties } = fn(handler);
      expect(Properties.TracingConfig, handler).toEqual({ Mode: 'Active' });
      expect(Properties.LoggingConfig.LogFormat, handler).toBe('JSON');
      const logGroupId = Properties.LoggingConfig.LogGroup.Ref as string;
      expect(logGroups[logGroupId]?.Properties.RetentionInDays, handler).toBe(30);
      used.add(logGroupId);
    }
    expect(used.size).toBe(expectedHandlers.length);
  });

  it('sets the environment the functions read, with secrets as parameter names only', () => {
    for (const handler of expectedHandlers) {
      const variables = fn(handler).Properties.Environment.Variables as Record<string, unknown>;
      expect(variables, handler).toMatchObject({
        DESTINATION_POLICY: 'strict',
        POWERTOOLS_SERVICE_NAME: 'multi-webhook',
        LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        DELIVERY_TIMEOUT_MS: '5000',
        RETRY_BASE_SECONDS: '5',
        RETRY_MAX_AGE_SECONDS: '604800',
        CONFIG_CACHE_SECONDS: '60',
        METRICS_STAGE: 'MultiWebhook',
        WHATSAPP_APP_SECRET_PARAMETER: '/multi-webhook/whatsapp-app-secret',
        WHATSAPP_VERIFY_TOKEN_PARAMETER: '/multi-webhook/whatsapp-verify-token',
      });
      for (const name of [
        'TABLE_NAME',
        'NOTIFICATIONS_QUEUE_URL',
        'RETRIES_QUEUE_URL',
        'NOTIFICATIONS_DLQ_URL',
        'RETRIES_DLQ_URL',
        'PAYLOAD_BUCKET',
      ]) {
        expect(variables[name], `${handler} ${name}`).toHaveProperty('Ref');
      }
      expect(
        Object.keys(variables).filter((name) => /^WHATSAPP_(APP_SECRET|VERIFY_TOKEN)$/.test(name)),
        handler,
      ).toEqual([]);
    }
  });

  it('sizes functions by their work: a quick authorizer, a roomier delivery', () => {
    expect(fn('authorizer').Properties).toMatchObject({ MemorySize: 256, Timeout: 5 });
    expect(fn('health').Properties).toMatchObject({ MemorySize: 128, Timeout: 3 });
    expect(fn('openapi').Properties).toMatchObject({ MemorySize: 128, Timeout: 3 });
    expect(fn('delivery').Properties).toMatchObject({ MemorySize: 512, Timeout: 60 });
    for (const route of routes.filter((r) => r.handler !== 'health')) {
      // API Gateway gives up after 30 s; a handler must answer well before.
      expect(fn(route.handler).Properties.Timeout, route.handler).toBeLessThanOrEqual(10);
    }
  });

  it('gives every function its own role without managed policies', () => {
    const roleIds = expectedHandlers.map((handler) => fn(handler).Properties.Role['Fn::GetAtt'][0] as string);
    expect(new Set(roleIds).size).toBe(expectedHandlers.length);
    for (const roleId of roleIds) {
      expect(resource(fixture.template, roleId).Properties.ManagedPolicyArns, roleId).toBeUndefined();
    }
  });
});
