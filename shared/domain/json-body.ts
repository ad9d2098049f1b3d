// Parsing a request body's bytes as JSON, the same way for every route.
import { isUtf8 } from 'node:buffer';
import { Invalid } from './errors.js';

/**
 * The JSON value of a UTF-8 body. Bytes that are not UTF-8 are refused rather than decoded, which
 * would silently turn them into U+FFFD and store or forward text the client never sent.
 */
export function parseJsonBytes(raw: Buffer): unknown {
  if (!isUtf8(raw)) throw new Invalid('The request body is not UTF-8 JSON.');
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new Invalid('The request body is not valid JSON.');
  }
}
