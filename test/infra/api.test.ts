import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeKey, routes } from '../../infra/routes.js';
import { buildStack, functionIds, type StackFixture } from './support/stack-fixture.js';
import { refersTo, resources } from './support/template-queries.js';

let fixture: StackFixture;

beforeAll(() => {
  fixture = buildStack();
});
afterAll(() => fixture.cleanup());

/** Every route of the external contract (README, Management API). */
const contractRoutes = [
  'GET /health',
  'GET /v1/configs/webhook',
  'POST /v1/configs/webhook',
  'GET /multi_webhook',
  'POST /multi_webhook',
  'PUT /multi_webhook',
  'PATCH /multi_webhook',
  'DELETE /multi_webhook',
  'GET /webhooks/whatsapp',
  'POST /webhooks/whatsapp',
  'GET /openapi.json',
];

function apiRoutes() {
  return Object.values(resources(fixture.template, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties);
}

describe('HTTP API', () => {
  it('serves exactly the routes of the route table', () => {
    expect(
      apiRoutes()
        .map((r) => r.RouteKey)
        .sort(),
    ).toEqual(routes.map(routeKey).sort());
  });

  it('serves every route of the external contract', () => {
    expect(contractRoutes.filter((key) => !routes.some((route) => routeKey(route) === key))).toEqual([]);
    // The ingest queues what Meta sends; the stack grants sqs:SendMessage from this flag.
    expect(routes.find((route) => routeKey(route) === 'POST /webhooks/whatsapp')?.sendsNotifications).toBe(true);
  });

  it('integrates each route with its own function', () => {
    const integrations = resources(fixture.template, 'AWS::ApiGatewayV2::Integration');
    const ids = functionIds(fixture);
    for (const route of routes) {
      const apiRoute = apiRoutes().find((r) => r.RouteKey === routeKey(route))!;
      const integrationId = (apiRoute.Target['Fn::Join'][1] as unknown[])[1] as { Ref: string };
      const integration = integrations[integrationId.Ref]!.Properties;
      expect(integration.IntegrationType).toBe('AWS_PROXY');
      expect(integration.PayloadFormatVersion).toBe('2.0');
      expect(refersTo(integration.IntegrationUri, ids.get(route.handler)!), route.handler).toBe(true);
    }
  });

  it('puts the D360-API-KEY authorizer on exactly the api-key routes', () => {
    for (const route of routes) {
      const apiRoute = apiRoutes().find((r) => r.RouteKey === routeKey(route))!;
      if (route.auth === 'api-key') {
        expect(apiRoute.AuthorizationType, routeKey(route)).toBe('CUSTOM');
        expect(apiRoute.AuthorizerId, routeKey(route)).toBeDefined();
      } else {
        expect(apiRoute.AuthorizationType, routeKey(route)).toBe('NONE');
        expect(apiRoute.AuthorizerId, routeKey(route)).toBeUndefined();
      }
    }
  });

  it('authorizes every management request with the authorizer function, simple responses, no identity source and no cache', () => {
    fixture.template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    const [authorizer] = Object.values(resources(fixture.template, 'AWS::ApiGatewayV2::Authorizer'));
    expect(authorizer!.Properties).toMatchObject({
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      AuthorizerResultTtlInSeconds: 0,
    });
    // With the key header as identity source, API Gateway would answer a missing header itself, 401 {"message"}.
    expect(authorizer!.Properties.IdentitySource ?? []).toEqual([]);
    expect(refersTo(authorizer!.Properties.AuthorizerUri, functionIds(fixture).get('authorizer')!)).toBe(true);
  });

  it('writes JSON access logs, with the API id the ingest metrics count by, to a log group with a retention', () => {
    const [stage] = Object.values(resources(fixture.template, 'AWS::ApiGatewayV2::Stage'));
    expect(stage!.Properties).toMatchObject({ StageName: '$default', AutoDeploy: true });
    const format = JSON.parse(stage!.Properties.AccessLogSettings.Format as string) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      apiId: '$context.apiId',
      routeKey: '$context.routeKey',
      status: '$context.status',
    });
    const logGroupId = stage!.Properties.AccessLogSettings.DestinationArn['Fn::GetAtt'][0] as string;
    expect(resources(fixture.template, 'AWS::Logs::LogGroup')[logGroupId]?.Properties.RetentionInDays).toBe(30);
  });

  it('leaves CORS off: the API is called by servers, not browsers', () => {
    const [api] = Object.values(resources(fixture.template, 'AWS::ApiGatewayV2::Api'));
    expect(api!.Properties.ProtocolType).toBe('HTTP');
    expect(api!.Properties.CorsConfiguration).toBeUndefined();
  });

  it('lets API Gateway invoke each function only from its own route', () => {
    const permissions = Object.values(resources(fixture.template, 'AWS::Lambda::Permission')).map((p) => p.Properties);
    const ids = functionIds(fixture);
    for (const route of routes) {
      const own = permissions.filter((p) => refersTo(p.FunctionName, ids.get(route.handler)!));
      expect(own, route.handler).toHaveLength(1);
      expect(own[0]!.Principal).toBe('apigateway.amazonaws.com');
      // Scoped to this API and path (any stage and method: API Gateway routes only this method here).
      expect(JSON.stringify(own[0]!.SourceArn)).toContain(`"/*/*${route.path}"`);
    }
  });
});

describe('throttles and concurrency', () => {
  const stageOf = (f: StackFixture) => Object.entries(resources(f.template, 'AWS::ApiGatewayV2::Stage'))[0]!;
  const limits = (rate: number, burst: number) => ({ ThrottlingRateLimit: rate, ThrottlingBurstLimit: burst });

  it("gives each route its own limit: ingest cdk.json's, the management routes smaller ones, /health, verify and the OpenAPI document the smallest", () => {
    const [, stage] = stageOf(fixture);
    expect(stage.Properties.RouteSettings).toEqual({
      'POST /webhooks/whatsapp': limits(100, 200),
      'GET /webhooks/whatsapp': limits(5, 10),
      'GET /health': limits(5, 10),
      'GET /v1/configs/webhook': limits(25, 50),
      'POST /v1/configs/webhook': limits(25, 50),
      'GET /multi_webhook': limits(25, 50),
      'POST /multi_webhook': limits(25, 50),
      'PUT /multi_webhook': limits(25, 50),
      'PATCH /multi_webhook': limits(25, 50),
      'DELETE /multi_webhook': limits(25, 50),
      'GET /openapi.json': limits(5, 10),
      'GET /deliveries': limits(25, 50),
      'GET /multi_webhook/status': limits(25, 50),
      'POST /deliveries/{id}/retry': limits(25, 50),
      'POST /multi_webhook/secret': limits(25, 50),
      'POST /multi_webhook/test': limits(25, 50),
    });
    // Anything without a setting of its own (none today) gets the smallest.
    expect(stage.Properties.DefaultRouteSettings).toEqual(limits(5, 10));
  });

  it('creates the stage after every route its settings name, as API Gateway requires', () => {
    const [, stage] = stageOf(fixture);
    const routeIds = Object.keys(resources(fixture.template, 'AWS::ApiGatewayV2::Route'));
    expect(routeIds).toHaveLength(routes.length);
    expect((stage as unknown as { DependsOn: string[] }).DependsOn).toEqual(expect.arrayContaining(routeIds));
  });

  it("sizes ingest's limit from the context", () => {
    const sized = buildStack({ context: { ingestThrottleRateLimit: 1500, ingestThrottleBurstLimit: 3000 } });
    try {
      expect(stageOf(sized)[1].Properties.RouteSettings['POST /webhooks/whatsapp']).toEqual(limits(1500, 3000));
      expect(stageOf(sized)[1].Properties.RouteSettings['GET /health']).toEqual(limits(5, 10));
    } finally {
      sized.cleanup();
    }
  });

  it('reserves concurrency for the ingest function alone, by default, and none when turned off', () => {
    const reserved = (f: StackFixture) =>
      Object.fromEntries(
        [...functionIds(f)].flatMap(([handler, id]) => {
          const value = f.template.toJSON().Resources[id].Properties.ReservedConcurrentExecutions;
          return value === undefined ? [] : [[handler, value]];
        }),
      );
    expect(reserved(fixture)).toEqual({ 'whatsapp-ingest': 50 });
    const off = buildStack({ context: { ingestReservedConcurrency: 'off' } });
    try {
      expect(reserved(off)).toEqual({});
    } finally {
      off.cleanup();
    }
  });
});
