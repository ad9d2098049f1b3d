// Which strings may name an additional webhook.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { checkWebhookName } from '../../../shared/domain/webhook-name.js';
import { MAX_NAME_LENGTH } from '../../../shared/domain/limits.js';

const anyCodeUnit = fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c));

describe('checkWebhookName', () => {
  it('accepts "hook" and "HOOK" alike, since names keep their exact case', () => {
    expect(checkWebhookName('hook')).toBeUndefined();
    expect(checkWebhookName('HOOK')).toBeUndefined();
  });

  it.each(['a', 'crm-sync', ' padded ', 'Mein Webhook – Übersicht', '日本語の名前', 'a/b?c=d&e#f'])(
    'accepts %j as given, without trimming',
    (name) => {
      expect(checkWebhookName(name)).toBeUndefined();
    },
  );

  it('accepts a name of exactly 100 characters', () => {
    expect(checkWebhookName('x'.repeat(MAX_NAME_LENGTH))).toBeUndefined();
  });

  it('refuses a name of 101 characters', () => {
    expect(checkWebhookName('x'.repeat(MAX_NAME_LENGTH + 1))).toBe('name must be at most 100 characters long.');
  });

  it('refuses an absurdly long name', () => {
    expect(checkWebhookName('x'.repeat(1_000_000))).toBe('name must be at most 100 characters long.');
  });

  it('counts an emoji as one character although it takes two UTF-16 units', () => {
    expect(checkWebhookName('😀'.repeat(MAX_NAME_LENGTH))).toBeUndefined();
    expect(checkWebhookName('😀'.repeat(MAX_NAME_LENGTH + 1))).toBe('name must be at most 100 characters long.');
  });

  it('refuses an empty name', () => {
    expect(checkWebhookName('')).toBe('name must not be empty.');
  });

  it.each(['\ud800', 'a\udc00b', 'hook\ud83d', '\ude00hook'])('refuses %j, which holds a lone surrogate', (name) => {
    expect(checkWebhookName(name)).toContain('unpaired surrogate');
  });

  it.each([
    ['\u0000', 'NUL'],
    ['a\nb', 'a line feed'],
    ['tab\there', 'a tab'],
    ['\r', 'a carriage return'],
    ['del\u007f', 'DEL'],
    ['c1\u0085', 'the C1 control NEL'],
    ['\u009f', 'the last C1 control'],
  ])('refuses %j, which holds %s', (name) => {
    expect(checkWebhookName(name)).toBe('name must not contain control characters.');
  });

  it('never throws and always answers undefined or one sentence', () => {
    const name = fc.oneof(
      fc.string({ unit: anyCodeUnit, maxLength: 120 }),
      fc.string({ unit: fc.constantFrom('a', '😀', '\ud800', '\udc00', '\u0000'), maxLength: 220 }),
    );
    fc.assert(
      fc.property(name, (text) => {
        const answer = checkWebhookName(text);
        expect(answer === undefined || /^name .+\.$/.test(answer)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts every well-formed name of 1 to 100 characters without control characters', () => {
    const allowedCharacter = anyCodeUnit.filter((c) => !/[\p{Cs}\p{Cc}]/u.test(c)); // no lone surrogate, no control
    const name = fc.string({ unit: allowedCharacter, minLength: 1, maxLength: MAX_NAME_LENGTH });
    fc.assert(
      fc.property(name, (text) => {
        expect(checkWebhookName(text)).toBeUndefined();
      }),
    );
  });
});
