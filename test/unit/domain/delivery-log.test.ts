import { describe, expect, it } from 'vitest';
import {
  deliveryView,
  excerptOf,
  MAX_RESPONSE_EXCERPT_BYTES,
  standingAt,
  type DeliveryRecord,
} from '../../../shared/domain/delivery-log.js';
import { parseDeliveryQuery } from '../../../shared/domain/delivery-query.js';
import { destinationStatuses } from '../../../shared/domain/destination-status.js';
import { cloneRef, PRIMARY } from '../../../shared/domain/destination.js';
import { Conflict, Invalid } from '../../../shared/domain/errors.js';
import { planReplay } from '../../../shared/domain/replay.js';

const query = (text: string) => parseDeliveryQuery(new URLSearchParams(text));

describe('parseDeliveryQuery', () => {
  it('reads every filter, with 25 records a page by default', () => {
    expect(query('')).toEqual({ limit: 25 });
    expect(
      query('status=failed&destination=primary&from=2026-12-01T17:00:00Z&to=2026-12-01T18:00:00%2B01:00&limit=100&cursor=abc'),
    ).toEqual({
      status: 'failed',
      destination: PRIMARY,
      from: Date.UTC(2026, 11, 1, 17),
      to: Date.UTC(2026, 11, 1, 17),
      limit: 100,
      cursor: 'abc',
    });
    expect(query('destination=crm').destination).toEqual(cloneRef('crm'));
  });

  it.each([
    ['status=lost', /status must be one of failed, retrying, parked, dead, delivered/],
    ['status=dead&status=dead', /once/],
    ['from=2026-12-01', /ISO 8601/],
    ['to=2026-13-45T99:00Z', /ISO 8601/],
    ['from=2026-12-02T00:00Z&to=2026-12-01T00:00Z', /from must not be later than to/],
    ['limit=0', /limit/],
    ['limit=-1', /limit/],
    ['destination=', /destination/],
    ['cursor=', /cursor/],
    ['sort=asc', /Unknown query parameter "sort"/],
  ])('refuses %s with a sentence', (text, message) => {
    expect(() => query(text)).toThrow(Invalid);
    expect(() => query(text)).toThrow(message);
  });
});

describe('excerptOf', () => {
  it('keeps a short body whole and cuts a long one at 1 KB without splitting a character', () => {
    expect(excerptOf('down')).toBe('down');
    const long = `${'a'.repeat(MAX_RESPONSE_EXCERPT_BYTES - 1)}é and more`;
    const excerpt = excerptOf(long);
    expect(excerpt).toBe('a'.repeat(MAX_RESPONSE_EXCERPT_BYTES - 1));
    expect(Buffer.byteLength(excerptOf('é'.repeat(2000)))).toBe(MAX_RESPONSE_EXCERPT_BYTES);
  });
});

const record = (
  destination: DeliveryRecord['destination'],
  status: DeliveryRecord['status'],
  extra: Partial<DeliveryRecord> = {},
): DeliveryRecord => ({
  phoneNumber: '4915550001',
  notificationId: 'n1',
  receivedAt: 1,
  destination,
  status,
  attempts: 1,
  updatedAt: 2,
  ...extra,
});
const everyClone = () => true;

describe('standingAt', () => {
  it('reads a parked record as dead from the end of its window, without a next attempt, and leaves every other record as written', () => {
    const parked = record(PRIMARY, 'parked', { giveUpAt: 5000, nextAttemptAt: 4000 });
    expect(standingAt(parked, 4999)).toBe(parked);
    const { nextAttemptAt: _next, ...rest } = parked;
    expect(standingAt(parked, 5000)).toEqual({ ...rest, status: 'dead' });
    for (const other of [record(PRIMARY, 'parked'), record(PRIMARY, 'retrying', { giveUpAt: 5000 }), record(PRIMARY, 'delivered')])
      expect(standingAt(other, 9999)).toBe(other);
  });

  it('lets a replay send a parked copy once its window has ended, as it does a dead one', () => {
    const parked = record(PRIMARY, 'parked', { giveUpAt: 5000 });
    expect(() => planReplay('n1', [standingAt(parked, 4999)], everyClone)).toThrow(/parked behind/);
    expect(planReplay('n1', [standingAt(parked, 5000)], everyClone)).toMatchObject({ kind: 'primary' });
  });
});

describe('planReplay', () => {
  it('sends the primary alone while it has not answered 200, whatever the clones', () => {
    const primary = record(PRIMARY, 'dead');
    expect(planReplay('n1', [primary], everyClone)).toEqual({ kind: 'primary', record: primary });
  });

  it('sends only the clones that did not get their 200 once the primary has', () => {
    const dead = record(cloneRef('a'), 'dead');
    const retrying = record(cloneRef('b'), 'retrying');
    const records = [record(PRIMARY, 'delivered'), dead, record(cloneRef('c'), 'delivered'), retrying];
    expect(planReplay('n1', records, everyClone)).toEqual({ kind: 'clones', records: [dead, retrying] });
    // No primary record: the primary answered 200 at once (a clone copy exists only after it).
    expect(planReplay('n1', [dead], everyClone)).toEqual({ kind: 'clones', records: [dead] });
    expect(planReplay('n1', [dead, retrying], (name) => name === 'b')).toEqual({ kind: 'clones', records: [retrying] });
  });

  it.each([
    ['every copy delivered', [record(PRIMARY, 'delivered'), record(cloneRef('a'), 'delivered')], /delivered to every destination/],
    ['the primary parked', [record(PRIMARY, 'parked')], /parked behind/],
    ['a retry already queued', [record(cloneRef('a'), 'retrying', { replayPending: true })], /already queued/],
    ['the clones parked', [record(cloneRef('a'), 'parked'), record(cloneRef('b'), 'parked')], /parked behind/],
  ])('refuses with 409 when %s', (_, records, message) => {
    expect(() => planReplay('n1', records, everyClone)).toThrow(Conflict);
    expect(() => planReplay('n1', records, everyClone)).toThrow(message);
  });

  it('refuses with 409 when the clones that missed it are no longer configured', () => {
    expect(() => planReplay('n1', [record(cloneRef('gone'), 'dead')], () => false)).toThrow(/no longer configured/);
  });
});

describe('views', () => {
  it('shows a record with ISO times and nulls, never its phone number or a payload', () => {
    const view = deliveryView(record(cloneRef('crm'), 'retrying', { lastStatus: 503, nextAttemptAt: Date.UTC(2026, 11, 1) }));
    expect(view).toEqual({
      notificationId: 'n1',
      destination: 'crm',
      role: 'clone',
      status: 'retrying',
      attempts: 1,
      lastStatus: 503,
      lastError: null,
      lastLatencyMs: null,
      nextAttemptAt: '2026-12-01T00:00:00.000Z',
      responseExcerpt: null,
      receivedAt: '1970-01-01T00:00:00.001Z',
      updatedAt: '1970-01-01T00:00:00.002Z',
      retryQueued: false,
    });
  });

  it('answers for the primary and every clone, healthy when they have no breaker yet, clones enabled only while multiple webhooks are', () => {
    const open = {
      state: 'open' as const,
      consecutiveFailures: 5,
      failedProbes: 0,
      parked: 3,
      lastError: 'timeout',
      nextProbeAt: Date.UTC(2026, 11, 1),
    };
    const status = destinationStatuses({
      primary: { url: 'https://p.example.com', headers: {} },
      enabled: false,
      destinations: [{ name: 'crm', url: 'https://c.example.com', headers: {} }],
      health: { crm: open },
    });
    expect(status).toEqual({
      enabled: false,
      destinations: [
        {
          destination: 'primary',
          role: 'primary',
          enabled: true,
          breaker: 'closed',
          paused: false,
          consecutiveFailures: 0,
          lastStatus: null,
          lastError: null,
          lastLatencyMs: null,
          parked: 0,
          nextProbeAt: null,
        },
        {
          destination: 'crm',
          role: 'clone',
          enabled: false,
          breaker: 'open',
          paused: false,
          consecutiveFailures: 5,
          lastStatus: null,
          lastError: 'timeout',
          lastLatencyMs: null,
          parked: 3,
          nextProbeAt: '2026-12-01T00:00:00.000Z',
        },
      ],
    });
  });
});
