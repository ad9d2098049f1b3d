import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoApiKeyStore } from '../../shared/store/api-key-store.js';
import { freshPhoneNumber, freshTable } from '../helpers/dynamo.js';

let table: Awaited<ReturnType<typeof freshTable>>;

function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['bin/multi-webhook.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, TABLE_NAME: table.tableName, DYNAMODB_ENDPOINT: table.endpoint },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(async () => {
  table = await freshTable();
});

describe('multi-webhook keys', () => {
  it('creates a key that resolves to the number and prints it alone on stdout', () => {
    const phone = freshPhoneNumber();
    const created = cli('keys', 'create', '--phone', phone);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^mwk_[A-Za-z0-9_-]{43}\n$/);
    return expect(new DynamoApiKeyStore(table.db, table.tableName).resolve(created.stdout.trim())).resolves.toBe(phone);
  });

  it('lists and revokes by key id', () => {
    const phone = freshPhoneNumber();
    cli('keys', 'create', '--phone', phone);
    const [keyId] = cli('keys', 'list', '--phone', phone).stdout.trim().split('\t');
    expect(keyId).toMatch(/^[0-9a-f]{12}$/);
    expect(cli('keys', 'revoke', '--phone', phone, '--id', keyId!).code).toBe(0);
    expect(cli('keys', 'list', '--phone', phone).stdout).toBe('');
  });

  it('refuses a phone number that is not digits, with a sentence on stderr', () => {
    const result = cli('keys', 'create', '--phone', '+49 170');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/digits/);
    expect(result.stdout).toBe('');
  });
});
