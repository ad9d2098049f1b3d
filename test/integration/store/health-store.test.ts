// Breakers and parked notifications on DynamoDB Local: the conditions that keep concurrent writers honest,
// and a given-up head of a line left to its TTL, never handed back, with late copies still in arrival order.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  afterFailure,
  afterPaused,
  afterResumed,
  afterUnparked,
  BREAKER_FAILURE_THRESHOLD,
  HEALTHY,
  type DestinationHealth,
} from '../../../shared/domain/destination-health.js';
import { cloneRef, PRIMARY, type DestinationRef } from '../../../shared/domain/destination.js';
import type { ParkedNotification } from '../../../shared/domain/parking.js';
import { DynamoHealthStore } from '../../../shared/store/health-store.js';
import { parkedPartition, parkedSortKey } from '../../../shared/store/item-keys.js';
import { tableDefinition } from '../../../shared/store/table-definition.js';
import { DynamoWebhookStore } from '../../../shared/store/webhook-store.js';
import { createDynamoClient } from '../../../shared/aws/clients.js';
import { freshPhoneNumber, freshTable } from '../../helpers/dynamo.js';
import { injectFault } from '../../reliability/fault-support/sdk-faults.js';

const NOW = 1_800_000_000_000;
const policy = { baseSeconds: 5, maxAgeSeconds: 3600 };
const fail = (health: DestinationHealth) => afterFailure(health, { status: 503, latencyMs: 4 }, NOW, policy, 0.5);

let store: DynamoHealthStore;
let webhooks: DynamoWebhookStore;
let table: Awaited<ReturnType<typeof freshTable>>;

beforeAll(async () => {
  table = await freshTable();
  store = new DynamoHealthStore(table.db, table.tableName);
  webhooks = new DynamoWebhookStore(table.db, table.tableName);
});

function parked(phoneNumber: string, destination: DestinationRef, receivedAt: number, id: string): ParkedNotification {
  return {
    phoneNumber,
    destination,
    id,
    receivedAt,
    payload: `{"id":"${id}"}`,
    attempt: 2,
    windowStart: receivedAt,
    deadline: receivedAt + 3600_000,
  };
}

async function openBreaker(phoneNumber: string, destination: DestinationRef): Promise<void> {
  for (let i = 0; i < BREAKER_FAILURE_THRESHOLD; i++) await store.change(phoneNumber, destination, fail);
}

describe('DynamoHealthStore', () => {
  it('counts concurrent failures one by one: every writer that lost a race recomputes on a fresh read', async () => {
    const phone = freshPhoneNumber();
    await Promise.all(
      Array.from({ length: 8 }, () =>
        store.change(phone, PRIMARY, (current) => ({ ...current, consecutiveFailures: current.consecutiveFailures + 1 })),
      ),
    );
    expect((await store.read(phone, PRIMARY)).consecutiveFailures).toBe(8);
  });

  it('comes back with the configuration read, at no extra call, keyed by destination', async () => {
    const phone = freshPhoneNumber();
    await webhooks.setPrimary(phone, { url: 'https://p.example.com/', headers: {} });
    await openBreaker(phone, PRIMARY);
    await store.change(phone, cloneRef('crm'), fail);
    const { health } = await webhooks.readPhoneConfig(phone);
    expect(health?.['']).toMatchObject({ state: 'open', consecutiveFailures: BREAKER_FAILURE_THRESHOLD });
    expect(health?.crm).toMatchObject({ state: 'closed', consecutiveFailures: 1 });
  });

  it('parks only behind a breaker that is not closed, once per notification, and hands them back oldest first', async () => {
    const phone = freshPhoneNumber();
    expect(await store.park(parked(phone, PRIMARY, NOW, 'early'))).toBe(false);
    await openBreaker(phone, PRIMARY);
    for (const [at, id] of [
      [NOW + 2, 'third'],
      [NOW, 'first'],
      [NOW + 1, 'second'],
    ] as const)
      expect(await store.park(parked(phone, PRIMARY, at, id))).toBe(true);
    expect(await store.park(parked(phone, PRIMARY, NOW, 'first'))).toBe(true); // a duplicate receive

    expect((await store.oldestParked(phone, PRIMARY, 10)).map((item) => item.id)).toEqual(['first', 'second', 'third']);
    expect((await store.read(phone, PRIMARY)).parked).toBe(3);
  });

  it('hands a copy back as it was parked, including whether its delivery-log record dies at its deadline', async () => {
    const phone = freshPhoneNumber();
    await openBreaker(phone, PRIMARY);
    const withRecord: ParkedNotification = {
      ...parked(phone, PRIMARY, NOW, 'new'),
      signature: 'sha256=' + 'ab'.repeat(32),
      recordDiesAtDeadline: true,
    };
    const before = parked(phone, PRIMARY, NOW + 1, 'before');
    for (const copy of [withRecord, before]) expect(await store.park(copy)).toBe(true);
    expect(await store.oldestParked(phone, PRIMARY, 10)).toEqual([withRecord, before]);
  });

  it('keeps the parked copies of a clone named "primary", and of "a" and "a#b", apart from each other and from the primary', async () => {
    const phone = freshPhoneNumber();
    for (const destination of [PRIMARY, cloneRef('primary'), cloneRef('a'), cloneRef('a#b')]) {
      await openBreaker(phone, destination);
      await store.park(parked(phone, destination, NOW, `for-${destination.role === 'primary' ? '(primary)' : destination.name}`));
    }
    expect((await store.oldestParked(phone, cloneRef('a'), 10)).map((item) => item.id)).toEqual(['for-a']);
    expect((await store.oldestParked(phone, PRIMARY, 10)).map((item) => item.id)).toEqual(['for-(primary)']);
    expect((await store.oldestParked(phone, cloneRef('primary'), 10)).map((item) => [item.id, item.destination])).toEqual([
      ['for-primary', cloneRef('primary')],
    ]);
  });

  it('does not close a drained breaker while a copy is being parked behind it', async () => {
    const phone = freshPhoneNumber();
    await openBreaker(phone, PRIMARY);
    await store.change(phone, PRIMARY, (current) => ({ ...current, state: 'draining' }));
    const item = parked(phone, PRIMARY, NOW, 'one');
    await store.park(item);
    await store.unpark(item);
    // Another copy is parked between the drain's read (parked 0) and its write.
    let parkedMeanwhile = false;
    const { after } = await store.change(phone, PRIMARY, (current) => {
      if (!parkedMeanwhile) {
        parkedMeanwhile = true;
        void store.park(parked(phone, PRIMARY, NOW + 5, 'two'));
      }
      return current.parked === 0 ? afterUnparked(current, 0, NOW) : current;
    });
    // Either the park landed before the write (which then re-read and stayed draining), or after it
    // (and found the breaker closed): never closed with a copy left behind.
    const final = await store.read(phone, PRIMARY);
    const left = await store.oldestParked(phone, PRIMARY, 10);
    expect(final.parked).toBe(left.length);
    if (left.length > 0) expect(final.state).toBe('draining');
    expect(['draining', 'closed']).toContain(after.state);
  });

  it('parks and unparks through transactions cancelled by a concurrent one on the breaker, counting each copy once', async () => {
    const phone = freshPhoneNumber();
    await openBreaker(phone, PRIMARY);
    // DynamoDB Local serializes transactions; real DynamoDB cancels one that meets another on the breaker.
    const client = createDynamoClient({ endpoint: table.endpoint, region: 'us-east-1' });
    const conflicted = new DynamoHealthStore(client, table.tableName);
    const conflicts = injectFault(client, { command: 'TransactWriteItemsCommand', times: 4, error: transactionConflict });
    expect(await conflicted.park(parked(phone, PRIMARY, NOW, 'busy'))).toBe(true);
    expect(conflicts.injected).toBe(4);
    expect((await store.read(phone, PRIMARY)).parked).toBe(1);

    conflicts.remove();
    const again = injectFault(client, { command: 'TransactWriteItemsCommand', times: 2, error: transactionConflict });
    const [item] = await conflicted.oldestParked(phone, PRIMARY, 1);
    await conflicted.unpark(item!);
    expect(again.injected).toBe(2);
    expect((await store.read(phone, PRIMARY)).parked).toBe(0);
    expect(await store.oldestParked(phone, PRIMARY, 10)).toEqual([]);
  });

  it('lets a transaction conflict that never clears surface, so the record is received again', async () => {
    const phone = freshPhoneNumber();
    await openBreaker(phone, PRIMARY);
    const client = createDynamoClient({ endpoint: table.endpoint, region: 'us-east-1' });
    injectFault(client, { command: 'TransactWriteItemsCommand', times: Infinity, error: transactionConflict });
    await expect(new DynamoHealthStore(client, table.tableName).park(parked(phone, PRIMARY, NOW, 'stuck'))).rejects.toBeInstanceOf(
      TransactionCanceledException,
    );
    expect((await store.read(phone, PRIMARY)).parked).toBe(0);
  });

  it('runs a timer for the time it was set, once, and not a copy of a spent one', async () => {
    const phone = freshPhoneNumber();
    await store.armTimer(phone, PRIMARY, NOW);
    expect(await store.claimTimer(phone, PRIMARY, NOW, NOW, NOW + 60_000)).toEqual({ claimed: true });
    expect(await store.claimTimer(phone, PRIMARY, NOW, NOW + 1, NOW + 60_000)).toEqual({ claimed: false, leasedUntil: NOW + 60_000 });
    expect(await store.claimTimer(phone, PRIMARY, NOW, NOW + 60_001, NOW + 120_000)).toEqual({ claimed: true }); // a crashed holder's lease ran out
    await store.armTimer(phone, PRIMARY, NOW + 5000);
    expect(await store.claimTimer(phone, PRIMARY, NOW, NOW + 2, NOW + 60_000)).toEqual({ claimed: false }); // spent
    expect(await store.claimTimer(phone, PRIMARY, NOW + 5000, NOW + 5000, NOW + 65_000)).toEqual({ claimed: true });
  });

  it('reads a destination without an item as healthy', async () => {
    expect(await store.read(freshPhoneNumber(), cloneRef('never'))).toEqual(HEALTHY);
  });
});

describe('a paused destination', () => {
  it('parks behind a pause with its breaker closed, and refuses to park once resumed', async () => {
    const phoneNumber = freshPhoneNumber();
    const crm = cloneRef('crm');
    expect(await store.park(parked(phoneNumber, crm, NOW, 'before-pause'))).toBe(false);
    await store.change(phoneNumber, crm, afterPaused);
    expect(await store.park(parked(phoneNumber, crm, NOW + 1, 'while-paused'))).toBe(true);
    expect(await store.read(phoneNumber, crm)).toMatchObject({ state: 'closed', paused: true, parked: 1 });

    const { after } = await store.change(phoneNumber, crm, (current) => afterResumed(current, NOW + 2));
    // What was parked while paused drains: the closed breaker becomes draining.
    expect(after).toMatchObject({ state: 'draining', parked: 1 });
    expect((await store.read(phoneNumber, crm)).paused).toBeUndefined();
    expect((await store.oldestParked(phoneNumber, crm, 10)).map((item) => item.id)).toEqual(['while-paused']);
  });

  it('resumes to closed when nothing was parked, after which copies are attempted, not parked', async () => {
    const phoneNumber = freshPhoneNumber();
    await store.change(phoneNumber, PRIMARY, afterPaused);
    const { after } = await store.change(phoneNumber, PRIMARY, (current) => afterResumed(current, NOW));
    expect(after).toMatchObject({ state: 'closed', parked: 0 });
    expect(await store.park(parked(phoneNumber, PRIMARY, NOW, 'after-resume'))).toBe(false);
  });
});

/** An open breaker with copies parked at NOW + each offset, named by it. */
async function lineOf(phoneNumber: string, destination: DestinationRef, offsets: number[]): Promise<void> {
  await openBreaker(phoneNumber, destination);
  for (const offset of offsets) expect(await store.park(parked(phoneNumber, destination, NOW + offset, `n${offset}`))).toBe(true);
}

const ids = async (phoneNumber: string, destination: DestinationRef) =>
  (await store.oldestParked(phoneNumber, destination, 10)).map((item) => item.id);

describe('a copy parked for an earlier webhook of the name', () => {
  it('is deleted without touching the count of the breaker it was never in', async () => {
    const phone = freshPhoneNumber();
    await lineOf(phone, cloneRef('crm'), [1, 2]);
    const [old] = await store.oldestParked(phone, cloneRef('crm'), 1);
    await store.discard(old!);
    expect(await ids(phone, cloneRef('crm'))).toEqual(['n2']);
    expect((await store.read(phone, cloneRef('crm'))).parked).toBe(2);
  });
});

describe('copies of one destination parked together', () => {
  it('parks them in one transaction with their count, each at its place by arrival', async () => {
    const phone = freshPhoneNumber();
    await openBreaker(phone, PRIMARY);
    const client = createDynamoClient({ endpoint: table.endpoint, region: 'us-east-1' });
    const writes = injectFault(client, { command: 'TransactWriteItemsCommand', times: 0, error: transactionConflict });
    const together = new DynamoHealthStore(client, table.tableName);
    const group = [parked(phone, PRIMARY, NOW + 2, 'c'), parked(phone, PRIMARY, NOW, 'a'), parked(phone, PRIMARY, NOW + 1, 'b')];
    expect(await together.parkAll(group)).toEqual([true, true, true]);
    expect(writes.calls).toBe(1);
    expect(await ids(phone, PRIMARY)).toEqual(['a', 'b', 'c']);
    expect((await store.read(phone, PRIMARY)).parked).toBe(3);
  });

  it('parks none behind a closed breaker', async () => {
    const phone = freshPhoneNumber();
    expect(await store.parkAll([parked(phone, PRIMARY, NOW, 'a'), parked(phone, PRIMARY, NOW + 1, 'b')])).toEqual([false, false]);
    expect(await ids(phone, PRIMARY)).toEqual([]);
  });

  it('counts a copy parked already once: the group is parked copy by copy', async () => {
    const phone = freshPhoneNumber();
    await openBreaker(phone, PRIMARY);
    expect(await store.park(parked(phone, PRIMARY, NOW + 1, 'b'))).toBe(true);
    expect(await store.parkAll([parked(phone, PRIMARY, NOW, 'a'), parked(phone, PRIMARY, NOW + 1, 'b')])).toEqual([true, true]);
    expect(await ids(phone, PRIMARY)).toEqual(['a', 'b']);
    expect((await store.read(phone, PRIMARY)).parked).toBe(2);
  });

  it('parks a group with a copy older than the given-up head copy by copy, the late one right after the head', async () => {
    const phone = freshPhoneNumber();
    await lineOf(phone, PRIMARY, [1, 2]);
    expect(await store.leaveToExpire((await store.oldestParked(phone, PRIMARY, 1)).slice(0, 1))).toBe(true);
    expect(await store.parkAll([parked(phone, PRIMARY, NOW - 5, 'late'), parked(phone, PRIMARY, NOW + 9, 'new')])).toEqual([true, true]);
    expect(await ids(phone, PRIMARY)).toEqual(['late', 'n2', 'new']);
    expect((await store.read(phone, PRIMARY)).parked).toBe(3);
  });
});

describe('a given-up head of parked copies', () => {
  it('leaves the line in one write: never handed back, counted out, and still stored until its TTL', async () => {
    const phone = freshPhoneNumber();
    await lineOf(phone, PRIMARY, [1, 2, 3]);
    const head = (await store.oldestParked(phone, PRIMARY, 2)).slice(0, 2);
    expect(await store.leaveToExpire(head)).toBe(true);

    expect(await ids(phone, PRIMARY)).toEqual(['n3']);
    expect((await store.read(phone, PRIMARY)).parked).toBe(1);
    const { Item } = await table.db.send(
      new GetCommand({ TableName: table.tableName, Key: { pk: parkedPartition(phone), sk: parkedSortKey('', NOW + 1, 'n1') } }),
    );
    expect(Item?.[tableDefinition.timeToLiveAttribute]).toBeGreaterThan((NOW + 3600_000) / 1000);
  });

  it('takes a head out only once: a second step with the same read changes nothing', async () => {
    const phone = freshPhoneNumber();
    await lineOf(phone, PRIMARY, [1, 2]);
    const read = await store.oldestParked(phone, PRIMARY, 10);
    expect(await store.leaveToExpire(read.slice(0, 1))).toBe(true);
    expect(await store.leaveToExpire(read.slice(0, 1))).toBe(false);
    expect(await ids(phone, PRIMARY)).toEqual(['n2']);
    expect((await store.read(phone, PRIMARY)).parked).toBe(1);
  });

  it('parks a copy that arrived before the given-up head right after it, first in line, where it is counted and unparked', async () => {
    const phone = freshPhoneNumber();
    const crm = cloneRef('crm');
    await lineOf(phone, crm, [1, 2, 3]);
    expect(await store.leaveToExpire((await store.oldestParked(phone, crm, 2)).slice(0, 2))).toBe(true);
    // A clone whose window started long after its notification arrived.
    for (const [at, id] of [
      [NOW - 5, 'late-b'],
      [NOW - 9, 'late-a'],
    ] as const)
      expect(await store.park(parked(phone, crm, at, id))).toBe(true);
    expect(await store.park(parked(phone, crm, NOW - 9, 'late-a'))).toBe(true); // a duplicate receive

    const line = await store.oldestParked(phone, crm, 10);
    expect(line.map((item) => item.id)).toEqual(['late-a', 'late-b', 'n3']);
    expect((await store.read(phone, crm)).parked).toBe(3);
    await store.countAttempt(line[0]!);
    expect((await store.oldestParked(phone, crm, 1))[0]?.attempt).toBe(3);
    await store.unpark(line[0]!);
    expect(await ids(phone, crm)).toEqual(['late-b', 'n3']);
    expect((await store.read(phone, crm)).parked).toBe(2);
  });

  it('refuses to take out a head that a late copy joined in front of since the read, so the late copy is never hidden', async () => {
    const phone = freshPhoneNumber();
    await lineOf(phone, PRIMARY, [1, 2, 3]);
    expect(await store.leaveToExpire((await store.oldestParked(phone, PRIMARY, 1)).slice(0, 1))).toBe(true);
    const read = await store.oldestParked(phone, PRIMARY, 10);
    expect(await store.park(parked(phone, PRIMARY, NOW - 1, 'late'))).toBe(true);

    expect(await store.leaveToExpire(read.slice(0, 1))).toBe(false);
    expect(await ids(phone, PRIMARY)).toEqual(['late', 'n2', 'n3']);
    expect((await store.read(phone, PRIMARY)).parked).toBe(3);
  });

  it('still refuses a copy once the breaker closed, given-up head or not', async () => {
    const phone = freshPhoneNumber();
    await lineOf(phone, PRIMARY, [1]);
    expect(await store.leaveToExpire(await store.oldestParked(phone, PRIMARY, 1))).toBe(true);
    await store.change(phone, PRIMARY, (current) => ({ ...current, state: 'closed' }));
    expect(await store.park(parked(phone, PRIMARY, NOW - 1, 'late'))).toBe(false);
    expect(await store.park(parked(phone, PRIMARY, NOW + 5, 'new'))).toBe(false);
    expect(await ids(phone, PRIMARY)).toEqual([]);
  });
});

function transactionConflict(): Error {
  return new TransactionCanceledException({
    message:
      'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict, None] (injected by the test)',
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
  });
}
