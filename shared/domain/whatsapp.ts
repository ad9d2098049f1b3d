// WhatsApp Cloud API webhooks, pure: the signature and verify-token checks, the phone numbers a
// notification is for, and the notifications to queue (one per number, split when numbers are mixed).
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Invalid } from './errors.js';
import { parseJsonBytes } from './json-body.js';
import type { Notification } from './notification.js';
import { PHONE_NUMBER_PATTERN } from './phone-number.js';

/** Meta's format exactly: lowercase hex, the same form the notifications queue accepts. */
const SIGNATURE_HEADER = /^sha256=([0-9a-f]{64})$/;

/** A verified body that has the shape of a notification: a JSON object with an `entry` array. */
export type WebhookBody = Record<string, unknown> & { entry: unknown[] };

/**
 * True when `header` is `sha256=<hex HMAC-SHA256 of rawBody keyed with appSecret>`. Computed over
 * the bytes as received, never over re-serialized JSON, and compared in constant time.
 */
export function isValidSignature(rawBody: Buffer, header: string | undefined, appSecret: string): header is string {
  const hex = header === undefined ? undefined : SIGNATURE_HEADER.exec(header)?.[1];
  if (hex === undefined) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  // The pattern fixes both sides at 32 bytes, so timingSafeEqual's equal-length rule leaks nothing.
  return timingSafeEqual(expected, Buffer.from(hex, 'hex'));
}

/** Constant-time comparison of a presented token with the expected one, whatever their lengths. */
export function tokensMatch(presented: string, expected: string): boolean {
  // Hashing first makes the inputs equal in length, so timing reveals neither content nor length.
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}

/** Digits of a display number ("+1 555-000-1111" -> "15550001111"); undefined unless 6 to 15 digits. */
export function phoneDigits(displayPhoneNumber: unknown): string | undefined {
  if (typeof displayPhoneNumber !== 'string') return undefined;
  const digits = displayPhoneNumber.replace(/[^0-9]/g, '');
  return PHONE_NUMBER_PATTERN.test(digits) ? digits : undefined;
}

/** Parses a body whose signature already verified; Invalid (400) unless it is a UTF-8 JSON object with entry[]. */
export function parseWebhookBody(rawBody: Buffer): WebhookBody {
  // Not UTF-8 would mean the bytes cannot travel as the payload string unchanged.
  const parsed = parseJsonBytes(rawBody);
  if (!isRecord(parsed) || !Array.isArray(parsed.entry)) {
    throw new Invalid('The request body is not a WhatsApp notification: an object with an "entry" array is expected.');
  }
  return parsed as WebhookBody;
}

/** The distinct phone numbers of a notification's changes, in order of first appearance. */
export function phoneNumbersIn(body: WebhookBody): string[] {
  const numbers = new Set<string>();
  for (const entry of body.entry) {
    for (const change of changesOf(entry)) {
      const number = phoneOfChange(change);
      if (number !== undefined) numbers.add(number);
    }
  }
  return [...numbers];
}

/**
 * The body reduced to one number's changes (entries without any are left out; other fields kept).
 * Changes that name no number belong to none and appear in no split payload.
 */
export function payloadFor(body: WebhookBody, phoneNumber: string): string {
  const entry = body.entry.flatMap((item) => {
    const changes = changesOf(item).filter((change) => phoneOfChange(change) === phoneNumber);
    return changes.length === 0 ? [] : [{ ...(item as Record<string, unknown>), changes }];
  });
  return JSON.stringify({ ...body, entry });
}

/**
 * The notification id (`webhook-id`) of a payload: derived from its content, so a body Meta sends
 * again gets the same id and receivers can de-duplicate on it. 128 bits of SHA-256, in hex.
 */
export function notificationId(payload: Buffer | string): string {
  return createHash('sha256').update(payload).digest('hex').slice(0, 32);
}

/**
 * What to queue for a verified body. One number (the normal case): the raw body untouched with its
 * signature. Several: one re-serialized payload per number, unsigned, since the signature would not
 * verify. No number: nothing.
 */
export function notificationsFor(rawBody: Buffer, body: WebhookBody, signature: string, receivedAt: number): Notification[] {
  const numbers = phoneNumbersIn(body);
  if (numbers.length === 1) {
    return [{ id: notificationId(rawBody), phoneNumber: numbers[0]!, payload: rawBody.toString('utf8'), signature, receivedAt }];
  }
  return numbers.map((phoneNumber) => {
    const payload = payloadFor(body, phoneNumber);
    return { id: notificationId(payload), phoneNumber, payload, receivedAt };
  });
}

function changesOf(entry: unknown): unknown[] {
  return isRecord(entry) && Array.isArray(entry.changes) ? entry.changes : [];
}

function phoneOfChange(change: unknown): string | undefined {
  const value = isRecord(change) ? change.value : undefined;
  const metadata = isRecord(value) ? value.metadata : undefined;
  return isRecord(metadata) ? phoneDigits(metadata.display_phone_number) : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
