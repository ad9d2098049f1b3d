// WhatsApp webhook rules: signature, verify token, phone numbers, splitting and notification ids.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Invalid } from '../../../shared/domain/errors.js';
import {
  isValidSignature,
  notificationId,
  notificationsFor,
  parseWebhookBody,
  phoneDigits,
  phoneNumbersIn,
  tokensMatch,
} from '../../../shared/domain/whatsapp.js';

const SECRET = 'app-secret';
const sign = (body: Buffer | string, secret = SECRET) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

function change(displayPhoneNumber: string | undefined, messageId: string) {
  const metadata = displayPhoneNumber === undefined ? {} : { display_phone_number: displayPhoneNumber, phone_number_id: `id-${messageId}` };
  return { field: 'messages', value: { messaging_product: 'whatsapp', metadata, messages: [{ id: messageId }] } };
}

function body(...entries: unknown[][]): Buffer {
  return Buffer.from(JSON.stringify({ object: 'whatsapp_business_account', entry: entries.map((changes, index) => ({ id: `waba-${index}`, changes })) }));
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

describe('phoneNumbersIn', () => {
  it('lists each number once, in order of first appearance, across entries and changes', () => {
    const parsed = parseWebhookBody(body([change('+44 7700 900123', 'a'), change('15550001111', 'b')], [change('447700900123', 'c')]));
    expect(phoneNumbersIn(parsed)).toEqual(['447700900123', '15550001111']);
  });

  it('skips changes and entries without a usable number', () => {
    const parsed = parseWebhookBody(Buffer.from(JSON.stringify({ entry: [null, { changes: 'x' }, { changes: [change(undefined, 'a'), 7] }] })));
    expect(phoneNumbersIn(parsed)).toEqual([]);
  });
});

describe('notificationsFor', () => {
  it('keeps a one-number body byte for byte, with its signature, even beside changes that name no number', () => {
    const raw = Buffer.from(`{ "object": "whatsapp_business_account", "entry": [{"id": "w", "changes": [${JSON.stringify(change('+1 555-000-1111', 'a'))}, ${JSON.stringify(change(undefined, 'b'))}]}] }`);
    const [notification, ...others] = notificationsFor(raw, parseWebhookBody(raw), sign(raw), 1_700_000_000_000);
    expect(others).toEqual([]);
    expect(notification).toEqual({ id: notificationId(raw), phoneNumber: '15550001111', payload: raw.toString('utf8'), signature: sign(raw), receivedAt: 1_700_000_000_000 });
  });

  it('splits a mixed body into one unsigned payload per number holding only that number\'s changes', () => {
    const raw = body([change('15550001111', 'a1'), change('15550002222', 'b1')], [change('15550002222', 'b2')], [change(undefined, 'waba')]);
    const notifications = notificationsFor(raw, parseWebhookBody(raw), sign(raw), 1);
    expect(notifications.map(({ phoneNumber, signature }) => ({ phoneNumber, signature }))).toEqual([
      { phoneNumber: '15550001111', signature: undefined },
      { phoneNumber: '15550002222', signature: undefined },
    ]);
    const [first, second] = notifications.map((notification) => JSON.parse(notification.payload));
    expect(first).toEqual({ object: 'whatsapp_business_account', entry: [{ id: 'waba-0', changes: [change('15550001111', 'a1')] }] });
    expect(second).toEqual({
      object: 'whatsapp_business_account',
      entry: [
        { id: 'waba-0', changes: [change('15550002222', 'b1')] },
        { id: 'waba-1', changes: [change('15550002222', 'b2')] },
      ],
    });
    expect(notifications.map(({ id, payload }) => id === notificationId(payload))).toEqual([true, true]);
  });

  it('queues nothing for a body that names no phone number', () => {
    const raw = body([change(undefined, 'a')]);
    expect(notificationsFor(raw, parseWebhookBody(raw), sign(raw), 1)).toEqual([]);
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
