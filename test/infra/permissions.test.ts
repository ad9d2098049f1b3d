// IAM per function: every statement of every role spelled out, then what they allow checked call by call
// (api-key items, Scan, other partitions) with a small evaluator of the statements as synthesized.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAYLOAD_OBJECTS } from '../../infra/constructs/payload-bucket.js';
import { payloadKey } from '../../shared/domain/payload.js';
import { isPhoneNumber } from '../../shared/domain/phone-number.js';
import * as itemKeys from '../../shared/store/item-keys.js';
import { API_KEY_PARTITIONS, authorizerFunction, deliveryFunction, keysOperatorGrants, routes as routeTable } from '../../infra/routes.js';
import { allows, type ItemCall } from './support/iam-evaluator.js';
import { buildStack, functionIds, type StackFixture } from './support/stack-fixture.js';
import { logicalId, resource, resources, statementsOf, type Statement } from './support/template-queries.js';

let fixture: StackFixture;
let ids: ReadonlyMap<string, string>;
let table: string;
/** Logical id -> the name the expectations below use. */
let names: Map<string, string>;

beforeAll(() => {
  fixture = buildStack();
  ids = functionIds(fixture);
  const { stack } = fixture;
  table = logicalId(stack.data.table);
  names = new Map([
    [table, 'table'],
    [logicalId(stack.queues.notifications.queue), 'notifications'],
    [logicalId(stack.queues.retries.queue), 'retries'],
    [logicalId(stack.queues.notifications.deadLetterQueue), 'notifications-dlq'],
    [logicalId(stack.queues.retries.deadLetterQueue), 'retries-dlq'],
    [logicalId(stack.payloads.bucket), 'bucket'],
    [logicalId(stack.signingKey.secret), 'signing-master-key'],
  ]);
});
afterAll(() => fixture.cleanup());

const statements = (handler: string) => statementsOf(fixture.template, ids.get(handler)!);
const onTable = (statement: Statement) =>
  statement.resources.length === 1 && JSON.stringify(statement.resources[0]) === JSON.stringify({ 'Fn::GetAtt': [table, 'Arn'] });

/** "Allow dynamodb:GetItem on table if {...}": a statement in a form a table of expectations can hold. */
function describeStatement(statement: Statement, ownLogs: string): string {
  const resourceName = (value: unknown): string => {
    if (value === '*') return '*';
    const json = value as { Ref?: string; 'Fn::GetAtt'?: [string, string]; 'Fn::Join'?: [string, unknown[]] };
    if (json.Ref) return names.get(json.Ref) ?? json.Ref;
    if (json['Fn::GetAtt'])
      return json['Fn::GetAtt'][0] === ownLogs ? 'own-logs' : (names.get(json['Fn::GetAtt'][0]) ?? json['Fn::GetAtt'][0]);
    const parts = json['Fn::Join']![1];
    const last = parts.at(-1) as string;
    // arn:...:ssm:<region>:<account>:parameter/<name>, or <bucket arn>/<key pattern>
    return last.includes(':parameter/') ? `ssm:${last.slice(last.indexOf('parameter/'))}` : `${resourceName(parts[0])}${last}`;
  };
  const resourcesText = statement.resources.map(resourceName).sort().join(',');
  const condition = statement.condition === undefined ? '' : ` if ${JSON.stringify(statement.condition)}`;
  return `${statement.effect} ${[...statement.actions].sort().join(',')} on ${resourcesText}${condition}`;
}

function described(handler: string): string[] {
  const ownLogs = resource(fixture.template, ids.get(handler)!).Properties.LoggingConfig.LogGroup.Ref as string;
  return statements(handler)
    .map((statement) => describeStatement(statement, ownLogs))
    .sort();
}

const COMMON = ['Allow logs:CreateLogStream,logs:PutLogEvents on own-logs', 'Allow xray:PutTelemetryRecords,xray:PutTraceSegments on *'];
const NO_API_KEY_ITEMS = 'Deny dynamodb:* on table if {"ForAnyValue:StringLike":{"dynamodb:LeadingKeys":["api-key#*"]}}';
/** On the numbers' own partitions: keys without a '#'. */
const ownNumber = (actions: string) => `Allow ${actions} on table if {"ForAllValues:StringNotLike":{"dynamodb:LeadingKeys":["*#*"]}}`;
/** The routes that seal or open signing secrets, and delivery, read the master key. */
const SIGNING_KEY = 'Allow secretsmanager:GetSecretValue on signing-master-key';
const under = (prefix: string, actions: string) =>
  `Allow ${actions} on table if {"ForAllValues:StringLike":{"dynamodb:LeadingKeys":["${prefix}*"]}}`;

/** Exactly what each function's code calls (shared/store/*.ts, shared/queue, shared/payload), and nothing else. */
const EXPECTED: Record<string, string[]> = {
  health: [...COMMON, NO_API_KEY_ITEMS],
  'primary-webhook-get': [...COMMON, ownNumber('dynamodb:GetItem'), NO_API_KEY_ITEMS],
  'primary-webhook-set': [
    ...COMMON,
    ownNumber('dynamodb:GetItem,dynamodb:UpdateItem'),
    NO_API_KEY_ITEMS,
    SIGNING_KEY,
    'Allow sqs:SendMessage on retries',
  ],
  'multi-webhook-get': [...COMMON, ownNumber('dynamodb:Query'), NO_API_KEY_ITEMS],
  'multi-webhook-enable': [...COMMON, ownNumber('dynamodb:PutItem,dynamodb:UpdateItem'), NO_API_KEY_ITEMS, SIGNING_KEY],
  'multi-webhook-append': [...COMMON, ownNumber('dynamodb:PutItem,dynamodb:UpdateItem'), NO_API_KEY_ITEMS, SIGNING_KEY],
  'multi-webhook-update': [
    ...COMMON,
    ownNumber('dynamodb:ConditionCheckItem,dynamodb:GetItem,dynamodb:UpdateItem'),
    NO_API_KEY_ITEMS,
    SIGNING_KEY,
    'Allow sqs:SendMessage on retries',
  ],
  'multi-webhook-test': [...COMMON, ownNumber('dynamodb:Query'), NO_API_KEY_ITEMS, SIGNING_KEY],
  'signing-secret-rotate': [...COMMON, ownNumber('dynamodb:GetItem,dynamodb:UpdateItem'), NO_API_KEY_ITEMS, SIGNING_KEY],
  'multi-webhook-delete': [...COMMON, ownNumber('dynamodb:DeleteItem,dynamodb:UpdateItem'), NO_API_KEY_ITEMS],
  'whatsapp-verify': [...COMMON, NO_API_KEY_ITEMS, 'Allow ssm:GetParameter on ssm:parameter/multi-webhook/whatsapp-verify-token'],
  'whatsapp-ingest': [
    ...COMMON,
    // Powertools Idempotency's records, in their own table.
    'Allow dynamodb:DeleteItem,dynamodb:GetItem,dynamodb:PutItem,dynamodb:UpdateItem on DataDeduplication62185956',
    under('waba#', 'dynamodb:DeleteItem,dynamodb:PutItem,dynamodb:Query'),
    under('waba-of#', 'dynamodb:GetItem,dynamodb:PutItem'),
    NO_API_KEY_ITEMS,
    'Allow sqs:SendMessage on notifications',
    'Allow s3:PutObject on bucket/payloads/*',
    'Allow ssm:GetParameter on ssm:parameter/multi-webhook/whatsapp-app-secret',
  ],
  authorizer: [...COMMON, under('api-key#', 'dynamodb:GetItem')],
  openapi: [...COMMON, NO_API_KEY_ITEMS],
  'deliveries-list': [...COMMON, under('deliveries#', 'dynamodb:Query'), NO_API_KEY_ITEMS],
  'multi-webhook-status': [...COMMON, ownNumber('dynamodb:Query'), NO_API_KEY_ITEMS],
  'deliveries-retry': [
    ...COMMON,
    under('deliveries#', 'dynamodb:GetItem,dynamodb:Query,dynamodb:UpdateItem'),
    ownNumber('dynamodb:Query'),
    NO_API_KEY_ITEMS,
    // Replays go out as retries-queue messages; the payload stays where it is (the message points to it).
    'Allow sqs:SendMessage on retries',
  ],
  delivery: [
    ...COMMON,
    // The two event source mappings: what Lambda's poller uses on the function's behalf (CDK's SqsEventSource grant).
    'Allow sqs:ChangeMessageVisibility,sqs:DeleteMessage,sqs:GetQueueAttributes,sqs:GetQueueUrl,sqs:ReceiveMessage on notifications,retries',
    'Allow sqs:SendMessage on notifications-dlq,retries,retries-dlq',
    ownNumber('dynamodb:GetItem,dynamodb:Query,dynamodb:UpdateItem'),
    under('parked#', 'dynamodb:DeleteItem,dynamodb:PutItem,dynamodb:Query,dynamodb:UpdateItem'),
    under('attempts#', 'dynamodb:PutItem'),
    under('deliveries#', 'dynamodb:BatchWriteItem,dynamodb:UpdateItem'),
    // Producers' ids on the queue door, in the de-duplication table.
    'Allow dynamodb:DeleteItem,dynamodb:GetItem,dynamodb:PutItem,dynamodb:UpdateItem on DataDeduplication62185956',
    NO_API_KEY_ITEMS,
    'Allow s3:GetObject,s3:PutObject on bucket/payloads/*',
    SIGNING_KEY,
  ],
};

/** Every DynamoDB action that reads or writes items, PartiQL and batches included. */
const ITEM_ACTIONS = [
  'GetItem',
  'BatchGetItem',
  'Query',
  'Scan',
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
  'ConditionCheckItem',
  'PartiQLSelect',
  'PartiQLInsert',
  'PartiQLUpdate',
  'PartiQLDelete',
].map((action) => `dynamodb:${action}`);

const NUMBER = '15550001111';
const PARTITIONS = {
  number: NUMBER,
  apiKey: itemKeys.apiKeyPartition('5f0c0ffee'),
  parked: itemKeys.parkedPartition(NUMBER),
  attempts: itemKeys.attemptsPartition(NUMBER),
  deliveries: itemKeys.deliveriesPartition(NUMBER),
};

/** The actions the function may perform on items whose partition key is `key`. */
function allowedOn(handler: string, key: string): string[] {
  const own = statements(handler);
  return ITEM_ACTIONS.filter((action) => allows(own, onTable, { action, leadingKeys: [key] }));
}

describe('permissions per function', () => {
  it('grants each function exactly the statements its code needs, nothing else', () => {
    expect([...ids.keys()].sort()).toEqual(Object.keys(EXPECTED).sort());
    for (const handler of ids.keys()) expect(described(handler), handler).toEqual([...EXPECTED[handler]!].sort());
  });

  it('grants no wildcard action, and Resource * only to the X-Ray actions; the one wildcard action is a deny', () => {
    for (const handler of ids.keys()) {
      for (const statement of statements(handler)) {
        if (statement.effect === 'Deny') continue;
        expect(
          statement.actions.filter((action) => action.includes('*')),
          handler,
        ).toEqual([]);
        if (statement.resources.includes('*'))
          expect(statement.actions, handler).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      }
    }
  });

  it('lets only the authorizer touch API-key items, and it only reads them', () => {
    for (const handler of ids.keys()) {
      expect(allowedOn(handler, PARTITIONS.apiKey), handler).toEqual(handler === 'authorizer' ? ['dynamodb:GetItem'] : []);
    }
  });

  it('keeps the authorizer off every other partition', () => {
    for (const key of [PARTITIONS.number, PARTITIONS.parked, PARTITIONS.attempts, 'waba#1029384756']) {
      expect(allowedOn('authorizer', key), key).toEqual([]);
    }
  });

  it('lets no function Scan nor run PartiQL, and lets only delivery batch-write, on its delivery-log partitions alone', () => {
    const scan: ItemCall = { action: 'dynamodb:Scan', leadingKeys: [] };
    const refused = [
      'dynamodb:Scan',
      'dynamodb:BatchGetItem',
      'dynamodb:BatchWriteItem',
      'dynamodb:PartiQLSelect',
      'dynamodb:PartiQLInsert',
      'dynamodb:PartiQLUpdate',
      'dynamodb:PartiQLDelete',
    ];
    for (const handler of ids.keys()) {
      expect(allows(statements(handler), onTable, scan), handler).toBe(false);
      for (const [family, key] of Object.entries(PARTITIONS)) {
        const batchWrites = handler === 'delivery' && family === 'deliveries' ? ['dynamodb:BatchWriteItem'] : [];
        expect(
          allowedOn(handler, key).filter((action) => refused.includes(action)),
          `${handler} ${key}`,
        ).toEqual(batchWrites);
      }
    }
    // A batch is allowed only when every item in it is in a delivery-log partition.
    const mixed: ItemCall = { action: 'dynamodb:BatchWriteItem', leadingKeys: [PARTITIONS.deliveries, PARTITIONS.parked] };
    expect(allows(statements('delivery'), onTable, mixed)).toBe(false);
  });

  it("keeps the management functions to their number's own partitions: its configuration, and its delivery log for the delivery routes", () => {
    for (const route of routeTable.filter((r) => r.auth === 'api-key')) {
      for (const key of [PARTITIONS.parked, PARTITIONS.attempts, PARTITIONS.apiKey])
        expect(allowedOn(route.handler, key), `${route.handler} ${key}`).toEqual([]);
      const own = [...allowedOn(route.handler, NUMBER), ...allowedOn(route.handler, PARTITIONS.deliveries)];
      expect(own.length, route.handler).toBeGreaterThan(0);
      if (!route.path.startsWith('/deliveries')) expect(allowedOn(route.handler, PARTITIONS.deliveries), route.handler).toEqual([]);
    }
  });

  it('lets the delivery log be read and marked for replay only by the delivery routes, and written only by delivery', () => {
    expect(allowedOn('deliveries-list', PARTITIONS.deliveries)).toEqual(['dynamodb:Query']);
    expect(allowedOn('deliveries-retry', PARTITIONS.deliveries)).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(allowedOn('delivery', PARTITIONS.deliveries)).toEqual(['dynamodb:UpdateItem', 'dynamodb:BatchWriteItem']);
    expect(allowedOn('deliveries-list', NUMBER)).toEqual([]);
  });

  it("lets delivery change a number's partition only by updating its breakers, park and record in its own partitions, and nothing else", () => {
    expect(allowedOn('delivery', PARTITIONS.number)).toEqual(['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:UpdateItem']);
    expect(allowedOn('delivery', PARTITIONS.parked)).toEqual([
      'dynamodb:Query',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
    ]);
    expect(allowedOn('delivery', PARTITIONS.attempts)).toEqual(['dynamodb:PutItem']);
    expect(allowedOn('delivery', 'waba#1029384756')).toEqual([]);
  });

  it('lets only the WhatsApp routes read the WhatsApp parameters, each only the one it needs', () => {
    const ssm = (handler: string) => described(handler).filter((line) => line.includes('ssm:'));
    for (const handler of ids.keys()) {
      if (handler === 'whatsapp-verify')
        expect(ssm(handler)).toEqual(['Allow ssm:GetParameter on ssm:parameter/multi-webhook/whatsapp-verify-token']);
      else if (handler === 'whatsapp-ingest')
        expect(ssm(handler)).toEqual(['Allow ssm:GetParameter on ssm:parameter/multi-webhook/whatsapp-app-secret']);
      else expect(ssm(handler), handler).toEqual([]);
    }
  });
});

describe('the partitions the grants name', () => {
  it("are the ones the store writes: every other partition key carries a '#', a phone number never does", () => {
    const partitionKeys = Object.entries(itemKeys)
      .filter(([name, value]) => name.endsWith('Partition') && typeof value === 'function')
      .map(([name, make]) => [name, (make as (id: string) => string)('15550001111')] as const);
    expect(partitionKeys.length).toBeGreaterThanOrEqual(3);
    for (const [name, key] of partitionKeys) expect(key, name).toContain('#');
    expect(isPhoneNumber('1555#0001111')).toBe(false);
    expect(itemKeys.apiKeyPartition('abc').startsWith(API_KEY_PARTITIONS)).toBe(true);
    for (const grant of [...authorizerFunction.table, ...deliveryFunction.table, ...routeTable.flatMap((route) => route.table ?? [])]) {
      if (grant.partitions === 'phone-number') continue;
      expect(
        partitionKeys.some(([, key]) => key.startsWith(grant.partitions)),
        grant.partitions,
      ).toBe(true);
    }
  });

  it('cover the payload objects: every key the payload store writes is under the one prefix S3 grants name', () => {
    expect(PAYLOAD_OBJECTS).toBe('payloads/*');
    expect(payloadKey(NUMBER, 'wamid.abc').startsWith(PAYLOAD_OBJECTS.slice(0, -1))).toBe(true);
  });
});

describe('the keys CLI operator policy', () => {
  it('is a managed policy with the lookup and index items only, no Scan and no deny to trip over', () => {
    const [policy] = Object.values(resources(fixture.template, 'AWS::IAM::ManagedPolicy'));
    const lines = (policy!.Properties.PolicyDocument.Statement as Record<string, unknown>[]).map((raw) =>
      describeStatement(
        {
          actions: ([] as string[]).concat(raw.Action as string),
          resources: [raw.Resource],
          effect: raw.Effect as string,
          condition: raw.Condition,
        },
        '',
      ),
    );
    expect(lines.sort()).toEqual(
      [
        under('api-key#', 'dynamodb:DeleteItem,dynamodb:PutItem'),
        ownNumber('dynamodb:DeleteItem,dynamodb:GetItem,dynamodb:PutItem,dynamodb:Query'),
      ].sort(),
    );
    expect(keysOperatorGrants.flatMap((grant) => grant.actions)).not.toContain('dynamodb:Scan');
    const outputs = fixture.template.toJSON().Outputs as Record<string, { Value: unknown }>;
    expect(outputs.KeysOperatorPolicyArn!.Value).toEqual({ Ref: Object.keys(resources(fixture.template, 'AWS::IAM::ManagedPolicy'))[0] });
  });
});
