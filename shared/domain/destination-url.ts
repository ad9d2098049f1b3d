// Whether a URL may be configured as a webhook destination: the configuration-time half of the SSRF rule.
import { classifyAddress, describeRange, NOT_AN_IP_ADDRESS, type DestinationPolicy } from './address-policy.js';
import { MAX_URL_LENGTH } from './limits.js';

// Format characters (zero-width space, bidi overrides, soft hyphen) are invisible, and the host
// parser drops some of them: 'ex\u200bample.com' would silently become 'example.com'.
const SPACE_CONTROL_OR_INVISIBLE = /[\p{Cc}\p{Cf}\s]/u;
// In a 'u' regex a surrogate pair is one code point, so only an unpaired half matches.
const LONE_SURROGATE = /\p{Cs}/u;
// The parser also takes 'https:example.com', 'https:///example.com' and 'https:\\example.com'; other
// parsers (the receiver's, a reviewer's eye, our raw port check) may read those differently.
const PLAIN_FORM = /^[a-z][a-z\d+.-]*:\/\/(?!\/)/i;

/** undefined when the URL may be configured as a webhook destination, else one sentence for the API user. */
export function checkDestinationUrl(raw: string, policy: DestinationPolicy): string | undefined {
  if (typeof raw !== 'string') return 'url must be a string.';
  if (raw.length > MAX_URL_LENGTH) return `url must be at most ${MAX_URL_LENGTH} characters long.`;
  // Checked on the raw text because the URL parser silently drops tabs and newlines.
  if (SPACE_CONTROL_OR_INVISIBLE.test(raw)) {
    return 'url must not contain spaces, control characters or invisible characters.';
  }
  if (LONE_SURROGATE.test(raw)) return 'url must be valid Unicode text.';
  const url = parseUrl(raw);
  if (!url || !PLAIN_FORM.test(raw)) return 'url must be an absolute URL such as https://example.com/webhook.';
  if (raw.includes('\\')) return 'url must not contain backslashes.';
  if (url.href.length > MAX_URL_LENGTH) return `url must be at most ${MAX_URL_LENGTH} characters long once encoded.`;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return httpsOnly(policy);
  if (raw.includes('#')) return 'url must not contain a fragment.';

  const authority = rawAuthority(raw);
  if (authority.includes('@') || url.username || url.password) {
    return 'url must not contain credentials (user:password@).';
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host.includes('_')) return "url host must not contain '_'.";

  const range = isLocalhostName(host) ? 'loopback' : classifyAddress(host);
  const isDomainName = range === NOT_AN_IP_ADDRESS;
  // Local mode relaxes exactly this: loopback sinks, over http or https, with a port.
  if (range === 'loopback' && policy === 'local') return undefined;
  if (range !== 'public' && !isDomainName) {
    return `url must not point to ${host}, ${describeRange(range)}; webhook destinations must be public.`;
  }
  if (url.protocol !== 'https:') return httpsOnly(policy);
  // url.port cannot tell: the parser drops a default port, so 'https://a.com:443' has port ''.
  if (hasExplicitPort(authority)) {
    return 'url must not contain a port; webhooks are delivered to the https default port.';
  }
  if (isDomainName && !host.replace(/\.$/, '').includes('.')) {
    return 'url host must be a public domain name such as example.com.';
  }
  return undefined;
}

function parseUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

function httpsOnly(policy: DestinationPolicy): string {
  return policy === 'local' ? 'url must use https (http is allowed only for loopback hosts in local mode).' : 'url must use https.';
}

function isLocalhostName(host: string): boolean {
  const name = host.replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/** The authority as written: after 'scheme://' up to the first '/', '?' or '#' (backslashes are refused before). */
function rawAuthority(raw: string): string {
  const afterScheme = raw.slice(raw.indexOf('//') + 2);
  return afterScheme.split(/[/?#]/, 1)[0] ?? '';
}

function hasExplicitPort(authority: string): boolean {
  // A bracketed IPv6 literal has colons of its own; only what follows ']' can be a port.
  const afterHost = authority.startsWith('[') ? authority.slice(authority.indexOf(']') + 1) : authority;
  return afterHost.includes(':');
}
