// Which headers a webhook may configure, and that errors never echo a header value.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { checkWebhookHeaders, RESERVED_HEADER_NAMES } from '../../../shared/domain/webhook-headers.js';
import { MAX_HEADERS_PER_WEBHOOK, MAX_HEADERS_TOTAL_BYTES } from '../../../shared/domain/limits.js';

const CONNECTION_HEADERS = [
  'Host',
  'Content-Length',
  'Transfer-Encoding',
  'Connection',
  'Keep-Alive',
  'Proxy-Connection',
  'TE',
  'Trailer',
  'Upgrade',
  'Expect',
];

function manyHeaders(count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`X-Header-${i}`, 'v']));
}

describe('checkWebhookHeaders accepts', () => {
  it('no headers at all', () => {
    expect(checkWebhookHeaders({})).toBeUndefined();
  });

  it("typical authentication headers and Content-Type, as in 360dialog's example", () => {
    const headers = { Authorization: 'Bearer abc.def', 'Content-Type': 'application/json', 'X-Api-Key': 'k-123' };
    expect(checkWebhookHeaders(headers)).toBeUndefined();
  });

  it('a name made of every token character', () => {
    expect(checkWebhookHeaders({ "!#$%&'*+-.^_`|~09AZaz": 'v' })).toBeUndefined();
  });

  it('empty values, tabs and Latin-1 letters in values', () => {
    expect(checkWebhookHeaders({ 'X-Empty': '', 'X-Tab': 'a\tb', 'X-Name': 'Zoë Åström' })).toBeUndefined();
  });

  it('an object without a prototype', () => {
    const headers = Object.assign(Object.create(null) as Record<string, unknown>, { 'X-A': 'b' });
    expect(checkWebhookHeaders(headers)).toBeUndefined();
  });

  it('exactly the maximum number of headers', () => {
    expect(checkWebhookHeaders(manyHeaders(MAX_HEADERS_PER_WEBHOOK))).toBeUndefined();
  });

  it('exactly the maximum total size of names and values', () => {
    expect(checkWebhookHeaders({ 'X-A': 'a'.repeat(MAX_HEADERS_TOTAL_BYTES - 3) })).toBeUndefined();
  });
});

describe('checkWebhookHeaders refuses', () => {
  it.each([null, [], 'text', 42, new Map([['X-A', 'b']]), new Date()])('%j instead of a plain object', (value) => {
    expect(checkWebhookHeaders(value as unknown as Record<string, unknown>)).toBe(
      'headers must be an object that maps header names to string values.',
    );
  });

  it('one header more than the maximum', () => {
    expect(checkWebhookHeaders(manyHeaders(MAX_HEADERS_PER_WEBHOOK + 1))).toBe('headers may hold at most 20 entries.');
  });

  it('names and values one byte over the maximum total size', () => {
    expect(checkWebhookHeaders({ 'X-A': 'a'.repeat(MAX_HEADERS_TOTAL_BYTES - 2) })).toBe(
      'headers may total at most 4096 bytes (names and values, UTF-8).',
    );
  });

  it('a size counted in UTF-8 bytes, where a Latin-1 letter takes two', () => {
    expect(checkWebhookHeaders({ 'X-A': 'é'.repeat(2047) })).toContain('4096 bytes');
  });

  it.each(['X Header', 'X:Y', 'Ü-Header', '(x)', 'x\n', 'x\u0000', '"x"', 'a@b', ':authority'])(
    'the name %j, which is not an HTTP token',
    (name) => {
      expect(checkWebhookHeaders({ [name]: 'v' })).toMatch(/^header names may contain only letters, digits and /);
    },
  );

  it('an empty name', () => {
    expect(checkWebhookHeaders({ '': 'v' })).toBe('header names must not be empty.');
  });

  it.each([...CONNECTION_HEADERS, 'host', 'TRANSFER-ENCODING', 'content-length'])('the connection header %s, in any case', (name) => {
    expect(checkWebhookHeaders({ [name]: 'v' })).toBe(`header "${name}" belongs to the HTTP connection and cannot be configured.`);
  });

  it.each(['webhook-id', 'Webhook-Id', 'WEBHOOK-TIMESTAMP', 'webhook-signature', 'X-Hub-Signature-256'])(
    'the header %s that the delivery itself sets, in any case',
    (name) => {
      expect(checkWebhookHeaders({ [name]: 'v' })).toBe(`header "${name}" is set by the delivery itself and cannot be configured.`);
    },
  );

  it('two names that differ only in case', () => {
    expect(checkWebhookHeaders({ 'X-Token': 'a', 'x-token': 'b' })).toBe(
      'headers "X-Token" and "x-token" are the same header (names ignore case); give it once.',
    );
  });

  it.each([42, null, true, {}, ['a'], undefined])('the non-string value %j', (value) => {
    expect(checkWebhookHeaders({ 'X-A': value })).toBe('header "X-A" must have a string value.');
  });

  it.each(['a\r\nX-Injected: 1', 'a\nb', 'a\rb', 'a\u0000b', 'a\u0001b', 'a\u007fb', 'a\u0085b'])(
    'the value %j, with a line break or control character',
    (value) => {
      expect(checkWebhookHeaders({ 'X-A': value })).toMatch(/^header "X-A" has a value HTTP cannot carry/);
    },
  );

  it.each(['😀', '日本', '\ud800', 'a\udc00'])('the value %j, which HTTP clients cannot send', (value) => {
    expect(checkWebhookHeaders({ 'X-A': value })).toMatch(/^header "X-A" has a value HTTP cannot carry/);
  });
});

describe('checkWebhookHeaders keeps secrets out of its sentences', () => {
  it('names the header but not the value it refuses', () => {
    const answer = checkWebhookHeaders({ Authorization: 'Bearer sk_live_123\r\nX-Evil: 1' });
    expect(answer).toContain('"Authorization"');
    expect(answer).not.toContain('sk_live_123');
  });

  it('shows only the part of a malformed name before the offending character', () => {
    const answer = checkWebhookHeaders({ 'Authorization: Bearer sk_live_123': 'x' });
    expect(answer).toBe(
      "header names may contain only letters, digits and !#$%&'*+-.^_`|~; the one starting \"Authorization\" contains ':'.",
    );
  });

  it('never echoes any value, whatever the headers', () => {
    const name = fc.string({ unit: fc.constantFrom('a', 'b', '-', ' ', ':', '\n', 'é'), maxLength: 8 });
    const secret = fc.string({ unit: fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)) }).map((s) => `SECRET-${s}`);
    fc.assert(
      fc.property(fc.dictionary(name, secret, { maxKeys: 25 }), (headers) => {
        const answer = checkWebhookHeaders(headers) ?? '';
        expect(answer).not.toContain('SECRET-');
      }),
      { numRuns: 1000 },
    );
  });
});

describe('RESERVED_HEADER_NAMES', () => {
  it('lists the headers the delivery sets, in lowercase', () => {
    expect([...RESERVED_HEADER_NAMES].sort()).toEqual([
      'webhook-id',
      'webhook-signature',
      'webhook-timestamp',
      'x-hub-signature-256',
      'x-multi-webhook-delivery',
    ]);
  });
});

describe('checkWebhookHeaders under fuzzing', () => {
  it('never throws and always answers undefined or one sentence', () => {
    const input = fc.oneof(
      fc.anything(),
      fc.dictionary(fc.string({ unit: 'binary' }), fc.oneof(fc.string({ unit: 'binary' }), fc.anything()), { maxKeys: 30 }),
      fc.dictionary(fc.string({ unit: 'grapheme-ascii', minLength: 1 }), fc.string({ maxLength: 300 }), { maxKeys: 25 }),
    );
    fc.assert(
      fc.property(input, (headers) => {
        const answer = checkWebhookHeaders(headers as Record<string, unknown>);
        expect(answer === undefined || /^headers? .+\.$/.test(answer)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
