import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { Conflict, NotFound } from '../../../shared/domain/errors.js';
import { createDynamoClient } from '../../../shared/aws/clients.js';
import type { Destination } from '../../../shared/domain/webhook.js';
import { DynamoWebhookStore } from '../../../shared/store/webhook-store.js';
import { freshPhoneNumber, freshTable } from '../../helpers/dynamo.js';

/** What was configured, without the time the store adds. */
const withoutAddedAt = ({ addedAt: _addedAt, ...destination }: Destination) => destination;
const hook = (name: string, url = `https://${name.toLowerCase()}.example.com/hook`) => ({ name, url, headers: {} });

let store: DynamoWebhookStore;
let table: Awaited<ReturnType<typeof freshTable>>;

beforeAll(async () => {
  table = await freshTable();
  store = new DynamoWebhookStore(table.db, table.tableName);
});

async function enabledNumber(...names: string[]): Promise<string> {
  const phone = freshPhoneNumber();
  await store.setEnabled(phone, true);
  if (names.length > 0)
    await store.append(
      phone,
      names.map((name) => hook(name)),
    );
  return phone;
}

describe('DynamoWebhookStore', () => {
  it('reads a number that was never configured as disabled with no destinations', async () => {
    expect(await store.readPhoneConfig(freshPhoneNumber())).toEqual({ primary: undefined, enabled: false, destinations: [] });
  });

  it('stores the primary webhook beside the multi-webhook settings', async () => {
    const phone = await enabledNumber('a');
    await store.setPrimary(phone, { url: 'https://primary.example.com', headers: { 'X-Key': 'v' } });
    const stored = await store.readPhoneConfig(phone);
    expect(stored.primary).toEqual({ url: 'https://primary.example.com', headers: { 'X-Key': 'v' } });
    expect(stored.destinations.map((d) => d.name)).toEqual(['a']);
  });

  it('keeps names that differ only in case as separate webhooks, in the order they were added', async () => {
    const phone = await enabledNumber('hook', 'HOOK', 'Hook');
    expect((await store.readPhoneConfig(phone)).destinations.map((d) => d.name)).toEqual(['hook', 'HOOK', 'Hook']);
  });

  it('tells when each clone was added, so a clone added again under its name is a new webhook', async () => {
    const before = Date.now();
    const phone = await enabledNumber('a');
    const [first] = (await store.readPhoneConfig(phone)).destinations;
    expect(first?.addedAt).toBeGreaterThanOrEqual(before - 1000);
    await store.remove(phone, 'a');
    await new Promise((resolve) => setTimeout(resolve, 5));
    await store.append(phone, [hook('a')]);
    const [again] = (await store.readPhoneConfig(phone)).destinations;
    expect(again?.addedAt).toBeGreaterThan(first!.addedAt!);
  });

  it('refuses a fourth webhook and stores nothing', async () => {
    const phone = await enabledNumber('a', 'b', 'c');
    await expect(store.append(phone, [hook('d')])).rejects.toThrow(Conflict);
    expect((await store.readPhoneConfig(phone)).destinations).toHaveLength(3);
  });

  it('adds none of a batch that would exceed the cap', async () => {
    const phone = await enabledNumber('a', 'b');
    await expect(store.append(phone, [hook('c'), hook('d')])).rejects.toThrow(/at most 3/);
    expect((await store.readPhoneConfig(phone)).destinations.map((d) => d.name)).toEqual(['a', 'b']);
  });

  it('refuses a duplicate exact-case name and adds none of its batch', async () => {
    const phone = await enabledNumber('a');
    await expect(store.append(phone, [hook('b'), hook('a')])).rejects.toThrow(/named "a" already exists/);
    expect((await store.readPhoneConfig(phone)).destinations.map((d) => d.name)).toEqual(['a']);
  });

  it('refuses appends while multiple webhooks are not enabled', async () => {
    const phone = freshPhoneNumber();
    await expect(store.append(phone, [hook('a')])).rejects.toThrow(/not enabled/);
    await store.setEnabled(phone, false);
    await expect(store.append(phone, [hook('a')])).rejects.toThrow(/not enabled/);
  });

  it('enables with initial destinations only from the disabled state', async () => {
    const phone = freshPhoneNumber();
    await store.setEnabled(phone, true, [hook('a')]);
    await expect(store.setEnabled(phone, true, [hook('b')])).rejects.toThrow(/already enabled/);
    expect(await store.readPhoneConfig(phone)).toMatchObject({ enabled: true, destinations: [{ name: 'a' }] });
  });

  it('keeps destinations when disabled and counts them when enabling again', async () => {
    const phone = await enabledNumber('a', 'b');
    await store.setEnabled(phone, false);
    expect(await store.readPhoneConfig(phone)).toMatchObject({ enabled: false, destinations: [{ name: 'a' }, { name: 'b' }] });
    await expect(store.setEnabled(phone, true, [hook('c'), hook('d')])).rejects.toThrow(/at most 3/);
    await store.setEnabled(phone, true, [hook('c')]);
    expect((await store.readPhoneConfig(phone)).destinations).toHaveLength(3);
  });

  it('updates url and headers of the exact name only', async () => {
    const phone = await enabledNumber('hook', 'HOOK');
    await store.update(phone, 'HOOK', { url: 'https://new.example.com' });
    await store.update(phone, 'HOOK', { headers: { Authorization: 'Bearer x' } });
    const { destinations } = await store.readPhoneConfig(phone);
    expect(destinations.map(withoutAddedAt)).toEqual([
      hook('hook'),
      { name: 'HOOK', url: 'https://new.example.com', headers: { Authorization: 'Bearer x' } },
    ]);
  });

  it('answers NotFound for an update or delete with the wrong case', async () => {
    const phone = await enabledNumber('Hook');
    await expect(store.update(phone, 'hook', { url: 'https://x.example.com' })).rejects.toThrow(NotFound);
    await expect(store.remove(phone, 'HOOK')).rejects.toThrow(NotFound);
    expect((await store.readPhoneConfig(phone)).destinations.map(withoutAddedAt)).toEqual([hook('Hook')]);
  });

  it('refuses an update while not enabled', async () => {
    const phone = await enabledNumber('a');
    await store.setEnabled(phone, false);
    await expect(store.update(phone, 'a', { url: 'https://x.example.com' })).rejects.toThrow(/not enabled/);
  });

  it('frees a slot when a webhook is deleted', async () => {
    const phone = await enabledNumber('a', 'b', 'c');
    await store.remove(phone, 'b');
    await store.append(phone, [hook('d')]);
    expect((await store.readPhoneConfig(phone)).destinations.map((d) => d.name)).toEqual(['a', 'c', 'd']);
  });

  it('lets exactly three of thirty concurrent appends win', async () => {
    const phone = await enabledNumber();
    const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => store.append(phone, [hook(`race-${i}`)])));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(Conflict);
    expect((await store.readPhoneConfig(phone)).destinations).toHaveLength(3);
  });

  it('answers a transaction cancelled by a concurrent one with a retryable conflict, and stores nothing', async () => {
    const phone = await enabledNumber();
    // DynamoDB Local never reports TransactionConflict; real DynamoDB does under concurrent writes.
    const conflicted = createDynamoClient({ endpoint: table.endpoint, region: 'us-east-1' });
    conflicted.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName !== 'TransactWriteItemsCommand') return next(args);
        throw new TransactionCanceledException({
          message: 'Transaction cancelled',
          $metadata: {},
          CancellationReasons: [{ Code: 'TransactionConflict' }, { Code: 'None' }],
        });
      },
      { step: 'initialize', name: 'injectTransactionConflict' },
    );
    const racing = new DynamoWebhookStore(conflicted, table.tableName);
    await expect(racing.append(phone, [hook('a')])).rejects.toThrow(/in progress; send the request again/);
    await expect(racing.append(phone, [hook('a')])).rejects.toBeInstanceOf(Conflict);
    expect((await store.readPhoneConfig(phone)).destinations).toEqual([]);
  });
});
