import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { create as createAuthorizer } from '../../../functions/authorizer.js';
import { lambdaContext } from '../../../infra/local/lambda-events.js';
import { parseConfig } from '../../../shared/config.js';
import { createServices } from '../../../shared/services.js';
import { hashApiKey } from '../../../shared/domain/api-key.js';
import { NotFound } from '../../../shared/domain/errors.js';
import { DynamoApiKeyStore } from '../../../shared/store/api-key-store.js';
import { freshPhoneNumber, freshTable } from '../../helpers/dynamo.js';

let store: DynamoApiKeyStore;
let table: Awaited<ReturnType<typeof freshTable>>;

beforeAll(async () => {
  table = await freshTable();
  store = new DynamoApiKeyStore(table.db, table.tableName);
});

describe('DynamoApiKeyStore', () => {
  it('resolves a created key to its phone number and an unknown key to nothing', async () => {
    const phone = freshPhoneNumber();
    const { key } = await store.create(phone);
    expect(await store.resolve(key)).toBe(phone);
    expect(await store.resolve(`${key}x`)).toBeUndefined();
  });

  it('stores only the hash of a key, never the key', async () => {
    const { key } = await store.create(freshPhoneNumber());
    const { Items = [] } = await table.db.send(new ScanCommand({ TableName: table.tableName }));
    const everything = JSON.stringify(Items);
    expect(everything).not.toContain(key);
    expect(everything).toContain(hashApiKey(key));
  });

  it('lists the keys of a number by id and revokes one so it no longer resolves', async () => {
    const phone = freshPhoneNumber();
    const first = await store.create(phone);
    const second = await store.create(phone);
    expect((await store.list(phone)).map((k) => k.keyId).sort()).toEqual([first.keyId, second.keyId].sort());
    await store.revoke(phone, first.keyId);
    expect(await store.resolve(first.key)).toBeUndefined();
    expect(await store.resolve(second.key)).toBe(phone);
    expect((await store.list(phone)).map((k) => k.keyId)).toEqual([second.keyId]);
  });

  it("cannot revoke another number's key", async () => {
    const owner = freshPhoneNumber();
    const { key, keyId } = await store.create(owner);
    await expect(store.revoke(freshPhoneNumber(), keyId)).rejects.toThrow(NotFound);
    expect(await store.resolve(key)).toBe(owner);
  });

  it('keeps key items out of the phone configuration partition listing of webhooks', async () => {
    const phone = freshPhoneNumber();
    await store.create(phone);
    const { Items = [] } = await table.db.send(
      new QueryCommand({ TableName: table.tableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': phone } }),
    );
    expect(Items.every((item) => String(item.sk).startsWith('\u0000'))).toBe(true);
  });
});

describe('authorizer', () => {
  it('always authorizes and passes the phone number, empty for an unknown or missing key', async () => {
    const authorizer = createAuthorizer(createServices(parseConfig({ TABLE_NAME: table.tableName, DYNAMODB_ENDPOINT: table.endpoint })));
    const authorize = (event: never) => authorizer(event, lambdaContext('authorizer'));
    const phone = freshPhoneNumber();
    const { key } = await store.create(phone);
    const event = (headers: Record<string, string>) => ({ headers, routeKey: 'GET /multi_webhook' }) as never;
    expect(await authorize(event({ 'd360-api-key': key }))).toEqual({ isAuthorized: true, context: { phoneNumber: phone } });
    expect(await authorize(event({ 'd360-api-key': 'nope' }))).toEqual({ isAuthorized: true, context: { phoneNumber: '' } });
    expect(await authorize(event({}))).toEqual({ isAuthorized: true, context: { phoneNumber: '' } });
  });
});
