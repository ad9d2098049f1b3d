import { describe, expect, it } from 'vitest';
import { DEFAULT_DLQ_LIMIT, DEFAULT_HOLD_SECONDS, parseCommand, parseSince } from '../../../cli/arguments.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const parse = (...argv: string[]) => parseCommand(argv, NOW);

describe('the command line', () => {
  it('reads dlq list with its filters and defaults', () => {
    expect(parse('dlq', 'list', '--queue', 'retries', '--phone', '15550001111', '--since', '2h', '--full')).toEqual({
      command: 'dlq list',
      stack: undefined,
      filter: { queues: ['retries'], phoneNumber: '15550001111', since: NOW - 2 * 3600 * 1000 },
      full: true,
      json: false,
      limit: DEFAULT_DLQ_LIMIT,
      holdSeconds: DEFAULT_HOLD_SECONDS,
    });
  });

  it('reads both queues when no --queue is given, and a dry run of dlq redrive against a named stack', () => {
    expect(parse('dlq', 'redrive', '--dry-run', '--stack', 'MultiWebhook-staging')).toMatchObject({
      command: 'dlq redrive',
      stack: 'MultiWebhook-staging',
      filter: { queues: ['notifications', 'retries'] },
      dryRun: true,
    });
  });

  it('refuses an option that belongs to another command, naming both', () => {
    expect(parse('dlq', 'list', '--dry-run')).toEqual({ problem: '--dry-run does not apply to dlq list.', withUsage: true });
    expect(parse('keys', 'create', '--phone', '15550001111', '--since', '1d')).toEqual({
      problem: '--since does not apply to keys create.',
      withUsage: true,
    });
  });

  it('refuses an unknown queue, an unknown dlq command and a missing one', () => {
    expect(parse('dlq', 'list', '--queue', 'dead')).toEqual({
      problem: '--queue must be notifications or retries, not "dead".',
      withUsage: false,
    });
    expect(parse('dlq', 'purge')).toEqual({ problem: 'Unknown dlq command "purge".', withUsage: true });
    expect(parse('dlq')).toEqual({ problem: 'dlq needs a command.', withUsage: true });
  });

  it('reads smoke with a receiver and refuses one that is not a URL', () => {
    expect(parse('smoke', '--receiver', 'https://hooks.example.com/smoke', '--timeout', '60')).toEqual({
      command: 'smoke',
      stack: undefined,
      receiver: 'https://hooks.example.com/smoke',
      phoneNumber: undefined,
      timeoutSeconds: 60,
    });
    expect(parse('smoke', '--receiver', 'hooks.example.com')).toMatchObject({ problem: expect.stringMatching(/^--receiver must be/) });
    expect(parse('smoke', 'now')).toEqual({ problem: 'Unexpected argument "now".', withUsage: true });
  });

  it('reads preflight with planned values, "off" for the ingest reservation, and refuses a concurrency SQS would not accept', () => {
    expect(parse('preflight', '--delivery-max-concurrency', '20', '--ingest-reserved-concurrency', 'off')).toEqual({
      command: 'preflight',
      stack: undefined,
      deliveryMaxConcurrency: 20,
      ingestReservedConcurrency: 'off',
    });
    expect(parse('preflight', '--delivery-max-concurrency', '1')).toEqual({
      problem: '--delivery-max-concurrency must be a whole number from 2 to 1000, not "1".',
      withUsage: false,
    });
  });

  it('keeps the keys commands as they were', () => {
    expect(parse('keys', 'revoke', '--phone', '15550001111', '--id', 'abc')).toEqual({
      command: 'keys revoke',
      stack: undefined,
      phoneNumber: '15550001111',
      keyId: 'abc',
    });
    expect(parse('keys', 'revoke', '--phone', '15550001111')).toEqual({
      problem: 'revoke needs --id <key id> (see keys list).',
      withUsage: false,
    });
    expect(parse('keys', 'rotate')).toEqual({ problem: 'Unknown keys command "rotate".', withUsage: true });
  });
});

describe('--since', () => {
  it('takes durations back from now and ISO times', () => {
    expect(parseSince('90s', NOW)).toBe(NOW - 90_000);
    expect(parseSince('3d', NOW)).toBe(NOW - 3 * 86_400_000);
    expect(parseSince('2026-12-01T09:00Z', NOW)).toBe(Date.parse('2026-12-01T09:00Z'));
  });

  it('refuses words, bare numbers and the future', () => {
    expect(() => parseSince('yesterday', NOW)).toThrow(/ISO time .* or a duration/);
    expect(() => parseSince('12', NOW)).toThrow(/ISO time/);
    expect(() => parseSince('2027-01-01', NOW)).toThrow(/in the future/);
  });
});
