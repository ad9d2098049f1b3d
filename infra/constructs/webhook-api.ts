// The HTTP API: one function per route of infra/routes.ts, the D360-API-KEY authorizer, stage and access logs.
import { Duration, Stack, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { CfnStage, HttpApi, HttpMethod, HttpStage, LogGroupLogDestination, type ThrottleSettings } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { authorizerFunction, routeKey, type Route, type ThrottleClass } from '../routes.js';
import { functionSizes, type FunctionSize } from './function-sizing.js';
import { grantSendMessage } from './notification-queues.js';
import type { PayloadBucket } from './payload-bucket.js';
import { ServiceFunction, type FunctionDefaults } from './service-function.js';
import { grantDeduplication, grantTableAccess } from './table-grants.js';
import type { SigningMasterKey } from './signing-master-key.js';
import type { WhatsAppSecrets } from './whatsapp-secrets.js';

export interface WebhookApiProps {
  readonly routes: readonly Route[];
  readonly defaults: FunctionDefaults;
  readonly table: ITable;
  /** Where ingest remembers what it accepted (de-duplication). */
  readonly deduplicationTable: ITable;
  readonly notificationsQueue: IQueue;
  /** Where replays send their copies (routes with sendsRetries) and resumes their drain timer (sendsTimers). */
  readonly retriesQueue: IQueue;
  /** Where notification senders offload payloads too large for one SQS message. */
  readonly payloads: PayloadBucket;
  readonly secrets: WhatsAppSecrets;
  /** Read by the routes that seal or open signing secrets (routes.ts's readsSigningKey). */
  readonly signingKey: SigningMasterKey;
  /** Per-route API Gateway limits, by the route table's throttle class. */
  readonly throttles: Readonly<Record<ThrottleClass, ThrottleSettings>>;
  /** Reserved concurrency of the ingest-class functions; undefined leaves them on the account's shared pool. */
  readonly ingestReservedConcurrency?: number;
  readonly logRetention: RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
}

export class WebhookApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** The stage's JSON access log: one line per request, with its route key and status. */
  readonly accessLogs: LogGroup;
  readonly authorizer: ServiceFunction;
  /** Route key ("GET /health") -> its function. */
  readonly routeFunctions: ReadonlyMap<string, ServiceFunction>;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);

    this.authorizer = new ServiceFunction(this, pascalCase(authorizerFunction.handler), {
      handler: authorizerFunction.handler,
      description: authorizerFunction.description,
      ...functionSizes.authorizer,
      defaults: props.defaults,
    });
    grantTableAccess(props.table, this.authorizer.function, authorizerFunction.table);

    // Simple responses: the authorizer always allows and passes {phoneNumber} ("" for an unknown key),
    // so the handler answers 401 {"error"} itself; a deny would become API Gateway's 403 {"message"}.
    // No identity source and no cache: with the key header as identity source, API Gateway itself
    // would answer a request without it 401 {"message"}, unlike the contract (and the local runtime).
    // Running for every management request also stops a revoked key at once; management traffic is
    // small, so the extra invocation and key lookup per request cost little (docs/deploy.md).
    const apiKeyAuthorizer = new HttpLambdaAuthorizer('ApiKeyAuthorizer', this.authorizer.function, {
      authorizerName: 'd360-api-key',
      identitySource: [],
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      resultsCacheTtl: Duration.seconds(0),
    });

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: `${Stack.of(this).stackName}-api`,
      description: 'multi-webhook: 360dialog-compatible webhook management and WhatsApp ingest',
      // The stage below carries throttling and access logs, which the implicit default stage cannot.
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention, removalPolicy: props.logRemovalPolicy });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // Every route gets its own limit below; anything else gets the smallest.
      throttle: props.throttles.checks,
      accessLogSettings: { destination: new LogGroupLogDestination(this.accessLogs), format: accessLogFormat() },
    });
    const stageResource = this.stage.node.defaultChild as CfnStage;

    const routeFunctions = new Map<string, ServiceFunction>();
    const routeSettings: Record<string, { ThrottlingRateLimit?: number; ThrottlingBurstLimit?: number }> = {};
    for (const route of props.routes) {
      const fn = new ServiceFunction(this, pascalCase(route.handler), {
        handler: route.handler,
        description: `${routeKey(route)}: ${route.description}`,
        ...sizeOf(route),
        // Reserved for ingest alone, so a delivery storm cannot take the account's concurrency from it.
        reservedConcurrentExecutions: route.throttle === 'ingest' ? props.ingestReservedConcurrency : undefined,
        defaults: props.defaults,
      });
      grantTableAccess(props.table, fn.function, route.table ?? []);
      if (route.sendsNotifications) {
        grantSendMessage(props.notificationsQueue, fn.function);
        props.payloads.grantPayloadWrite(fn.function);
        grantDeduplication(props.deduplicationTable, fn.function);
      }
      if (route.sendsRetries) grantSendMessage(props.retriesQueue, fn.function);
      props.secrets.grantRead(fn.function, route.readsSecrets ?? []);
      if (route.readsSigningKey) props.signingKey.grantRead(fn.function);
      if (route.sendsTimers) grantSendMessage(props.retriesQueue, fn.function);

      const httpRoutes = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration: new HttpLambdaIntegration(`${pascalCase(route.handler)}Integration`, fn.function),
        authorizer: route.auth === 'api-key' ? apiKeyAuthorizer : undefined,
      });
      if (route.auth === 'none') {
        for (const httpRoute of httpRoutes) {
          Validations.of(httpRoute).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason: `${routeKey(route)} is public by contract: /health is a liveness probe, /openapi.json describes the API (it holds no data), and the WhatsApp ingest routes are called by Meta, which authenticates with the X-Hub-Signature-256 HMAC and the verify token that the function checks.`,
          });
        }
      }
      routeFunctions.set(routeKey(route), fn);
      routeSettings[routeKey(route)] = {
        ThrottlingRateLimit: props.throttles[route.throttle].rateLimit,
        ThrottlingBurstLimit: props.throttles[route.throttle].burstLimit,
      };
      // API Gateway refuses settings for a route key that does not exist yet.
      for (const httpRoute of httpRoutes) stageResource.node.addDependency(httpRoute);
    }
    this.routeFunctions = routeFunctions;
    stageResource.routeSettings = routeSettings;
  }
}

function sizeOf(route: Route): FunctionSize {
  if (route.sendsNotifications) return functionSizes.ingest;
  if (route.handler === 'health' || route.handler === 'openapi') return functionSizes.health;
  return functionSizes.management;
}

/** JSON lines without headers, keys or bodies: who called what, how it went, how long it took. */
function accessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      // Lets the ingest metric filters keep two stages' counts apart (operations-alarms.ts).
      apiId: '$context.apiId',
      ip: '$context.identity.sourceIp',
      requestTime: '$context.requestTime',
      routeKey: '$context.routeKey',
      status: '$context.status',
      protocol: '$context.protocol',
      responseLength: '$context.responseLength',
      responseLatency: '$context.responseLatency',
      integrationLatency: '$context.integrationLatency',
      integrationError: '$context.integrationErrorMessage',
      authorizerError: '$context.authorizer.error',
      userAgent: '$context.identity.userAgent',
    }),
  );
}

/** "primary-webhook-get" -> "PrimaryWebhookGet", for readable logical ids. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
}
