// The delivery log on DynamoDB Local: records updated in place, newest first with cursors and filters,
// the TTL attribute, replay's lookup by id, and a cursor that never leaves its own number.
import { randomBytes } from 'node:crypto';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { countCalls } from '../../../bench/lib/call-counter.js';
import type { DeliveryOutcome, DeliveryQuery } from '../../../shared/domain/delivery-log.js';
import { cloneRef, PRIMARY } from '../../../shared/domain/destination.js';
import { Invalid } from '../../../shared/domain/errors.js';
import { DynamoDeliveryLog, deliveryRetentionSeconds } from '../../../shared/store/delivery-log-store.js';
import { deliveriesPartition, deliveryNotificationSortKey } from '../../../shared/store/item-keys.js';
import { freshPhoneNumber, freshTable } from '../../helpers/dynamo.js';

let log: DynamoDeliveryLog;
let table: Awaited<ReturnType<typeof freshTable>>;
const RETENTION = deliveryRetentionSeconds(7 * 24 * 60 * 60);
const T0 = Date.UTC(2026, 11, 1, 12);

beforeAll(async () => {
  table = await freshTable();
  log = new DynamoDeliveryLog(table.db, table.tableName, RETENTION);
});

function outcome(phoneNumber: string, index: number, overrides: Partial<DeliveryOutcome> = {}): DeliveryOutcome {
  return {
    phoneNumber,
    notificationId: `n${index}`,
    receivedAt: T0 + index * 1000,
    destination: PRIMARY,
    status: 'retrying',
    attempts: 1,
    lastStatus: 503,
    lastLatencyMs: 12,
    nextAttemptAt: T0 + index * 1000 + 5000,
    at: T0 + index * 1000 + 10,
    ...overrides,
  };
}

/** Every page of a query, following the cursors. */
async function allPages(phoneNumber: string, query: Omit<DeliveryQuery, 'cursor'>) {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await log.list(phoneNumber, { ...query, ...(cursor && { cursor }) });
    pages.push(
      page.records.map(
        (record) => `${record.notificationId}:${record.destination.role === 'primary' ? 'primary' : record.destination.name}`,
      ),
    );
    cursor = page.cursor;
  } while (cursor);
  return pages;
}

describe('DynamoDeliveryLog', () => {
  it('keeps one record per notification and destination, updated in place by each outcome', async () => {
    const phone = freshPhoneNumber();
    await log.record(outcome(phone, 1, { destination: cloneRef('crm') }));
    await log.record(outcome(phone, 1, { destination: cloneRef('crm'), attempts: 2, lastStatus: undefined, lastError: 'timeout' }));
    await log.record(
      outcome(phone, 1, { destination: cloneRef('crm'), status: 'delivered', attempts: 3, lastStatus: 200, nextAttemptAt: undefined }),
    );
    const { records } = await log.list(phone, { limit: 10 });
    expect(records).toEqual([
      expect.objectContaining({ notificationId: 'n1', destination: cloneRef('crm'), status: 'delivered', attempts: 3, lastStatus: 200 }),
    ]);
    expect(records[0]).not.toHaveProperty('lastError');
    expect(records[0]).not.toHaveProperty('nextAttemptAt');
  });

  it('keeps the last answer when a copy is parked or dead-lettered without an attempt', async () => {
    const phone = freshPhoneNumber();
    await log.record(outcome(phone, 1, { lastStatus: 502, responseExcerpt: 'bad gateway' }));
    await log.record({
      ...outcome(phone, 1),
      status: 'parked',
      attempts: 1,
      lastStatus: undefined,
      lastLatencyMs: undefined,
      nextAttemptAt: undefined,
    });
    const [record] = (await log.list(phone, { limit: 1 })).records;
    expect(record).toMatchObject({ status: 'parked', lastStatus: 502, lastLatencyMs: 12, responseExcerpt: 'bad gateway' });
    expect(record).not.toHaveProperty('nextAttemptAt');
  });

  it('lists newest first in pages whose cursors cover every record exactly once', async () => {
    const phone = freshPhoneNumber();
    for (let i = 1; i <= 7; i++) await log.record(outcome(phone, i));
    expect(await allPages(phone, { limit: 3 })).toEqual([
      ['n7:primary', 'n6:primary', 'n5:primary'],
      ['n4:primary', 'n3:primary', 'n2:primary'],
      ['n1:primary'],
    ]);
  });

  it('filters by status (failed meaning retrying, parked or dead), by destination and by a time range, across pages', async () => {
    const phone = freshPhoneNumber();
    const statuses = ['retrying', 'delivered', 'parked', 'dead', 'delivered', 'retrying'] as const;
    for (const [i, status] of statuses.entries()) {
      await log.record(outcome(phone, i, { status }));
      await log.record(outcome(phone, i, { status: 'dead', destination: cloneRef(i % 2 ? 'a' : 'primary') }));
    }
    const ids = (pages: string[][]) => pages.flat();
    expect(ids(await allPages(phone, { status: 'delivered', destination: PRIMARY, limit: 1 }))).toEqual(['n4:primary', 'n1:primary']);
    expect(ids(await allPages(phone, { status: 'failed', destination: PRIMARY, limit: 2 }))).toEqual([
      'n5:primary',
      'n3:primary',
      'n2:primary',
      'n0:primary',
    ]);
    // A clone named "primary" is a clone: the primary filter never shows it, its own name does.
    expect(ids(await allPages(phone, { destination: cloneRef('primary'), limit: 10 }))).toEqual(['n4:primary', 'n2:primary', 'n0:primary']);
    expect(ids(await allPages(phone, { destination: cloneRef('a'), from: T0 + 1000, to: T0 + 3000, limit: 10 }))).toEqual(['n3:a', 'n1:a']);
    expect(ids(await allPages(phone, { from: T0 + 5000, limit: 10 }))).toEqual(['n5:primary', 'n5:a']);
  });

  it('gives every item a TTL of the retention after the receive time, and keeps the notification once for replay', async () => {
    const phone = freshPhoneNumber();
    const notification = { phoneNumber: phone, id: 'n1', receivedAt: T0 + 1000, payload: '{"entry":[]}' };
    await log.record(outcome(phone, 1), notification);
    await log.record(outcome(phone, 1, { destination: cloneRef('a') }));
    const { Items = [] } = await table.db.send(
      new QueryCommand({
        TableName: table.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': deliveriesPartition(phone) },
      }),
    );
    expect(Items).toHaveLength(3);
    for (const item of Items) expect(item.expiresAt).toBe(Math.floor((T0 + 1000) / 1000) + RETENTION);
    expect(RETENTION).toBe(30 * 24 * 60 * 60);
    const { Item } = await table.db.send(
      new GetCommand({ TableName: table.tableName, Key: { pk: deliveriesPartition(phone), sk: deliveryNotificationSortKey('n1') } }),
    );
    // Its key says the number and the id.
    expect(Item).toMatchObject({ t: notification.receivedAt, p: notification.payload });
    expect(Item).not.toHaveProperty('phoneNumber');

    const found = await log.find(phone, 'n1');
    expect(found?.notification).toEqual(notification);
    expect(found?.records.map((record) => record.destination)).toEqual([cloneRef('a'), PRIMARY]);
    // The list never returns a payload.
    expect(JSON.stringify((await log.list(phone, { limit: 10 })).records)).not.toContain('entry');
  });

  it('writes the first entries of one turn, records and kept notifications, in one batch write, each key once', async () => {
    const phone = freshPhoneNumber();
    const calls = countCalls(table.db);
    const notifications = [1, 2, 3, 4, 5].map((index) => ({
      phoneNumber: phone,
      id: `n${index}`,
      receivedAt: T0 + index * 1000,
      payload: `{"n":${index}}`,
    }));
    await Promise.all([
      ...notifications.map((notification, index) => log.record(outcome(phone, index + 1, { status: 'parked', attempts: 0 }), notification)),
      // Two clones of one notification keep it twice in the same turn: one item, written once.
      log.record(outcome(phone, 1, { destination: cloneRef('a') }), notifications[0]),
    ]);
    expect(calls.calls()).toEqual({ BatchWriteItemCommand: 1 });
    for (const notification of notifications) {
      const found = await log.find(phone, notification.id);
      expect(found?.notification).toEqual(notification);
    }
    expect((await log.find(phone, 'n1'))?.records.map((record) => record.destination)).toEqual([cloneRef('a'), PRIMARY]);
    expect((await log.find(phone, 'n2'))?.records).toEqual([
      expect.objectContaining({ status: 'parked', attempts: 0, destination: PRIMARY, updatedAt: T0 + 2000 + 10 }),
    ]);
  });

  it("settles each entry once its items are written: one number's unprocessed items, sent again, hold no other number's", async () => {
    const [throttled, other] = [freshPhoneNumber(), freshPhoneNumber()];
    const settledBeforeResend: string[] = [];
    const settled: string[] = [];
    // The batch lists the other number's entry first: its kept notification and record, then the throttled number's two.
    const unprocessed = leaveUnprocessedOnce(table.db, 2, () => settledBeforeResend.push(...settled));
    const entries = [
      { phone: other, notification: { phoneNumber: other, id: 'quiet', receivedAt: T0 + 1000, payload: '{}' } },
      { phone: throttled, notification: { phoneNumber: throttled, id: 'busy', receivedAt: T0 + 1000, payload: '{}' } },
    ];
    await Promise.all(
      entries.map(({ phone, notification }) =>
        log.record(outcome(phone, 1, { notificationId: notification.id }), notification).then(() => void settled.push(notification.id)),
      ),
    );
    unprocessed.remove();
    expect(settledBeforeResend).toEqual(['quiet']);
    expect(settled).toEqual(['quiet', 'busy']);
    expect((await log.find(throttled, 'busy'))?.records).toHaveLength(1);
  });

  it("writes the other entries of a batch that DynamoDB refuses for one item over 400 KB, and fails only that item's", async () => {
    const [phone, other] = [freshPhoneNumber(), freshPhoneNumber()];
    // Random bytes do not compress: the kept item stays past DynamoDB's item limit.
    const huge = { phoneNumber: phone, id: 'huge', receivedAt: T0 + 1000, payload: randomBytes(450 * 1024).toString('base64') };
    const small = [1, 2].map((index) => ({ phoneNumber: other, id: `n${index}`, receivedAt: T0 + index * 1000, payload: '{}' }));
    const results = await Promise.allSettled([
      log.record(outcome(phone, 1, { notificationId: 'huge' }), huge),
      ...small.map((notification, index) => log.record(outcome(other, index + 1), notification)),
    ]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled', 'fulfilled']);
    for (const notification of small) expect((await log.find(other, notification.id))?.notification).toEqual(notification);
    expect(await log.find(phone, 'huge')).toBeUndefined();
  });

  it('sends the items DynamoDB left unprocessed again until every one is written', async () => {
    const phone = freshPhoneNumber();
    const unprocessed = leaveUnprocessedOnce(table.db, 3);
    const notifications = [1, 2, 3].map((index) => ({ phoneNumber: phone, id: `n${index}`, receivedAt: T0 + index * 1000, payload: '{}' }));
    await Promise.all(notifications.map((notification, index) => log.record(outcome(phone, index + 1), notification)));
    unprocessed.remove();
    expect(unprocessed.left).toBe(3);
    for (const notification of notifications) expect((await log.find(phone, notification.id))?.records).toHaveLength(1);
  });

  it('lists and finds a parked copy past the end of its window as dead, though nothing wrote over its record', async () => {
    const phone = freshPhoneNumber();
    const clock = { now: T0 + 10_000 };
    const atClock = new DynamoDeliveryLog(table.db, table.tableName, RETENTION, () => clock.now);
    const kept = { phoneNumber: phone, id: 'n0', receivedAt: T0, payload: '{}' };
    await atClock.record(outcome(phone, 0, { status: 'parked', nextAttemptAt: undefined, giveUpAt: T0 + 60_000 }), kept);
    await atClock.record(outcome(phone, 1, { status: 'parked', nextAttemptAt: T0 + 9000, giveUpAt: T0 + 120_000 }));
    await atClock.record(outcome(phone, 2, { status: 'dead', nextAttemptAt: undefined }));
    const listed = async (status: DeliveryQuery['status']) =>
      (await atClock.list(phone, { status, limit: 10 })).records.map((record) => `${record.notificationId}:${record.status}`);

    expect([await listed('parked'), await listed('dead')]).toEqual([['n1:parked', 'n0:parked'], ['n2:dead']]);
    clock.now = T0 + 60_000;
    expect([await listed('parked'), await listed('dead'), await listed('failed')]).toEqual([
      ['n1:parked'],
      ['n2:dead', 'n0:dead'],
      ['n2:dead', 'n1:parked', 'n0:dead'],
    ]);
    const found = await atClock.find(phone, 'n0');
    expect(found?.records.map((record) => [record.status, record.nextAttemptAt])).toEqual([['dead', undefined]]);
    // A later outcome (a replay's 200) writes over it, its window gone with it.
    await atClock.record(outcome(phone, 0, { status: 'delivered', nextAttemptAt: undefined, at: clock.now }));
    expect([await listed('dead'), await listed('delivered')]).toEqual([['n2:dead'], ['n0:delivered']]);
  });

  it("finds a notification by id without mixing in another id that shares its prefix, and nothing for another number's id", async () => {
    const phone = freshPhoneNumber();
    const kept = (id: string) => ({ phoneNumber: phone, id, receivedAt: T0, payload: '{}' });
    await log.record(outcome(phone, 0, { notificationId: 'a', receivedAt: T0 }), kept('a'));
    await log.record(outcome(phone, 0, { notificationId: 'a#b', receivedAt: T0 }), kept('a#b'));
    expect((await log.find(phone, 'a'))?.records.map((record) => record.notificationId)).toEqual(['a']);
    expect(await log.find(freshPhoneNumber(), 'a')).toBeUndefined();
  });

  it("refuses another number's cursor, a forged one and one outside the query's range, and never reads the other number", async () => {
    const one = freshPhoneNumber();
    const other = freshPhoneNumber();
    for (let i = 1; i <= 3; i++) {
      await log.record(outcome(one, i));
      await log.record(outcome(other, i));
    }
    const { cursor } = await log.list(one, { limit: 1 });
    expect(cursor).toBeDefined();
    await expect(log.list(other, { limit: 1, cursor: cursor! })).rejects.toThrow(Invalid);
    await expect(log.list(one, { limit: 1, cursor: 'eyJub3QiOiJvdXJzIn0' })).rejects.toThrow(Invalid);
    await expect(log.list(one, { limit: 1, to: T0 + 1000, cursor: cursor! })).rejects.toThrow(Invalid);
    const forged = Buffer.from(JSON.stringify({ p: one, k: 't#~' })).toString('base64url');
    await expect(log.list(one, { limit: 1, cursor: forged })).rejects.toThrow(Invalid);
    // The same cursor, on its own number, goes on where it stopped.
    expect((await log.list(one, { limit: 5, cursor: cursor! })).records.map((record) => record.phoneNumber)).toEqual([one, one]);
  });

  it('marks records replayed only if unchanged since read, once, and an outcome clears the mark', async () => {
    const phone = freshPhoneNumber();
    await log.record(outcome(phone, 1, { status: 'dead' }));
    const [record] = (await log.list(phone, { limit: 1 })).records;
    expect(await log.markReplayed([record!], T0 + 99_000)).toBe(true);
    expect((await log.list(phone, { limit: 1 })).records[0]).toMatchObject({
      status: 'retrying',
      nextAttemptAt: T0 + 99_000,
      replayPending: true,
    });
    expect(await log.markReplayed([record!], T0 + 99_000)).toBe(false);
    await log.record(outcome(phone, 1, { status: 'delivered', attempts: 2, lastStatus: 200, nextAttemptAt: undefined, at: T0 + 100_000 }));
    expect((await log.list(phone, { limit: 1 })).records[0]).not.toHaveProperty('replayPending');
  });
});

/**
 * As DynamoDB does under throttling: the first batch write writes all but its last `count` items and
 * hands those back as UnprocessedItems (through the SDK's middleware, on the real table).
 */
function leaveUnprocessedOnce(client: typeof table.db, count: number, beforeResend: () => void = () => undefined) {
  const name = `unprocessed-${Math.random()}`;
  let left = 0;
  type BatchInput = { RequestItems: Record<string, unknown[]> };
  client.middlewareStack.add(
    ((
        next: (args: { input: BatchInput }) => Promise<{ output: { UnprocessedItems?: Record<string, unknown[]> } }>,
        context: { commandName?: string },
      ) =>
      async (args: { input: BatchInput }) => {
        if (!context.commandName?.startsWith('BatchWrite')) return next(args);
        if (left > 0) {
          beforeResend();
          return next(args);
        }
        const [[tableName, requests]] = Object.entries(args.input.RequestItems) as [[string, unknown[]]];
        const held = requests.slice(-count);
        left = held.length;
        const result = await next({ ...args, input: { ...args.input, RequestItems: { [tableName]: requests.slice(0, -count) } } });
        result.output.UnprocessedItems = { [tableName]: held };
        return result;
      }) as never,
    { step: 'initialize', name } as never,
  );
  return {
    get left() {
      return left;
    },
    remove: () => void client.middlewareStack.remove(name),
  };
}
