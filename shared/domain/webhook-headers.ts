// Whether a webhook's configured headers may go out with every delivery. Sentences name headers but
// never echo a value: values are often secrets (API keys, bearer tokens).
import { DELIVERY_MARKER_HEADER } from './fan-out.js';
import { MAX_HEADERS_PER_WEBHOOK, MAX_HEADERS_TOTAL_BYTES } from './limits.js';

/** Reserved names that the delivery itself sets (lowercase): webhook-id, webhook-timestamp, webhook-signature, x-hub-signature-256, the delivery marker */
export const RESERVED_HEADER_NAMES: ReadonlySet<string> = new Set([
  DELIVERY_MARKER_HEADER,
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'x-hub-signature-256',
]);

// Hop-by-hop and framing headers belong to the connection the delivery client opens, which drops them
// too: a configured one would corrupt the request or smuggle a second one.
export const CONNECTION_HEADER_NAMES: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
  'expect',
]);

// Valid tokens, but names of JavaScript object internals: a header object holding one of them as its
// own key cannot be stored (the DynamoDB marshaller reads `constructor` to pick a type, and assigning
// `__proto__` sets the prototype instead), and delivery, which lowercases names, would drop it.
const OBJECT_INTERNAL_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor']);

const TOKEN_CHARACTERS = "!#$%&'*+-.^_`|~";
const TOKEN_PREFIX = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]*/; // RFC 7230 tchar
// What Node's http and undici accept on the wire (tab, visible ASCII, Latin-1), minus C1 controls:
// a value they refuse would fail every delivery after the configuration succeeded.
const SENDABLE_VALUE = /^[\t\x20-\x7E\xA0-\xFF]*$/;

/** undefined when the headers may be configured, else one sentence for the API user. */
export function checkWebhookHeaders(headers: Record<string, unknown>): string | undefined {
  if (!isPlainObject(headers)) return 'headers must be an object that maps header names to string values.';
  const entries = Object.entries(headers);
  if (entries.length > MAX_HEADERS_PER_WEBHOOK) return `headers may hold at most ${MAX_HEADERS_PER_WEBHOOK} entries.`;
  const seen = new Map<string, string>(); // lowercase name -> the name as given
  let totalBytes = 0;
  for (const [name, value] of entries) {
    const problem = checkName(name, seen) ?? checkValue(name, value);
    if (problem) return problem;
    totalBytes += Buffer.byteLength(name) + Buffer.byteLength(value as string);
  }
  if (totalBytes > MAX_HEADERS_TOTAL_BYTES) {
    return `headers may total at most ${MAX_HEADERS_TOTAL_BYTES} bytes (names and values, UTF-8).`;
  }
  return undefined;
}

function checkName(name: string, seen: Map<string, string>): string | undefined {
  if (name === '') return 'header names must not be empty.';
  const token = TOKEN_PREFIX.exec(name)?.[0] ?? '';
  if (token !== name) {
    // Show only the part before the offending character: a mistyped "Authorization: Bearer ..." is a secret.
    const where = token ? `the one starting ${quote(token)} contains` : 'one starts with';
    const offender = describeCharacter(name, token.length);
    return `header names may contain only letters, digits and ${TOKEN_CHARACTERS}; ${where} ${offender}.`;
  }
  const lower = name.toLowerCase();
  if (RESERVED_HEADER_NAMES.has(lower)) {
    return `header ${quote(name)} is set by the delivery itself and cannot be configured.`;
  }
  if (CONNECTION_HEADER_NAMES.has(lower)) {
    return `header ${quote(name)} belongs to the HTTP connection and cannot be configured.`;
  }
  if (OBJECT_INTERNAL_NAMES.has(lower)) return `header ${quote(name)} is not a usable header name.`;
  const earlier = seen.get(lower);
  if (earlier !== undefined) {
    return `headers ${quote(earlier)} and ${quote(name)} are the same header (names ignore case); give it once.`;
  }
  seen.set(lower, name);
  return undefined;
}

function checkValue(name: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return `header ${quote(name)} must have a string value.`;
  if (!SENDABLE_VALUE.test(value)) {
    return (
      `header ${quote(name)} has a value HTTP cannot carry: use printable ASCII or Latin-1 characters ` +
      'and tabs, without line breaks or other control characters.'
    );
  }
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function quote(name: string): string {
  return JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}...` : name);
}

function describeCharacter(text: string, index: number): string {
  const codePoint = text.codePointAt(index) ?? 0;
  if (codePoint > 0x20 && codePoint < 0x7f) return `'${String.fromCodePoint(codePoint)}'`;
  return `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
}
