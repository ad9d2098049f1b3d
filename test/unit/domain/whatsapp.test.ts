// WhatsApp webhook rules: both readings of the signature, escaping, verify token, phone numbers and notification ids.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Invalid } from '../../../shared/domain/errors.js';
import {
  copyId,
  escapeNonAscii,
  isValidSignature,
  notificationId,
  parseWebhookBody,
  phoneDigits,
  phoneOfChange,
  signatureOf,
  tokensMatch,
} from '../../../shared/domain/whatsapp.js';
import { WhatsAppAPI } from 'whatsapp-api-js';

const SECRET = 'app-secret';
const sign = (body: Buffer | string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

function change(displayPhoneNumber: string | undefined, messageId: string) {
  const metadata = displayPhoneNumber === undefined ? {} : { display_phone_number: displayPhoneNumber, phone_number_id: `id-${messageId}` };
  return { field: 'messages', value: { messaging_product: 'whatsapp', metadata, messages: [{ id: messageId }] } };
}

function body(...entries: unknown[][]): Buffer {
  return Buffer.from(
    JSON.stringify({ object: 'whatsapp_business_account', entry: entries.map((changes, index) => ({ id: `waba-${index}`, changes })) }),
  );
}

describe('isValidSignature', () => {
  const raw = body([change('15550001111', 'wamid.1')]);

  it('accepts the HMAC-SHA256 of the raw bytes keyed with the app secret', () => {
    expect(isValidSignature(raw, sign(raw), SECRET)).toBe(true);
  });

  it('refuses a signature made with another secret', () => {
    expect(isValidSignature(raw, sign(raw, 'other-secret'), SECRET)).toBe(false);
  });

  it('refuses a signature of a body that differs by one byte', () => {
    expect(isValidSignature(raw, sign(Buffer.concat([raw, Buffer.from(' ')])), SECRET)).toBe(false);
  });

  it('refuses a missing header', () => {
    expect(isValidSignature(raw, undefined, SECRET)).toBe(false);
  });

  it.each([
    ['no prefix', sign(raw).slice('sha256='.length)],
    ['another algorithm', sign(raw).replace('sha256=', 'sha1=')],
    ['a truncated digest', sign(raw).slice(0, -2)],
    ['a digest that is not hex', `sha256=${'z'.repeat(64)}`],
    ['uppercase hex', sign(raw).toUpperCase().replace('SHA256=', 'sha256=')],
    ['two comma-joined headers', `${sign(raw)},${sign(raw)}`],
    ['an empty value', ''],
  ])('refuses a malformed header: %s', (_case, header) => {
    expect(isValidSignature(raw, header, SECRET)).toBe(false);
  });
});

describe('isValidSignature with non-ASCII bodies', () => {
  const literal = Buffer.from(JSON.stringify({ entry: [{ text: 'olá 😮 שלום' }] }));
  const escaped = escapeNonAscii(literal.toString('utf8'));

  it('accepts a literal UTF-8 body signed over its raw bytes', () => {
    expect(isValidSignature(literal, sign(literal), SECRET)).toBe(true);
  });

  it('accepts a literal UTF-8 body signed over its escaped form, as Meta describes its signature', () => {
    expect(isValidSignature(literal, sign(escaped), SECRET)).toBe(true);
  });

  it('refuses a signature over the escaped form made with another secret', () => {
    expect(isValidSignature(literal, sign(escaped, 'other-secret'), SECRET)).toBe(false);
  });

  it('refuses a signature over an escaping Meta does not use (uppercase hex)', () => {
    expect(
      isValidSignature(literal, sign(escaped.replace(/\\u([0-9a-f]{4})/g, (_m, hex: string) => `\\u${hex.toUpperCase()}`)), SECRET),
    ).toBe(false);
  });

  it('refuses bytes that are not UTF-8 under the escaped reading', () => {
    const broken = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff]), Buffer.from('"}')]);
    expect(isValidSignature(broken, sign(escapeNonAscii(broken.toString('utf8'))), SECRET)).toBe(false);
  });
});

describe('escapeNonAscii', () => {
  it('writes every character above ~ as lowercase \\uXXXX, an emoji as its two surrogates', () => {
    expect(escapeNonAscii('a~\x7f é 😮 ש')).toBe('a~\\u007f \\u00e9 \\ud83d\\ude2e \\u05e9');
  });

  it('escapes as whatsapp-api-js does: the library accepts the HMAC of the escaped text for the literal text', async () => {
    const text = JSON.stringify({ t: 'Zoë ❤️ مرحبا \u200f 👍🏽 \x7f' });
    const library = new WhatsAppAPI({ token: 'unused', appSecret: SECRET, v: 'v24.0' });
    expect(await library.verifyRequestSignature(text, signatureOf(escapeNonAscii(text), SECRET))).toBe(true);
    expect(await library.verifyRequestSignature(text, signatureOf(text, SECRET))).toBe(false);
  });

  it('keeps JSON valid and equal in value', () => {
    const value = { text: 'Zoë ❤️ \u200fمرحبا', nested: ['😮', { k: '\ud800' }] };
    expect(JSON.parse(escapeNonAscii(JSON.stringify(value)))).toEqual(value);
  });

  it('leaves an ASCII text as it is', () => {
    expect(escapeNonAscii('{"a":"\\ud83d\\ude2e"}')).toBe('{"a":"\\ud83d\\ude2e"}');
  });
});

describe('signatureOf', () => {
  it('is the header X-Hub-Signature-256 receivers check: the HMAC of the exact text', () => {
    expect(signatureOf('{"a":1}', SECRET)).toBe(sign('{"a":1}'));
    expect(isValidSignature(Buffer.from('{"a":1}'), signatureOf('{"a":1}', SECRET), SECRET)).toBe(true);
  });
});

describe('tokensMatch', () => {
  it('matches an identical token', () => {
    expect(tokensMatch('verify-me', 'verify-me')).toBe(true);
  });

  it('refuses a different token, including a prefix of the right one', () => {
    expect(tokensMatch('verify', 'verify-me')).toBe(false);
    expect(tokensMatch('', 'verify-me')).toBe(false);
  });
});

describe('phoneDigits', () => {
  it('keeps only the digits of a formatted display number', () => {
    expect(phoneDigits('+1 555-000-1111')).toBe('15550001111');
  });

  it('ignores values that are not phone numbers', () => {
    expect(phoneDigits('+1 (555)')).toBeUndefined();
    expect(phoneDigits('1'.repeat(16))).toBeUndefined();
    expect(phoneDigits(15550001111)).toBeUndefined();
    expect(phoneDigits(undefined)).toBeUndefined();
  });
});

describe('phoneOfChange', () => {
  it('reads the number of a message or status change at value.metadata.display_phone_number', () => {
    expect(phoneOfChange(change('+1 555-000-1111', 'a'))).toBe('15550001111');
  });

  it('reads the number of a phone-level event at value.display_phone_number', () => {
    expect(phoneOfChange({ field: 'phone_number_quality_update', value: { display_phone_number: '15550002222', event: 'FLAGGED' } })).toBe(
      '15550002222',
    );
  });

  it('prefers metadata when a change carries both', () => {
    expect(
      phoneOfChange({ field: 'x', value: { metadata: { display_phone_number: '15550001111' }, display_phone_number: '15550002222' } }),
    ).toBe('15550001111');
  });

  it('finds no number in a WABA-level event, even one that names a phone_number_id or an account phone', () => {
    expect(
      phoneOfChange({ field: 'message_template_status_update', value: { event: 'APPROVED', message_template_id: 1 } }),
    ).toBeUndefined();
    expect(phoneOfChange({ field: 'account_update', value: { phone_number: '15550001111', event: 'ACCOUNT_VIOLATION' } })).toBeUndefined();
    expect(phoneOfChange('not a change')).toBeUndefined();
  });
});

describe('parseWebhookBody', () => {
  it.each([
    ['not JSON', Buffer.from('{"entry": [')],
    ['a JSON array', Buffer.from('[{"entry": []}]')],
    ['an object without entry', Buffer.from('{"object": "whatsapp_business_account"}')],
    ['an entry that is not an array', Buffer.from('{"entry": {}}')],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d])],
  ])('refuses %s as invalid input', (_case, raw) => {
    expect(() => parseWebhookBody(raw)).toThrow(Invalid);
  });
});

describe('notificationId', () => {
  it('gives the same id to the same body every time, so receivers can de-duplicate a re-sent one', () => {
    const raw = body([change('15550001111', 'a')]);
    expect(notificationId(raw)).toBe(notificationId(Buffer.from(raw)));
    expect(notificationId(raw)).toBe(notificationId(raw.toString('utf8')));
    expect(notificationId(raw)).toMatch(/^[0-9a-f]{32}$/);
  });

  it('gives different bodies different ids', () => {
    expect(notificationId(body([change('15550001111', 'a')]))).not.toBe(notificationId(body([change('15550001111', 'b')])));
  });
});

describe('copyId', () => {
  it('gives equal payloads for two numbers two ids, and the same id on every call', () => {
    expect(copyId('15550001111', '{"a":1}')).not.toBe(copyId('15550002222', '{"a":1}'));
    expect(copyId('15550001111', '{"a":1}')).toBe(copyId('15550001111', '{"a":1}'));
    expect(copyId('15550001111', '{"a":1}')).toMatch(/^[0-9a-f]{32}$/);
  });
});
