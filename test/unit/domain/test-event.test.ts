import { describe, expect, it } from 'vitest';
import { cloneRef, PRIMARY } from '../../../shared/domain/destination.js';
import { TEST_ANSWER_EXCERPT_BYTES, testAnswerOf, testNotification } from '../../../shared/domain/test-event.js';

describe('the test event', () => {
  it('marks itself as a test in its webhook-id and its body, naming the webhook it went to', () => {
    const notification = testNotification('15550001111', cloneRef('crm'), Date.UTC(2026, 0, 2));
    expect(notification.id).toMatch(/^test_[0-9a-f]{32}$/);
    expect(JSON.parse(notification.payload)).toEqual({
      object: 'multi_webhook',
      type: 'test',
      phone_number: '15550001111',
      webhook: 'crm',
      sent_at: '2026-01-02T00:00:00.000Z',
    });
    expect(JSON.parse(testNotification('15550001111', PRIMARY, 0).payload).webhook).toBe('primary');
  });

  it('returns at most 1 KB of the answer body without cutting a character, and no body key for an empty one', () => {
    const long = `${'a'.repeat(TEST_ANSWER_EXCERPT_BYTES - 1)}é and more`;
    const answer = testAnswerOf({ kind: 'answered', status: 200, latencyMs: 12.4, bodyExcerpt: long }, 5000);
    expect(answer).toEqual({ status: 200, latencyMs: 12, body: 'a'.repeat(TEST_ANSWER_EXCERPT_BYTES - 1) });
    expect(testAnswerOf({ kind: 'answered', status: 204, latencyMs: 1, bodyExcerpt: '' }, 5000)).toEqual({ status: 204, latencyMs: 1 });
  });

  it('says in a sentence why there was no answer', () => {
    expect(testAnswerOf({ kind: 'failed', error: 'timeout', detail: '', latencyMs: 5000.2 }, 5000)).toEqual({
      connectionError: 'The receiver did not answer within 5000 ms.',
      latencyMs: 5000,
    });
  });
});
