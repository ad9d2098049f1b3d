import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorizerFunction, routeKey } from '../../infra/routes.js';
import { buildStack, functionIds, type StackFixture } from './support/stack-fixture.js';
import { actionsOn, logicalId, statementsOf } from './support/template-queries.js';

let fixture: StackFixture;
let ids: ReadonlyMap<string, string>;
let table: string;
let notifications: string;
let retries: string;
let notificationsDlq: string;
let retriesDlq: string;
let bucket: string;

beforeAll(() => {
  fixture = buildStack();
  ids = functionIds(fixture);
  const { stack } = fixture;
  table = logicalId(stack.data.table);
  notifications = logicalId(stack.queues.notifications.queue);
  retries = logicalId(stack.queues.retries.queue);
  notificationsDlq = logicalId(stack.queues.notifications.deadLetterQueue);
  retriesDlq = logicalId(stack.queues.retries.deadLetterQueue);
  bucket = logicalId(stack.payloads.bucket);
});
afterAll(() => fixture.cleanup());

const DYNAMODB_WRITES = ['dynamodb:BatchWriteItem', 'dynamodb:DeleteItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'];
const statements = (handler: string) => statementsOf(fixture.template, ids.get(handler)!);
const actions = (handler: string, target: string) => actionsOn(fixture.template, ids.get(handler)!, target);
const handlers = () => fixture.handlers;
const routes = () => fixture.routes;

describe('permissions per function', () => {
  it('grants no wildcard action, and Resource * only to the X-Ray actions', () => {
    for (const handler of handlers()) {
      for (const statement of statements(handler)) {
        expect(statement.effect, handler).toBe('Allow');
        expect(statement.actions.filter((action) => action.includes('*')), handler).toEqual([]);
        if (statement.resources.includes('*')) {
          expect(statement.actions, handler).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
        }
      }
    }
  });

  it('lets each route function use the table only as its route says', () => {
    for (const route of routes()) {
      const granted = actions(route.handler, table);
      if (route.tableAccess === 'none') expect(granted, route.handler).toEqual([]);
      if (route.tableAccess === 'read') {
        expect(granted, route.handler).toContain('dynamodb:GetItem');
        expect(granted.filter((action) => DYNAMODB_WRITES.includes(action)), route.handler).toEqual([]);
      }
      if (route.tableAccess === 'read-write') expect(granted, route.handler).toEqual(expect.arrayContaining(DYNAMODB_WRITES));
    }
  });

  it('lets the authorizer read the table and write nothing', () => {
    expect(authorizerFunction.tableAccess).toBe('read');
    const granted = actions('authorizer', table);
    expect(granted).toContain('dynamodb:GetItem');
    expect(granted.filter((action) => DYNAMODB_WRITES.includes(action))).toEqual([]);
  });

  it('lets only the notification-sending routes send to the notifications queue', () => {
    const senders = handlers().filter((handler) => actions(handler, notifications).includes('sqs:SendMessage'));
    expect(senders.length).toBeGreaterThan(0);
    expect(senders.sort()).toEqual(routes().filter((r) => r.sendsNotifications).map((r) => r.handler).sort());
    for (const handler of senders) expect(actions(handler, notifications)).not.toContain('sqs:ReceiveMessage');
  });

  it('lets only delivery receive from the queues', () => {
    for (const queue of [notifications, retries, notificationsDlq, retriesDlq]) {
      const receivers = handlers().filter((handler) => actions(handler, queue).includes('sqs:ReceiveMessage'));
      expect(receivers, queue).toEqual(queue === notifications || queue === retries ? ['delivery'] : []);
    }
  });

  it('lets delivery consume both queues, reschedule on retries and dead-letter on both DLQs', () => {
    expect(actions('delivery', notifications)).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility']));
    expect(actions('delivery', notifications)).not.toContain('sqs:SendMessage');
    expect(actions('delivery', retries)).toEqual(expect.arrayContaining(['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:SendMessage']));
    expect(actions('delivery', notificationsDlq)).toContain('sqs:SendMessage');
    expect(actions('delivery', retriesDlq)).toContain('sqs:SendMessage');
  });

  it('lets delivery read and write the table', () => {
    expect(actions('delivery', table)).toEqual(expect.arrayContaining(['dynamodb:GetItem', ...DYNAMODB_WRITES]));
  });

  it('lets notification senders put offloaded payloads, and delivery get them and put the large ones it parks, nothing else of the bucket', () => {
    const senders = routes().filter((r) => r.sendsNotifications).map((r) => r.handler);
    for (const handler of handlers()) {
      const expected = handler === 'delivery' ? ['s3:GetObject', 's3:PutObject'] : senders.includes(handler) ? ['s3:PutObject'] : [];
      expect(actions(handler, bucket), handler).toEqual(expected);
    }
  });

  it('lets only the WhatsApp routes read the WhatsApp parameters, each only the one it needs', () => {
    const parameterStatements = (handler: string) =>
      statements(handler).filter((statement) => statement.actions.some((action) => action.startsWith('ssm:')));
    for (const handler of handlers()) {
      const route = routes().find((r) => r.handler === handler);
      const found = parameterStatements(handler);
      const key = route ? routeKey(route) : handler;
      if (key === 'POST /webhooks/whatsapp' || key === 'GET /webhooks/whatsapp') {
        const parameter = key.startsWith('POST') ? 'multi-webhook/whatsapp-app-secret' : 'multi-webhook/whatsapp-verify-token';
        expect(found.flatMap((s) => s.actions), handler).toEqual(['ssm:GetParameter']);
        expect(JSON.stringify(found.flatMap((s) => s.resources)), handler).toContain(`:parameter/${parameter}"`);
        expect(found.flatMap((s) => s.resources), handler).toHaveLength(1);
      } else {
        expect(found, handler).toEqual([]);
      }
    }
  });

  it('lets each function write only to its own log group', () => {
    for (const handler of handlers()) {
      const logStatements = statements(handler).filter((s) => s.actions.some((action) => action.startsWith('logs:')));
      expect(logStatements, handler).toHaveLength(1);
      expect(logStatements[0]!.actions).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
      const fn = fixture.template.toJSON().Resources[ids.get(handler)!];
      expect(logStatements[0]!.resources).toEqual([{ 'Fn::GetAtt': [fn.Properties.LoggingConfig.LogGroup.Ref, 'Arn'] }]);
    }
  });
});
