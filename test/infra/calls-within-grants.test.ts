// The grants match the code: every DynamoDB call each function makes, in a scenario that reaches
// every store path (refusals, a breaker that opens, parks, probes and drains, the keys CLI), is
// allowed by that function's policy as synthesized; and every action a policy allows, on every
// partition family it names, is one the scenario saw the function call. A grant the code outgrew
// fails the first check (AccessDenied in AWS); a grant the code no longer needs fails the second.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqsHandler } from '../../infra/local/event-source-poller.js';
import { loadFunction } from '../../infra/local/function-modules.js';
import { apiGatewayEvent, buildAuthorizerEvent, lambdaContext } from '../../infra/local/lambda-events.js';
import { authorizerFunction, routeKey, routes, type Route } from '../../infra/routes.js';
import { deduplicationTableName } from '../../shared/config.js';
import { PRIMARY } from '../../shared/domain/destination.js';
import { queuesSettled } from '../helpers/delivery-world.js';
import { freshPhoneNumber } from '../helpers/dynamo.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { waitFor } from '../helpers/wait-for.js';
import { notificationBody, sign } from '../helpers/whatsapp.js';
import { startScriptedSink, type ScriptedSink } from '../reliability/fault-support/scripted-sink.js';
import { allows } from './support/iam-evaluator.js';
import { buildStack, functionIds, type StackFixture } from './support/stack-fixture.js';
import { logicalId, resources, statementsOf, type Statement } from './support/template-queries.js';

/** The keys CLI runs as an operator, under the stack's KeysOperatorPolicy. */
const KEYS_CLI = 'keys-cli';

interface RecordedCall {
  readonly action: string;
  readonly key: string;
}

const caller = new AsyncLocalStorage<string>();
const calls = new Map<string, RecordedCall[]>();
let stack: TestStack;
let sink: ScriptedSink;
let fixture: StackFixture;
type Handler = (event: unknown, context: Context) => Promise<unknown>;
const handlers = new Map<string, Handler>();

beforeAll(async () => {
  fixture = buildStack();
  [stack, sink] = await Promise.all([
    startTestStack({
      numbers: 0,
      env: { RETRY_BASE_SECONDS: '1', DELIVERY_TIMEOUT_MS: '1000' },
      wrapDelivery:
        (delivery: SqsHandler): SqsHandler =>
        (event, context) =>
          caller.run('delivery', () => delivery(event, context)),
    }),
    startScriptedSink(),
  ]);
  stack.services.clients.dynamo.middlewareStack.add(
    ((next: (args: { input: Record<string, unknown> }) => Promise<unknown>, context: { commandName?: string }) =>
      async (args: { input: Record<string, unknown> }) => {
        const fn = caller.getStore();
        // The test's own reads (waiting for a breaker) belong to no function. Ingest's de-duplication
        // records live in a table of their own, whose grant permissions.test.ts asserts.
        const deduplication = args.input.TableName === deduplicationTableName(stack.config);
        if (fn !== undefined && !deduplication)
          calls.set(fn, [...(calls.get(fn) ?? []), ...itemCalls(context.commandName ?? '', args.input)]);
        return next(args);
      }) as never,
    { step: 'initialize', name: 'record-item-calls' },
  );
  for (const name of [authorizerFunction.handler, ...routes.map((route) => route.handler)])
    handlers.set(name, await loadFunction<Handler>(name, stack.services));
  await runScenario();
}, 120_000);
afterAll(async () => {
  fixture?.cleanup();
  await Promise.all([stack?.stop(), sink?.close()]);
});

/** A partition key as the store wrote it: a document-client string, or a marshalled {S}. */
const keyOf = (value: unknown): string => (typeof value === 'string' ? value : String((value as { S?: string })?.S));

/** The IAM item actions a command is authorized by, each with the partition key it touches. */
function itemCalls(commandName: string, input: Record<string, unknown>): RecordedCall[] {
  const action = `dynamodb:${commandName.replace(/Command$/, '')}`;
  const key = (item: { Key?: Record<string, unknown>; Item?: Record<string, unknown> }) => keyOf((item.Key ?? item.Item)?.pk);
  switch (commandName) {
    case 'GetItemCommand':
    case 'PutItemCommand':
    case 'UpdateItemCommand':
    case 'DeleteItemCommand':
      return [{ action, key: key(input as never) }];
    case 'QueryCommand': {
      const placeholder = /pk = (:\w+)/.exec(String(input.KeyConditionExpression))?.[1] ?? '';
      return [{ action, key: keyOf((input.ExpressionAttributeValues as Record<string, unknown>)[placeholder]) }];
    }
    case 'TransactWriteItemsCommand':
      // Each part is authorized as the item action it stands for (DynamoDB's transactions and IAM).
      return (input.TransactItems as Record<string, { Key?: Record<string, unknown>; Item?: Record<string, unknown> }>[]).map((part) => {
        const [kind, item] = Object.entries(part)[0]!;
        const itemAction = kind === 'ConditionCheck' ? 'ConditionCheckItem' : `${kind}Item`;
        return { action: `dynamodb:${itemAction}`, key: key(item) };
      });
    case 'BatchWriteItemCommand':
      // IAM checks dynamodb:LeadingKeys on every item of a batch (ForAllValues).
      return Object.values(input.RequestItems as Record<string, { PutRequest?: { Item: Record<string, unknown> } }[]>)
        .flat()
        .map((request) => ({ action, key: keyOf(request.PutRequest?.Item.pk) }));
    default:
      // Scan, BatchGetItem, PartiQL: recorded without a key, so the policy check below refuses them.
      return [{ action, key: '' }];
  }
}

/** The partition family a grant names: 'phone-number' for the digits, else the key's prefix up to its '#'. */
const familyOf = (key: string) => (key.includes('#') ? key.slice(0, key.indexOf('#') + 1) : 'phone-number');

async function invokeRoute(
  route: Route,
  request: { key?: string; body?: unknown; query?: string; pathParameters?: Record<string, string> },
): Promise<number> {
  const body =
    request.body === undefined ? undefined : Buffer.from(typeof request.body === 'string' ? request.body : JSON.stringify(request.body));
  // The host the local server is reached on, as its own events carry it (the loop guard compares destinations with it).
  const headers: Record<string, string> = {
    host: new URL(stack.apiUrl).host,
    'content-type': 'application/json',
    ...(request.key && { 'd360-api-key': request.key }),
  };
  const event: APIGatewayProxyEventV2 = apiGatewayEvent({
    method: route.method,
    path: route.path,
    headers,
    rawQuery: request.query,
    body,
    pathParameters: request.pathParameters,
  });
  if (route.auth === 'api-key') {
    const authorizer = handlers.get(authorizerFunction.handler)!;
    const decision = (await caller.run(authorizerFunction.handler, () =>
      authorizer(buildAuthorizerEvent(event), lambdaContext(authorizerFunction.handler)),
    )) as {
      context: Record<string, unknown>;
    };
    Object.assign(event.requestContext, { authorizer: { lambda: decision.context } });
  }
  const handler = handlers.get(route.handler)!;
  const result = (await caller.run(route.handler, () => handler(event, lambdaContext(route.handler)))) as APIGatewayProxyStructuredResultV2;
  return result.statusCode ?? 200;
}

const route = (key: string) => routes.find((r) => routeKey(r) === key)!;

async function runScenario(): Promise<void> {
  const phoneNumber = freshPhoneNumber();
  const url = (name: string) => `${sink.url}/${phoneNumber}/${encodeURIComponent(name)}`;
  const destination = (name: string) => ({ name, url: url(name), headers: { 'X-Clone': name } });

  // The operator's CLI: a key to use, and one created, listed and revoked.
  const { key } = await caller.run(KEYS_CLI, () => stack.services.apiKeys.create(phoneNumber));
  const spare = await caller.run(KEYS_CLI, () => stack.services.apiKeys.create(phoneNumber));
  await caller.run(KEYS_CLI, () => stack.services.apiKeys.list(phoneNumber));
  await caller.run(KEYS_CLI, () => stack.services.apiKeys.revoke(phoneNumber, spare.keyId));

  const statuses = [
    await invokeRoute(route('GET /health'), {}),
    await invokeRoute(route('GET /v1/configs/webhook'), { key }), // 404: none yet
    await invokeRoute(route('POST /v1/configs/webhook'), { key, body: { url: url('primary') } }),
    await invokeRoute(route('GET /v1/configs/webhook'), { key }),
    await invokeRoute(route('PUT /multi_webhook'), { key, body: { destinations: [destination('early')] } }), // 409: not enabled
    await invokeRoute(route('POST /multi_webhook'), { key, body: { enabled: true, destinations: [destination('a'), destination('b')] } }),
    await invokeRoute(route('POST /multi_webhook'), { key, body: { enabled: false } }),
    await invokeRoute(route('POST /multi_webhook'), { key, body: { enabled: true } }),
    await invokeRoute(route('PUT /multi_webhook'), { key, body: { destinations: [destination('c')] } }),
    await invokeRoute(route('PUT /multi_webhook'), { key, body: { destinations: [destination('d')] } }), // 409: the cap
    await invokeRoute(route('PATCH /multi_webhook'), { key, body: { name: 'a', headers: { 'X-Clone': 'a2' } } }),
    await invokeRoute(route('PATCH /multi_webhook'), { key, body: { name: 'absent', headers: { 'X-Clone': 'x' } } }), // 404
    await invokeRoute(route('DELETE /multi_webhook'), { key, query: 'name=c' }),
    await invokeRoute(route('GET /multi_webhook'), { key }),
    await invokeRoute(route('GET /multi_webhook'), { key: 'mwk_unknown' }), // 401
    await invokeRoute(route('GET /webhooks/whatsapp'), {
      query: `hub.mode=subscribe&hub.verify_token=${stack.config.WHATSAPP_VERIFY_TOKEN}&hub.challenge=c`,
    }),
    // Signing: turned on (the kept secret read back), then rotated.
    await invokeRoute(route('PATCH /multi_webhook'), { key, body: { name: 'a', signing: true } }),
    await invokeRoute(route('POST /multi_webhook/secret'), { key, body: { name: 'a' } }),
    // Pause and resume, a clone and the primary (the resume reads the breaker and sends its drain timer).
    await invokeRoute(route('PATCH /multi_webhook'), { key, body: { name: 'a', paused: true } }),
    await invokeRoute(route('PATCH /multi_webhook'), { key, body: { name: 'a', paused: false } }),
    await invokeRoute(route('POST /v1/configs/webhook'), { key, body: { url: url('primary'), paused: true } }),
    await invokeRoute(route('POST /v1/configs/webhook'), { key, body: { url: url('primary'), paused: false } }),
    await invokeRoute(route('POST /multi_webhook/test'), { key, body: { name: 'a' } }),
  ];
  expect(statuses).toEqual([
    200, 404, 200, 200, 409, 200, 200, 200, 200, 409, 200, 404, 200, 200, 401, 200, 200, 200, 200, 200, 200, 200, 200,
  ]);

  // Ingest: a number's notification (its WABA learned), a WABA-level change (its numbers looked up),
  // and the number seen under another WABA (moved).
  const notification = (text: string) => notificationBody([{ phone: phoneNumber, text }]);
  await postToIngest(notification('first'));
  await postToIngest(
    Buffer.from(
      JSON.stringify({
        object: 'whatsapp_business_account',
        entry: [{ id: 'waba-1', changes: [{ field: 'account_update', value: { event: 'VERIFIED_ACCOUNT' } }] }],
      }),
    ),
  );
  await postToIngest(Buffer.from(notification('moved').toString().replace('"waba-1"', '"waba-2"')));

  // Delivery: a primary that hangs opens its breaker, later copies park, a probe fails (counted on the
  // parked copy), then the primary answers and the park drains.
  sink.answerAlways(phoneNumber, 'primary', 'hang');
  for (let i = 0; i < 8; i++) await postToIngest(notification(`n${i}`));
  await waitFor(async () => (await stack.services.health.read(phoneNumber, PRIMARY)).parked > 0, { timeoutMs: 30_000 });
  await waitFor(() => (calls.get('delivery') ?? []).some((c) => c.action === 'dynamodb:UpdateItem' && c.key.startsWith('parked#')), {
    timeoutMs: 30_000,
  });
  sink.answerAlways(phoneNumber, 'primary', undefined);
  await queuesSettled(stack, 60_000);
  await waitFor(async () => (await stack.services.health.read(phoneNumber, PRIMARY)).parked === 0, { timeoutMs: 30_000 });

  // The delivery log: a clone that fails is listed, its destination's status read, and it is replayed.
  sink.answerAlways(phoneNumber, 'b', { status: 503 });
  await postToIngest(notification('clone fails'));
  let failedId: string | undefined;
  await waitFor(async () => {
    const { records } = await stack.services.deliveryLog.list(phoneNumber, {
      status: 'retrying',
      destination: { role: 'clone', name: 'b' },
      limit: 5,
    });
    failedId = records[0]?.notificationId;
    return failedId !== undefined;
  });
  sink.answerAlways(phoneNumber, 'b', undefined);
  const logStatuses = [
    await invokeRoute(route('GET /deliveries'), { key, query: 'status=failed&limit=5' }),
    await invokeRoute(route('GET /multi_webhook/status'), { key }),
    await invokeRoute(route('POST /deliveries/{id}/retry'), { key, pathParameters: { id: failedId! } }),
  ];
  expect(logStatuses).toEqual([200, 200, 202]);
  await queuesSettled(stack, 60_000);
}

async function postToIngest(body: Buffer): Promise<void> {
  const event = apiGatewayEvent({
    method: 'POST',
    path: '/webhooks/whatsapp',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, stack.config.WHATSAPP_APP_SECRET!) },
    body,
  });
  const ingest = handlers.get('whatsapp-ingest')!;
  const result = (await caller.run('whatsapp-ingest', () =>
    ingest(event, lambdaContext('whatsapp-ingest')),
  )) as APIGatewayProxyStructuredResultV2;
  expect(result.statusCode).toBe(200);
}

/** The function's statements as synthesized: a role's inline policies, or the keys operator's managed policy. */
function policyOf(fn: string): Statement[] {
  if (fn !== KEYS_CLI) return statementsOf(fixture.template, functionIds(fixture).get(fn)!);
  const [policy] = Object.values(resources(fixture.template, 'AWS::IAM::ManagedPolicy'));
  return (policy!.Properties.PolicyDocument.Statement as Record<string, unknown>[]).map((raw) => ({
    actions: ([] as string[]).concat(raw.Action as string),
    resources: [raw.Resource],
    effect: raw.Effect as string,
    condition: raw.Condition,
  }));
}

const onTable = (statement: Statement) =>
  JSON.stringify(statement.resources) === JSON.stringify([{ 'Fn::GetAtt': [logicalId(fixture.stack.data.table), 'Arn'] }]);

/** "dynamodb:GetItem on phone-number": what a policy's Allow statements on the table grant, by partition family. */
function granted(fn: string): string[] {
  return policyOf(fn)
    .filter((statement) => statement.effect === 'Allow' && onTable(statement))
    .flatMap((statement) => {
      const condition = statement.condition as Record<string, Record<string, string[]>>;
      const family = condition['ForAllValues:StringNotLike']
        ? 'phone-number'
        : condition['ForAllValues:StringLike']!['dynamodb:LeadingKeys']![0]!.replace(/\*$/, '');
      return statement.actions.map((action) => `${action} on ${family}`);
    })
    .sort();
}

const used = (fn: string) => [...new Set((calls.get(fn) ?? []).map((call) => `${call.action} on ${familyOf(call.key)}`))].sort();

describe("every function's DynamoDB calls in a scenario that reaches every store path", () => {
  it('were recorded for each function that uses the table, and for the keys CLI', () => {
    expect([...calls.keys()].sort()).toEqual(
      expect.arrayContaining([KEYS_CLI, 'authorizer', 'delivery', ...routes.filter((r) => r.table !== undefined).map((r) => r.handler)]),
    );
  });

  it("are each allowed by that function's policy as synthesized", () => {
    for (const [fn, made] of calls) {
      const refused = made.filter((call) => !allows(policyOf(fn), onTable, { action: call.action, leadingKeys: [call.key] }));
      expect(refused, fn).toEqual([]);
    }
  });

  it('use every action each policy grants, on every partition family it names: no grant is wider than the code', () => {
    for (const fn of [KEYS_CLI, 'authorizer', 'delivery', ...routes.map((r) => r.handler)]) expect(used(fn), fn).toEqual(granted(fn));
  });
});
