// What an item stores of a notification (its receive time, signature and payload), and how it reads
// back. DynamoDB bills an item by its bytes (a write unit per KB, doubled in a transaction), so a
// payload is kept compressed (a Binary attribute) when that is smaller, and as the plain string
// otherwise. Reading takes either form: items written before compression still read.
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import type { PayloadRef } from '../domain/payload.js';

/**
 * Brotli at quality 5 and a 64 KB window: on WhatsApp bodies about 9 % smaller than deflate (its
 * built-in dictionary knows JSON and English), at tens of microseconds for a 3 KB body; higher
 * qualities gain a few bytes for many times the time.
 */
const BROTLI_OPTIONS = {
  [constants.BROTLI_PARAM_QUALITY]: 5,
  [constants.BROTLI_PARAM_LGWIN]: 16,
  [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
};

/** A payload as an item stores it: compressed bytes, or the string itself when compressing does not make it smaller. */
export function storedPayload(payload: string): string | Uint8Array {
  const bytes = Buffer.byteLength(payload);
  const compressed = brotliCompressSync(payload, { params: { ...BROTLI_OPTIONS, [constants.BROTLI_PARAM_SIZE_HINT]: bytes } });
  return compressed.length < bytes ? compressed : payload;
}

/** The payload byte for byte, from either stored form; undefined when the item has none. */
export function payloadOfStored(stored: unknown): string | undefined {
  if (typeof stored === 'string') return stored;
  return stored instanceof Uint8Array ? brotliDecompressSync(stored).toString('utf8') : undefined;
}

const SIGNATURE_PREFIX = 'sha256=';
const SIGNATURE_PATTERN = /^sha256=[0-9a-f]{64}$/;

/** `sha256=<64 hex>` as its 32 bytes (71 bytes as a string); anything else as it is. */
export function storedSignature(signature: string): string | Uint8Array {
  return SIGNATURE_PATTERN.test(signature) ? Buffer.from(signature.slice(SIGNATURE_PREFIX.length), 'hex') : signature;
}

export function signatureOfStored(stored: unknown): string | undefined {
  if (typeof stored === 'string') return stored;
  return stored instanceof Uint8Array ? `${SIGNATURE_PREFIX}${Buffer.from(stored).toString('hex')}` : undefined;
}

/** What both a parked item and a kept notification store of their notification. */
export interface StoredNotification {
  receivedAt: number;
  signature?: string;
  /** Exactly one of payload and payloadRef. */
  payload?: string;
  payloadRef?: PayloadRef;
}

/**
 * Those fields as item attributes, under one-letter names: an item pays for its attribute names
 * too, and both items leave out what their key already says (the number, the id, the destination).
 */
export function storedNotification(notification: StoredNotification): Record<string, unknown> {
  const { receivedAt, signature, payload, payloadRef } = notification;
  return {
    t: receivedAt,
    ...(signature !== undefined && { s: storedSignature(signature) }),
    ...(payload !== undefined && { p: storedPayload(payload) }),
    ...(payloadRef !== undefined && { r: payloadRef }),
  };
}

/** The fields back, from an item in either layout: items written before the short names (and compression) still read. */
export function notificationOfStored(item: Record<string, unknown>): StoredNotification {
  const legacy = item.t === undefined;
  const signature = signatureOfStored(legacy ? item.signature : item.s);
  const payload = payloadOfStored(legacy ? item.payload : item.p);
  const payloadRef = (legacy ? item.payloadRef : item.r) as PayloadRef | undefined;
  return {
    receivedAt: (legacy ? item.receivedAt : item.t) as number,
    ...(signature !== undefined && { signature }),
    ...(payload !== undefined && { payload }),
    ...(payloadRef !== undefined && { payloadRef }),
  };
}
