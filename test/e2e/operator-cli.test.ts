// `npx multi-webhook dlq list|redrive` and `smoke` as an operator runs them against the local stack.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateOf } from '../../infra/local/local-stack.js';
import { PROJECT_ROOT, writeLocalStackFile } from '../../infra/local/state-file.js';
import { encodeMessage } from '../../shared/queue/message-codec.js';
import { configureNumber } from '../helpers/delivery-world.js';
import { freshPhoneNumber } from '../helpers/dynamo.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { startSink, type Sink } from '../helpers/sink-server.js';

const CLI = resolve(PROJECT_ROOT, 'bin', 'multi-webhook.js');
const relativeStateDir = join('.local-state', `operator-cli-test-${randomUUID()}`);
const stateDir = resolve(PROJECT_ROOT, relativeStateDir);
const EIGHT_DAYS_MS = 8 * 24 * 60 * 60 * 1000;

let stack: TestStack;
let sink: Sink;

/** The CLI in a child process, asynchronously: the stack it talks to runs in this process. */
function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const { TABLE_NAME, DYNAMODB_ENDPOINT, LOCAL_STATE_DIR, ...inherited } = process.env;
  const child = spawn(process.execPath, [CLI, ...args], { cwd: PROJECT_ROOT, env: { ...inherited, LOCAL_STATE_DIR: relativeStateDir } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

beforeAll(async () => {
  [stack, sink] = await Promise.all([startTestStack({ numbers: 0 }), startSink()]);
  mkdirSync(stateDir, { recursive: true });
  // This test process stands in for `npm start`: alive, and its emulators answer.
  writeLocalStackFile(stateDir, stateOf(stack, process.pid));
});
afterAll(async () => {
  rmSync(stateDir, { recursive: true, force: true });
  await Promise.all([stack?.stop(), sink?.close()]);
});

describe('multi-webhook dlq', () => {
  let primaryOwner: string;
  let cloneOwner: string;

  beforeAll(async () => {
    primaryOwner = (await configureNumber(stack, sink, [])).phoneNumber;
    cloneOwner = freshPhoneNumber();
    const queue = stack.services.deliveryQueue;
    const longAgo = Date.now() - EIGHT_DAYS_MS;
    await queue.deadLetter(
      'notifications',
      encodeMessage({ phoneNumber: primaryOwner, id: 'dead-primary', payload: '{"dead":"primary"}', receivedAt: longAgo }),
      'primary still failing after 20 attempts over 604800 s (HTTP 503)',
      primaryOwner,
    );
    await queue.deadLetter(
      'retries',
      encodeMessage({
        kind: 'clone',
        phoneNumber: cloneOwner,
        id: 'dead-clone',
        payload: '{"dead":"clone"}',
        receivedAt: longAgo,
        destination: 'crm',
        firstFailedAt: longAgo,
        attempt: 20,
      }),
      'crm still failing after 20 attempts over 604800 s (HTTP 500)',
      cloneOwner,
    );
    await queue.deadLetter('notifications', 'not json at all', 'malformed: body is not JSON');
  });

  it('lists every dead letter with its queue, masked number, id, destination, age and reason, and leaves them in place', async () => {
    const first = await cli('dlq', 'list');
    expect(first.code).toBe(0);
    const lines = first.stdout.trim().split('\n').sort();
    expect(lines).toHaveLength(3);
    const [queue, phone, id, destination, age, reason] = lines.find((line) => line.includes('dead-primary'))!.split('\t');
    expect([queue, phone, id, destination, reason]).toEqual([
      'notifications',
      `${'*'.repeat(primaryOwner.length - 4)}${primaryOwner.slice(-4)}`,
      'dead-primary',
      'primary',
      'primary still failing after 20 attempts over 604800 s (HTTP 503)',
    ]);
    expect(age).toMatch(/^\d+s$/);
    expect(lines.find((line) => line.startsWith('retries'))).toMatch(/\tdead-clone\tcrm\t\d+s\tcrm still failing/);
    expect(lines.find((line) => line.includes('malformed'))).toMatch(
      /^notifications\t-\t-\t-\t\d+s\tmalformed: body is not JSON; cannot be redriven/,
    );
    expect(first.stdout).not.toContain(primaryOwner);
    expect(first.stderr).toBe('3 of 3 dead-lettered message(s) matched; nothing was changed.\n');

    expect((await cli('dlq', 'list')).stdout.trim().split('\n')).toHaveLength(3);
  });

  it('filters by number and prints JSON with the full number when asked', async () => {
    const listed = await cli('dlq', 'list', '--phone', cloneOwner, '--json', '--full');
    const [line, ...more] = listed.stdout.trim().split('\n');
    expect(more).toEqual([]);
    expect(JSON.parse(line!)).toMatchObject({
      queue: 'retries',
      phoneNumber: cloneOwner,
      notificationId: 'dead-clone',
      destination: 'crm',
      redrivable: true,
    });
  });

  it('moves nothing on a dry run', async () => {
    const dry = await cli('dlq', 'redrive', '--phone', primaryOwner, '--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^would move\tnotifications\t\*+\d{4}\tdead-primary\tprimary\n$/);
    expect((await cli('dlq', 'list')).stdout.trim().split('\n')).toHaveLength(3);
  });

  it('redrives a primary given up days ago with a new window, so it is delivered with its webhook-id, and removes it from the dead-letter queue', async () => {
    const moved = await cli('dlq', 'redrive', '--phone', primaryOwner);
    expect(moved.code).toBe(0);
    expect(moved.stderr).toMatch(/^1 of \d dead-lettered message\(s\) matched: 1 moved back to their source queue\.\n$/);

    await sink.waitFor(() => sink.requests.some((request) => request.path === `/${primaryOwner}/primary`), 'the redriven notification');
    const delivered = sink.requests.find((request) => request.path === `/${primaryOwner}/primary`)!;
    expect(delivered.body.toString()).toBe('{"dead":"primary"}');
    expect(delivered.headers['webhook-id']).toBe('dead-primary');
    const left = (await cli('dlq', 'list')).stdout;
    expect(left).not.toContain('dead-primary');
    expect(left.trim().split('\n')).toHaveLength(2);
  });

  it('keeps a message that cannot be redriven, and says so', async () => {
    const result = await cli('dlq', 'redrive', '--queue', 'notifications');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^kept\tnotifications\t-\t-\t-\tcannot be redriven: not a notification message/);
    expect(result.stderr).toMatch(/1 cannot be redriven and stay/);
    expect((await cli('dlq', 'list', '--queue', 'notifications')).stdout).toMatch(/malformed/);
  });

  it('refuses a --since that is neither a time nor a duration, with exit code 2', async () => {
    const result = await cli('dlq', 'list', '--since', 'yesterday');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^--since must be an ISO time/);
  });
});

describe('multi-webhook smoke', () => {
  it('round-trips a signed notification to a loopback receiver and removes the key and the configuration', async () => {
    const phoneNumber = freshPhoneNumber();

    const result = await cli('smoke', '--phone', phoneNumber);

    expect(result.stdout).toMatch(/ok {4}delivered to the receiver, signature unchanged: webhook-id /);
    expect(result.stdout).toMatch(/ok {4}the key and the configuration removed\nSmoke test passed\.\n$/);
    expect(result.code).toBe(0);
    expect(await stack.services.apiKeys.list(phoneNumber)).toEqual([]);
    expect(await stack.services.webhooks.readPhoneConfig(phoneNumber)).toMatchObject({ primary: undefined, destinations: [] });
  });

  it('refuses a number that has webhooks and leaves them as they were', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, ['crm']);
    const before = await stack.services.webhooks.readPhoneConfig(phoneNumber);

    const result = await cli('smoke', '--phone', phoneNumber);

    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAIL {2}the number is unused: it has webhooks configured/);
    expect(result.stdout).toMatch(/Smoke test failed\.\n$/);
    expect(await stack.services.webhooks.readPhoneConfig(phoneNumber)).toEqual(before);
  });
});
