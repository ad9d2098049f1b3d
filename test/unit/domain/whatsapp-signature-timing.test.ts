// Both readings of Meta's signature are compared in constant time, and both whatever the first says.
import * as crypto from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { escapeNonAscii, isValidSignature } from '../../../shared/domain/whatsapp.js';

// The real function, watched: a comparison that bypassed timingSafeEqual, or stopped early, would show here.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});
const timingSafeEqual = vi.mocked(crypto.timingSafeEqual);

const SECRET = 'app-secret';
const sign = (text: Buffer | string) => `sha256=${crypto.createHmac('sha256', SECRET).update(text).digest('hex')}`;
const literal = Buffer.from('{"entry":[{"text":"olá 😮"}]}');

describe('isValidSignature on a body with non-ASCII', () => {
  it.each([
    ['a signature over the raw bytes', sign(literal), true],
    ['a signature over the escaped form', sign(escapeNonAscii(literal.toString('utf8'))), true],
    ['a wrong signature', `sha256=${'0'.repeat(64)}`, false],
  ])('compares %s against both readings, each as two 32-byte digests', (_case, header, expected) => {
    timingSafeEqual.mockClear();

    expect(isValidSignature(literal, header, SECRET)).toBe(expected);

    expect(timingSafeEqual.mock.calls.map(([a, b]) => [(a as Buffer).length, (b as Buffer).length])).toEqual([
      [32, 32],
      [32, 32],
    ]);
  });

  it('compares an ASCII body once: its escaped form is itself', () => {
    timingSafeEqual.mockClear();
    const ascii = Buffer.from('{"entry":[{"text":"ol\\u00e1"}]}');

    expect(isValidSignature(ascii, sign(ascii), SECRET)).toBe(true);

    expect(timingSafeEqual).toHaveBeenCalledTimes(1);
  });
});
