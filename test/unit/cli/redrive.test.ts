import { describe, expect, it } from 'vitest';
import { formatAge, matches } from '../../../cli/dlq.js';
import { decodeMessage, encodeMessage } from '../../../shared/queue/message-codec.js';
import { readDeadLetter } from '../../../shared/queue/redrive.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const LONG_AGO = NOW - 20 * 86_400_000;
const phoneNumber = '15550001111';

describe('a redriven dead letter', () => {
  it("restarts a primary's window at the redrive, keeping its id, payload and signature", () => {
    const signature = `sha256=${'a'.repeat(64)}`;
    const body = encodeMessage({ phoneNumber, id: 'n-1', payload: '{"x":1}', signature, receivedAt: LONG_AGO });
    const read = readDeadLetter('notifications', body, 'message-1', NOW);
    expect(read).toMatchObject({ phoneNumber, notificationId: 'n-1', destination: 'primary' });
    expect(JSON.parse(read.redriveBody!)).toEqual({ phoneNumber, id: 'n-1', payload: '{"x":1}', signature, receivedAt: NOW });
  });

  it("gives a producer's message without an id the dead letter's message id, so webhook-id stays what the receiver saw", () => {
    const read = readDeadLetter('notifications', JSON.stringify({ phoneNumber, payload: '{}' }), 'sqs-message-id', NOW);
    expect(JSON.parse(read.redriveBody!)).toMatchObject({ id: 'sqs-message-id', receivedAt: NOW });
  });

  it("restarts a clone's window and attempts and drops its hop time, still valid for the retries queue", () => {
    const clone = {
      kind: 'clone' as const,
      phoneNumber,
      id: 'n-2',
      payloadRef: { bucket: 'b', key: 'payloads/15550001111/n-2' },
      receivedAt: LONG_AGO,
      destination: 'crm',
      firstFailedAt: LONG_AGO,
      attempt: 30,
      notBefore: LONG_AGO,
    };
    const read = readDeadLetter('retries', encodeMessage(clone), 'm', NOW);
    expect(read.destination).toBe('crm');
    const { notBefore: _, ...rest } = clone;
    expect(JSON.parse(read.redriveBody!)).toEqual({ ...rest, attempt: 1, firstFailedAt: NOW });
    expect(decodeMessage('retries', read.redriveBody!).success).toBe(true);
  });

  it("restarts a primary retry's window from its first attempt", () => {
    const primary = {
      kind: 'primary' as const,
      phoneNumber,
      id: 'n-3',
      payload: '{}',
      receivedAt: LONG_AGO,
      attempt: 12,
      firstAttemptAt: LONG_AGO,
    };
    expect(JSON.parse(readDeadLetter('retries', encodeMessage(primary), 'm', NOW).redriveBody!)).toEqual({
      ...primary,
      attempt: 1,
      firstAttemptAt: NOW,
    });
  });

  it("sends a breaker's timer back as it was: a spent one does nothing, the current one resumes the probes", () => {
    const timer = encodeMessage({ kind: 'probe', phoneNumber, destination: 'crm', at: LONG_AGO });
    expect(readDeadLetter('retries', timer, 'm', NOW)).toEqual({ phoneNumber, destination: 'probe timer of crm', redriveBody: timer });
  });

  it('keeps a body that does not decode, with the reason and the number when it has one', () => {
    const read = readDeadLetter('notifications', JSON.stringify({ phoneNumber, payload: 5 }), 'm', NOW);
    expect(read.redriveBody).toBeUndefined();
    expect(read).toMatchObject({ phoneNumber, problem: expect.stringMatching(/^not a notification message \(payload/) });
    expect(readDeadLetter('retries', 'not json', 'm', NOW)).toEqual({ problem: 'not a retries message (body is not JSON)' });
  });
});

describe('the dead-letter filter', () => {
  it('matches by number and by dead-letter time', () => {
    const letter = { phoneNumber, deadLetteredAt: NOW - 3600_000 };
    expect(matches(letter, { queues: [] })).toBe(true);
    expect(matches(letter, { queues: [], phoneNumber: '15550002222' })).toBe(false);
    expect(matches(letter, { queues: [], since: NOW - 7200_000 })).toBe(true);
    expect(matches(letter, { queues: [], since: NOW - 60_000 })).toBe(false);
    expect(matches({ deadLetteredAt: NOW }, { queues: [], phoneNumber })).toBe(false);
  });

  it('shows ages in the two largest units', () => {
    expect(formatAge(40_000)).toBe('40s');
    expect(formatAge(5 * 60_000)).toBe('5m');
    expect(formatAge(2 * 3600_000 + 13 * 60_000)).toBe('2h13m');
    expect(formatAge(3 * 86_400_000 + 4 * 3600_000)).toBe('3d4h');
  });
});
