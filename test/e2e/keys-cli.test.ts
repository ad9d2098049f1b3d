import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../infra/local/free-port.js';
import { localStackFile, PROJECT_ROOT, type LocalStackTarget } from '../../infra/local/state-file.js';
import { DynamoApiKeyStore } from '../../shared/store/api-key-store.js';
import { freshPhoneNumber, freshTable } from '../helpers/dynamo.js';

const CLI = resolve(PROJECT_ROOT, 'bin', 'multi-webhook.js');
let table: Awaited<ReturnType<typeof freshTable>>;

/** The CLI as a user runs it; no TABLE_NAME or DYNAMODB_ENDPOINT unless `env` gives them. */
function cli(args: string[], options: { env?: Record<string, string>; cwd?: string } = {}) {
  const { TABLE_NAME, DYNAMODB_ENDPOINT, LOCAL_STATE_DIR, ...inherited } = process.env;
  const result = spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    cwd: options.cwd ?? PROJECT_ROOT,
    env: { ...inherited, ...options.env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const againstTable = (...args: string[]) => cli(args, { env: { TABLE_NAME: table.tableName, DYNAMODB_ENDPOINT: table.endpoint } });

beforeAll(async () => {
  table = await freshTable();
});

describe('multi-webhook keys', () => {
  it('creates a key that resolves to the number and prints it alone on stdout', () => {
    const phone = freshPhoneNumber();
    const created = againstTable('keys', 'create', '--phone', phone);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^mwk_[A-Za-z0-9_-]{43}\n$/);
    return expect(new DynamoApiKeyStore(table.db, table.tableName).resolve(created.stdout.trim())).resolves.toBe(phone);
  });

  it('lists and revokes by key id', () => {
    const phone = freshPhoneNumber();
    againstTable('keys', 'create', '--phone', phone);
    const [keyId] = againstTable('keys', 'list', '--phone', phone).stdout.trim().split('\t');
    expect(keyId).toMatch(/^[0-9a-f]{12}$/);
    expect(againstTable('keys', 'revoke', '--phone', phone, '--id', keyId!).code).toBe(0);
    expect(againstTable('keys', 'list', '--phone', phone).stdout).toBe('');
  });

  it('refuses a phone number that is not digits, with a sentence on stderr', () => {
    const result = againstTable('keys', 'create', '--phone', '+49 170');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/digits/);
    expect(result.stdout).toBe('');
  });

  it('names an unknown option and prints the usage, with exit code 2', () => {
    const result = againstTable('keys', 'create', '--phon', '15550001111');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Unknown option '--phon'/);
    expect(result.stderr).toContain('Usage:\n  multi-webhook keys create --phone <digits>');
    expect(result.stdout).toBe('');
  });

  it('names an unknown command and prints the usage, with exit code 2', () => {
    const result = againstTable('keys', 'rotate', '--phone', '15550001111');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^Unknown keys command "rotate"\.\n\nUsage:/);
  });

  it('says that nothing answers at an explicit DYNAMODB_ENDPOINT instead of a connection error', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const result = cli(['keys', 'list', '--phone', '15550001111'], { env: { TABLE_NAME: 'any', DYNAMODB_ENDPOINT: endpoint } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `Nothing answers at DYNAMODB_ENDPOINT=${endpoint}: start that DynamoDB, or unset DYNAMODB_ENDPOINT to use AWS.\n`,
    );
  });
});

describe('multi-webhook keys against the local stack', () => {
  // A state directory of the test's own, named relative to the project root as LOCAL_STATE_DIR may be.
  const relativeStateDir = join('.local-state', `keys-cli-test-${randomUUID()}`);
  const stateDir = resolve(PROJECT_ROOT, relativeStateDir);
  const elsewhere = mkdtempSync(join(tmpdir(), 'keys-cli-cwd-'));
  const writeState = (target: Partial<LocalStackTarget>) => writeFileSync(localStackFile(stateDir), JSON.stringify(target));
  const local = (args: string[], cwd: string) => cli(args, { cwd, env: { LOCAL_STATE_DIR: relativeStateDir } });

  beforeAll(() => mkdirSync(stateDir, { recursive: true }));
  afterAll(() => {
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });

  it.for([
    ['a subfolder of the project', 'test/e2e'],
    ['a folder outside the project', 'elsewhere'],
  ])('finds the running stack from %s', ([, folder]) => {
    // This test process stands in for `npm start`: alive, and its DynamoDB answers.
    writeState({ pid: process.pid, apiUrl: 'http://127.0.0.1:1', dynamodbEndpoint: table.endpoint, tableName: table.tableName });
    const phone = freshPhoneNumber();
    const cwd = folder === 'elsewhere' ? elsewhere : resolve(PROJECT_ROOT, folder!);

    const created = local(['keys', 'create', '--phone', phone], cwd);

    expect(created.stderr).toMatch(/^Created key/);
    return expect(new DynamoApiKeyStore(table.db, table.tableName).resolve(created.stdout.trim())).resolves.toBe(phone);
  });

  it('says no local stack is running when the state file is left by a process that has ended', () => {
    const ended = spawnSync(process.execPath, ['-e', '0']).pid;
    writeState({ pid: ended, apiUrl: 'http://127.0.0.1:1', dynamodbEndpoint: table.endpoint, tableName: table.tableName });

    const result = local(['keys', 'list', '--phone', '15550001111'], elsewhere);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^No local stack is running: .*local-stack\.json is left from one that did not stop cleanly \(its process \d+ has ended\)\. Start it with `npm start`/,
    );
    expect(result.stderr).not.toMatch(/ECONNREFUSED/);
  });

  it('says no local stack is running when the process lives but its DynamoDB does not answer', async () => {
    writeState({
      pid: process.pid,
      apiUrl: 'http://127.0.0.1:1',
      dynamodbEndpoint: `http://127.0.0.1:${await freePort()}`,
      tableName: 'gone',
    });

    const result = local(['keys', 'list', '--phone', '15550001111'], elsewhere);

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^No local stack is running: .*\(nothing answers at its DynamoDB endpoint http:\/\/127\.0\.0\.1:\d+\)/);
  });

  it('says no local stack is running when there is no state file', () => {
    rmSync(localStackFile(stateDir), { force: true });

    const result = local(['keys', 'list', '--phone', '15550001111'], elsewhere);

    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `No local stack is running (there is no ${localStackFile(stateDir)}). Start it with \`npm start\`, or pass --stack <name> for a deployed stack.\n`,
    );
  });
});
