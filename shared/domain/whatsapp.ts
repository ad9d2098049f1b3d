// WhatsApp Cloud API webhooks, pure: the signature and verify-token checks, the body's shape and the
// phone number a change names. Routing and the copies for each number: whatsapp-routing.ts, whatsapp-copies.ts.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { isAscii, isUtf8 } from 'node:buffer';
import { Invalid } from './errors.js';
import { parseJsonBytes } from './json-body.js';
import { PHONE_NUMBER_PATTERN } from './phone-number.js';

/** Meta's format exactly: lowercase hex, the same form the notifications queue accepts. */
const SIGNATURE_HEADER = /^sha256=([0-9a-f]{64})$/;

/**
 * What escaping covers: every UTF-16 code unit above `~` (DEL, then all of non-ASCII; an emoji is
 * its two surrogates). whatsapp-api-js escapes exactly this set, and Meta escapes non-ASCII; a text
 * with nothing in the set is the same under every reading.
 */
const ESCAPED = /[\x7f-\uffff]/g;

/** A verified body that has the shape of a notification: a JSON object with an `entry` array. */
export type WebhookBody = Record<string, unknown> & { entry: unknown[] };

/**
 * True when `header` is `sha256=<hex HMAC-SHA256 keyed with appSecret>` of the body under either
 * reading of Meta's rule: the bytes as received, or the body with non-ASCII escaped as \uXXXX
 * ("an escaped unicode version of the payload"). Each candidate is compared in constant time, and
 * which candidates exist depends on the body alone, never on the presented signature.
 */
export function isValidSignature(rawBody: Buffer, header: string | undefined, appSecret: string): header is string {
  const hex = header === undefined ? undefined : SIGNATURE_HEADER.exec(header)?.[1];
  if (hex === undefined) return false;
  const presented = Buffer.from(hex, 'hex');
  // The pattern fixes both sides at 32 bytes, so timingSafeEqual's equal-length rule leaks nothing.
  const overBytes = timingSafeEqual(hmac(appSecret, rawBody), presented);
  // An ASCII body escapes to itself; bytes that are not UTF-8 have no escaped reading (and are a 400 later).
  const hasEscapedReading = (!isAscii(rawBody) || rawBody.includes(0x7f)) && isUtf8(rawBody);
  const overEscaped = hasEscapedReading && timingSafeEqual(hmac(appSecret, escapeNonAscii(rawBody.toString('utf8'))), presented);
  return overBytes || overEscaped;
}

/** `sha256=<hex>` of the text's UTF-8 bytes keyed with the app secret: the header of a copy we made. */
export function signatureOf(payload: string, appSecret: string): string {
  return `sha256=${hmac(appSecret, payload).toString('hex')}`;
}

/**
 * The text with every character above `~` written as a lowercase \uXXXX escape. Valid JSON stays
 * valid and parses to the same value: such characters only occur inside strings, never after a
 * backslash, and JSON's \u escapes are UTF-16 code units, as these are.
 */
export function escapeNonAscii(text: string): string {
  return text.replace(ESCAPED, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
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

/**
 * The phone number a change names: `value.metadata.display_phone_number` (messages, statuses, calls,
 * echoes) or `value.display_phone_number` (phone-level events: quality, name, security). A change
 * naming neither is about its WABA as a whole.
 */
export function phoneOfChange(change: unknown): string | undefined {
  const value = isRecord(change) ? change.value : undefined;
  if (!isRecord(value)) return undefined;
  const metadata = isRecord(value.metadata) ? value.metadata : undefined;
  return phoneDigits(metadata?.display_phone_number) ?? phoneDigits(value.display_phone_number);
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

/**
 * The notification id (`webhook-id`) of a payload: derived from its content, so a body Meta sends
 * again gets the same id and receivers can de-duplicate on it. 128 bits of SHA-256, in hex.
 */
export function notificationId(payload: Buffer | string): string {
  return createHash('sha256').update(payload).digest('hex').slice(0, 32);
}

/**
 * The id of one number's copy of a body that goes to several numbers. The number is part of it:
 * copies of a WABA-level event are often equal byte for byte, and a receiver serving two numbers
 * must not drop the second as a duplicate of the first.
 */
export function copyId(phoneNumber: string, payload: string): string {
  return createHash('sha256').update(`${phoneNumber}\n`).update(payload).digest('hex').slice(0, 32);
}

export function changesOf(entry: unknown): unknown[] {
  return isRecord(entry) && Array.isArray(entry.changes) ? entry.changes : [];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function hmac(secret: string, data: Buffer | string): Buffer {
  return createHmac('sha256', secret).update(data).digest();
}
