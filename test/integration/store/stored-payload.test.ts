// Payloads as the parked items and the delivery log's kept notifications store them on DynamoDB Local:
// compressed when that is smaller, byte-exact on the way back, a 3 KB body's items in 1 KB each, and
// items written before (plain strings, long attribute names) still read.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { afterFailure, BREAKER_FAILURE_THRESHOLD, HEALTHY } from '../../../shared/domain/destination-health.js';
import { PRIMARY } from '../../../shared/domain/destination.js';
import type { ParkedNotification } from '../../../shared/domain/parking.js';
import { DynamoDeliveryLog } from '../../../shared/store/delivery-log-store.js';
import { DynamoHealthStore } from '../../../shared/store/health-store.js';
import { deliveriesPartition, deliveryNotificationSortKey, parkedPartition, parkedSortKey } from '../../../shared/store/item-keys.js';
import { itemBytes } from '../../../bench/lib/item-bytes.js';
import { statusesBody } from '../../../bench/lib/stored-sizes.js';
import { freshPhoneNumber, freshTable } from '../../helpers/dynamo.js';
import { EMOJI_TEXT, messageChange, metaBody, RTL_TEXT } from '../../helpers/whatsapp-samples.js';

const NOW = 1_800_000_000_000;
const SIGNATURE = `sha256=${'ab'.repeat(32)}`;
let table: Awaited<ReturnType<typeof freshTable>>;
let health: DynamoHealthStore;
let log: DynamoDeliveryLog;

beforeAll(async () => {
  table = await freshTable();
  health = new DynamoHealthStore(table.db, table.tableName);
  log = new DynamoDeliveryLog(table.db, table.tableName, 30 * 24 * 3600);
});

const text = (phone: string, body: string) => messageChange(phone, { type: 'text', text: { body } });

/** Bodies in the forms Meta sends: ASCII, UTF-8 as it is (emoji, right-to-left), and non-ASCII escaped as \uXXXX. */
function bodies(phone: string): Record<string, string> {
  return {
    ascii: metaBody([{ wabaId: '1', changes: [text(phone, 'Hello, is the shop open today?')] }]).toString(),
    'emoji and right-to-left text': metaBody([{ wabaId: '1', changes: [text(phone, `${EMOJI_TEXT} ${RTL_TEXT}`)] }], 'literal').toString(),
    'escaped \\uXXXX': metaBody([{ wabaId: '1', changes: [text(phone, `${EMOJI_TEXT} ${RTL_TEXT}`)] }], 'escaped').toString(),
  };
}

async function parkBehindOpenBreaker(phoneNumber: string, id: string, payload: string): Promise<ParkedNotification> {
  for (let i = 0; i < BREAKER_FAILURE_THRESHOLD; i++)
    await health.change(phoneNumber, PRIMARY, (current) =>
      afterFailure(current ?? HEALTHY, { status: 503, latencyMs: 4 }, NOW, { baseSeconds: 5, maxAgeSeconds: 3600 }, 0.5),
    );
  const parked: ParkedNotification = {
    phoneNumber,
    destination: PRIMARY,
    id,
    receivedAt: NOW,
    signature: SIGNATURE,
    payload,
    attempt: 1,
    windowStart: NOW,
    deadline: NOW + 3600_000,
  };
  expect(await health.park(parked)).toBe(true);
  return parked;
}

async function rawItem(pk: string, sk: string) {
  const { Item } = await table.db.send(new GetCommand({ TableName: table.tableName, Key: { pk, sk } }));
  return Item!;
}

describe('stored payloads', () => {
  for (const form of ['ascii', 'emoji and right-to-left text', 'escaped \\uXXXX']) {
    it(`hands a parked ${form} body back byte for byte`, async () => {
      const phone = freshPhoneNumber();
      const payload = bodies(phone)[form]!;
      const parked = await parkBehindOpenBreaker(phone, 'n1', payload);
      const [back] = await health.oldestParked(phone, PRIMARY, 10);
      expect(back).toEqual(parked);
      expect(Buffer.from(back!.payload!, 'utf8').equals(Buffer.from(payload, 'utf8'))).toBe(true);
    });

    it(`hands a kept ${form} body back byte for byte for a replay`, async () => {
      const phone = freshPhoneNumber();
      const notification = { phoneNumber: phone, id: 'n1', receivedAt: NOW, signature: SIGNATURE, payload: bodies(phone)[form]! };
      await log.record(
        { phoneNumber: phone, notificationId: 'n1', receivedAt: NOW, destination: PRIMARY, status: 'parked', attempts: 0, at: NOW },
        notification,
      );
      expect((await log.find(phone, 'n1'))?.notification).toEqual(notification);
    });
  }

  it('stores a body of several statuses compressed, in far fewer bytes than the body', async () => {
    const phone = freshPhoneNumber();
    const payload = statusesBody(3000);
    await parkBehindOpenBreaker(phone, 'n1', payload);
    await log.record(
      { phoneNumber: phone, notificationId: 'n1', receivedAt: NOW, destination: PRIMARY, status: 'parked', attempts: 0, at: NOW },
      { phoneNumber: phone, id: 'n1', receivedAt: NOW, payload },
    );
    const bytes = Buffer.byteLength(payload);
    expect(bytes).toBeGreaterThan(2500);
    for (const item of [
      await rawItem(parkedPartition(phone), parkedSortKey('', NOW, 'n1')),
      await rawItem(deliveriesPartition(phone), deliveryNotificationSortKey('n1')),
    ]) {
      expect(item.p).toBeInstanceOf(Uint8Array);
      expect((item.p as Uint8Array).length).toBeLessThan(bytes / 3);
    }
  });

  it('keeps a payload that compressing would not shrink as its plain string', async () => {
    const phone = freshPhoneNumber();
    await parkBehindOpenBreaker(phone, 'n1', '{}');
    expect((await rawItem(parkedPartition(phone), parkedSortKey('', NOW, 'n1'))).p).toBe('{}');
  });

  it('reads items written before payloads were compressed, with the payload as a plain string', async () => {
    const phone = freshPhoneNumber();
    const payload = statusesBody(3000);
    const parked = await parkBehindOpenBreaker(phone, 'n1', '{}');
    // The parked item as it was written then, over the one just parked (so the breaker counts it).
    const { destination: _primary, ...fields } = parked;
    await put({ pk: parkedPartition(phone), sk: parkedSortKey('', NOW, 'n1'), ...fields, payload, expiresAt: NOW / 1000 + 3600 });
    const kept = { phoneNumber: phone, id: 'n1', receivedAt: NOW, payload };
    await put({ pk: deliveriesPartition(phone), sk: deliveryNotificationSortKey('n1'), ...kept, expiresAt: NOW / 1000 + 3600 });

    const [back] = await health.oldestParked(phone, PRIMARY, 10);
    expect(back).toEqual({ ...parked, payload });
    expect((await log.find(phone, 'n1'))?.notification).toEqual(kept);
    // A failed probe counts its attempt on it.
    await health.countAttempt(back!);
    expect((await health.oldestParked(phone, PRIMARY, 10))[0]?.attempt).toBe(parked.attempt + 1);
  });

  it('stores a parked 3 KB notification of statuses, with its signature, in one KB and its kept copy too', async () => {
    const phone = freshPhoneNumber();
    const payload = statusesBody(3000);
    const id = 'f'.repeat(32);
    await parkBehindOpenBreaker(phone, id, payload);
    await log.record(
      { phoneNumber: phone, notificationId: id, receivedAt: NOW, destination: PRIMARY, status: 'parked', attempts: 0, at: NOW },
      { phoneNumber: phone, id, receivedAt: NOW, signature: SIGNATURE, payload },
    );
    expect(Buffer.byteLength(payload)).toBeGreaterThanOrEqual(3000);
    expect(itemBytes(await rawItem(parkedPartition(phone), parkedSortKey('', NOW, id)))).toBeLessThanOrEqual(1024);
    expect(itemBytes(await rawItem(deliveriesPartition(phone), deliveryNotificationSortKey(id)))).toBeLessThanOrEqual(1024);
  });
});

async function put(item: Record<string, unknown>): Promise<void> {
  await table.db.send(new PutCommand({ TableName: table.tableName, Item: item }));
}
