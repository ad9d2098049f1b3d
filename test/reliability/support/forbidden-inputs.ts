// The values the rules forbid, by rule: URLs, header sets and webhook names, each with what is wrong with it.
import type { DestinationPolicy } from '../../../shared/domain/address-policy.js';
import { MAX_HEADERS_PER_WEBHOOK, MAX_HEADERS_TOTAL_BYTES, MAX_NAME_LENGTH, MAX_URL_LENGTH } from '../../../shared/domain/limits.js';

/** A forbidden value, what is wrong with it, and the status it earns (400 unless the body outgrows its limit). */
export interface Forbidden<T> {
  what: string;
  value: T;
  status?: 400 | 413;
}

const OK_HOST = 'hooks.example.com';

/** Loopback destinations: refused in strict policy, the one thing local policy allows. */
const LOOPBACK_URLS: Forbidden<unknown>[] = [
  { what: 'a loopback IPv4 url', value: 'https://127.0.0.1/hook' },
  { what: 'a loopback url over http with a port', value: 'http://127.0.0.1:9000/hook' },
  { what: 'another address of 127.0.0.0/8', value: 'https://127.255.255.254/' },
  { what: 'the IPv6 loopback', value: 'https://[::1]/hook' },
  { what: 'localhost', value: 'https://localhost/hook' },
  { what: 'localhost over http with a port', value: 'http://localhost:3000/hook' },
  { what: 'LOCALHOST. in capitals with a trailing dot', value: 'https://LOCALHOST./' },
  { what: 'a subdomain of localhost', value: 'https://api.localhost/' },
  { what: 'loopback written as one decimal number', value: 'https://2130706433/' },
  { what: 'loopback written in hexadecimal', value: 'https://0x7f000001/' },
  { what: 'loopback written in octal', value: 'https://0177.0.0.1/' },
  { what: 'loopback in the short form 127.1', value: 'https://127.1/' },
  { what: 'loopback as an IPv4-mapped IPv6 address', value: 'https://[::ffff:127.0.0.1]/' },
];

/** Forbidden under both policies: local policy relaxes loopback and nothing else. */
const ALWAYS_FORBIDDEN_URLS: Forbidden<unknown>[] = [
  // schemes
  { what: 'an http url', value: `http://${OK_HOST}/wa` },
  { what: 'an ftp url', value: `ftp://${OK_HOST}/wa` },
  { what: 'a file url', value: 'file:///etc/passwd' },
  { what: 'a javascript url', value: 'javascript:alert(1)' },
  { what: 'a data url', value: 'data:text/plain,hello' },
  { what: 'a websocket url', value: `wss://${OK_HOST}/wa` },
  { what: 'a gopher url', value: `gopher://${OK_HOST}/_x` },
  // underscore
  { what: 'an underscore in the host', value: 'https://your_webhook.example.com/' },
  { what: 'a host label starting with an underscore', value: 'https://_dmarc.example.com/' },
  // ports
  { what: 'the explicit default port :443', value: `https://${OK_HOST}:443/wa` },
  { what: 'an explicit port :8443', value: `https://${OK_HOST}:8443/wa` },
  { what: 'an empty port after the colon', value: `https://${OK_HOST}:/wa` },
  { what: 'port 0', value: `https://${OK_HOST}:0/` },
  { what: 'a port beyond 65535', value: `https://${OK_HOST}:65536/` },
  { what: 'an IPv6 literal with :443', value: 'https://[2606:4700::1111]:443/' },
  // credentials
  { what: 'user and password in the url', value: `https://user:secret@${OK_HOST}/` },
  { what: 'a user name in the url', value: `https://user@${OK_HOST}/` },
  { what: 'an empty userinfo', value: `https://:@${OK_HOST}/` },
  { what: 'a trusted-looking userinfo in front of the metadata address', value: `https://${OK_HOST}@169.254.169.254/` },
  // non-public literals
  { what: 'a private 10/8 address', value: 'https://10.0.0.1/hook' },
  { what: 'a private 172.16/12 address', value: 'https://172.16.0.1/hook' },
  { what: 'a private 192.168/16 address', value: 'https://192.168.1.1/hook' },
  { what: 'a link-local address', value: 'https://169.254.0.1/' },
  { what: 'the cloud metadata address 169.254.169.254', value: 'https://169.254.169.254/latest/meta-data/' },
  { what: 'the IPv6 cloud metadata address fd00:ec2::254', value: 'https://[fd00:ec2::254]/' },
  { what: 'a carrier-grade NAT address', value: 'https://100.64.0.1/' },
  { what: 'a unique-local IPv6 address', value: 'https://[fd12:3456:789a::1]/' },
  { what: 'an fc00::/8 address', value: 'https://[fc00::1]/' },
  { what: 'a link-local IPv6 address', value: 'https://[fe80::1]/' },
  { what: 'an IPv6 zone id', value: 'https://[fe80::1%25eth0]/' },
  { what: 'the unspecified address 0.0.0.0', value: 'https://0.0.0.0/' },
  { what: 'the unspecified address written as 0', value: 'https://0/' },
  { what: 'the unspecified IPv6 address', value: 'https://[::]/' },
  { what: 'a multicast address', value: 'https://224.0.0.1/' },
  { what: 'the broadcast address', value: 'https://255.255.255.255/' },
  { what: 'a reserved 240/4 address', value: 'https://240.0.0.1/' },
  { what: 'a documentation address', value: 'https://192.0.2.10/' },
  // the same, disguised
  { what: 'a private address as an IPv4-mapped IPv6 address', value: 'https://[::ffff:10.0.0.1]/' },
  { what: 'the metadata address as an IPv4-mapped IPv6 address in hex', value: 'https://[::ffff:a9fe:a9fe]/' },
  { what: 'the metadata address behind NAT64', value: 'https://[64:ff9b::a9fe:a9fe]/' },
  { what: 'the metadata address inside 6to4', value: 'https://[2002:a9fe:a9fe::1]/' },
  { what: 'a private address written as one decimal number', value: 'https://167772161/' },
  { what: 'the metadata address written as one decimal number', value: 'https://2852039166/' },
  { what: 'the metadata address written in hexadecimal', value: 'https://0xa9fea9fe/' },
  { what: 'the metadata address written in octal', value: 'https://0251.0376.0251.0376/' },
  { what: 'a private address in mixed hex and short form', value: 'https://0x0a.1/' },
  { what: 'a private address in the short form 10.1', value: 'https://10.1/' },
  { what: 'a percent-encoded private address', value: 'https://%31%30.0.0.1/' },
  // characters
  { what: 'a NUL in the path', value: `https://${OK_HOST}/a\u0000b` },
  { what: 'a tab in the host', value: 'https://hooks.exa\tmple.com/' },
  { what: 'a line feed in the host', value: 'https://hooks.exa\nmple.com/' },
  { what: 'a carriage return in the path', value: `https://${OK_HOST}/a\rb` },
  { what: 'a DEL character', value: `https://${OK_HOST}/a\u007fb` },
  { what: 'a space in the path', value: `https://${OK_HOST}/a b` },
  { what: 'a leading space', value: ` https://${OK_HOST}/` },
  { what: 'a trailing line feed', value: `https://${OK_HOST}/\n` },
  { what: 'a zero-width space in the host', value: 'https://hooks.exa\u200bmple.com/' },
  { what: 'a right-to-left override', value: `https://${OK_HOST}/\u202etxt.exe` },
  { what: 'a lone surrogate', value: `https://${OK_HOST}/\ud800` },
  { what: 'a backslash before an @', value: `https://${OK_HOST}\\@evil.example.com/` },
  { what: 'backslashes instead of slashes', value: 'https:\\\\hooks.example.com\\wa' },
  // forms
  { what: 'no slashes after the scheme', value: `https:${OK_HOST}/wa` },
  { what: 'three slashes after the scheme', value: `https:///${OK_HOST}/wa` },
  { what: 'a scheme-relative url', value: `//${OK_HOST}/wa` },
  { what: 'a relative path', value: '/wa' },
  { what: 'a host without a scheme', value: `${OK_HOST}/wa` },
  { what: 'an empty url', value: '' },
  { what: 'a fragment', value: `https://${OK_HOST}/wa#section` },
  { what: 'a single-label host', value: 'https://intranet/wa' },
  { what: 'an invalid IPv4 address', value: 'https://256.0.0.1/' },
  { what: 'an unclosed IPv6 bracket', value: 'https://[2606:4700::1111/' },
  { what: 'a space in the host', value: 'https://hooks example.com/' },
  // length
  { what: `a url one character over ${MAX_URL_LENGTH}`, value: `https://${OK_HOST}/${'a'.repeat(MAX_URL_LENGTH - OK_HOST.length - 8)}` },
  {
    what: `a url within ${MAX_URL_LENGTH} characters that outgrows it once percent-encoded`,
    value: `https://${OK_HOST}/${'é'.repeat(1000)}`,
  },
  { what: 'an absurdly long url (40,000 characters, over the body limit)', value: `https://${OK_HOST}/${'a'.repeat(40_000)}`, status: 413 },
  // local policy keeps every other rule for loopback too
  { what: 'credentials on a loopback url', value: 'http://user:pw@127.0.0.1:9000/hook' },
  { what: 'a fragment on a loopback url', value: 'http://127.0.0.1:9000/hook#x' },
  { what: 'an underscore in a localhost name', value: 'http://my_sink.localhost:9000/' },
  { what: 'an ftp loopback url', value: 'ftp://127.0.0.1/' },
  { what: 'a control character in a loopback url', value: 'http://127.0.0.1:9000/\u0000' },
  // types
  { what: 'a url that is a number', value: 42 },
  { what: 'a url that is null', value: null },
  { what: 'a url that is true', value: true },
  { what: 'a url that is an array', value: [`https://${OK_HOST}/`] },
  { what: 'a url that is an object', value: { href: `https://${OK_HOST}/` } },
];

/** Every URL the given policy must refuse. */
export function forbiddenUrls(policy: DestinationPolicy): Forbidden<unknown>[] {
  return policy === 'strict' ? [...LOOPBACK_URLS, ...ALWAYS_FORBIDDEN_URLS] : ALWAYS_FORBIDDEN_URLS;
}

const manyHeaders = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`X-H${i}`, 'v']));

/** Header sets the rules refuse. Raw JSON for the ones a JS object literal cannot express. */
export const FORBIDDEN_HEADERS: Forbidden<unknown>[] = [
  // shapes
  { what: 'headers that are a string', value: 'Authorization: Bearer x' },
  { what: 'headers that are a number', value: 42 },
  { what: 'headers that are a list of pairs', value: [['X-A', '1']] },
  { what: 'headers that are true', value: true },
  { what: 'headers that are null', value: null },
  // names
  { what: 'an empty header name', value: { '': 'v' } },
  { what: 'a space in a header name', value: { 'X Token': 'v' } },
  { what: 'a colon in a header name', value: { 'X:Token': 'v' } },
  { what: 'a whole header line as the name', value: { 'Authorization: Bearer sk_live_1': 'v' } },
  { what: 'a non-ASCII header name', value: { 'X-Tökén': 'v' } },
  { what: 'an emoji header name', value: { '😀': 'v' } },
  { what: 'CR/LF in a header name', value: { 'X-A\r\nX-Injected': 'v' } },
  { what: 'a NUL in a header name', value: { 'X\u0000A': 'v' } },
  { what: 'a tab in a header name', value: { 'X\tA': 'v' } },
  ...['(', ')', '/', '"', '@', '{', '[', '=', ',', ';', '<', '?', '\\'].map((c): Forbidden<unknown> => ({
    what: `the separator ${c} in a header name`,
    value: { [`X${c}A`]: 'v' },
  })),
  // values
  { what: 'CR/LF in a header value (header injection)', value: { 'X-A': 'a\r\nX-Injected: 1' } },
  { what: 'a bare LF in a header value', value: { 'X-A': 'a\nb' } },
  { what: 'a bare CR in a header value', value: { 'X-A': 'a\rb' } },
  { what: 'a NUL in a header value', value: { 'X-A': 'a\u0000b' } },
  { what: 'a DEL in a header value', value: { 'X-A': 'a\u007fb' } },
  { what: 'a BEL in a header value', value: { 'X-A': '\u0007' } },
  { what: 'an ESC sequence in a header value', value: { 'X-A': '\u001b[31mred' } },
  { what: 'a C1 control in a header value', value: { 'X-A': 'a\u0085b' } },
  { what: 'a character beyond Latin-1 in a header value', value: { 'X-A': 'ā' } },
  { what: 'an emoji in a header value', value: { 'X-A': '👍' } },
  { what: 'a line separator U+2028 in a header value', value: { 'X-A': 'a\u2028b' } },
  { what: 'a lone surrogate in a header value', value: { 'X-A': 'a\ud800' } },
  { what: 'a header value that is a number', value: { 'X-A': 42 } },
  { what: 'a header value that is null', value: { 'X-A': null } },
  { what: 'a header value that is true', value: { 'X-A': true } },
  { what: 'a header value that is a list', value: { 'X-A': ['a', 'b'] } },
  { what: 'a header value that is an object', value: { 'X-A': {} } },
  // limits
  { what: `${MAX_HEADERS_PER_WEBHOOK + 1} headers`, value: manyHeaders(MAX_HEADERS_PER_WEBHOOK + 1) },
  {
    what: `a header value that takes the total over ${MAX_HEADERS_TOTAL_BYTES} bytes`,
    value: { 'X-A': 'v'.repeat(MAX_HEADERS_TOTAL_BYTES) },
  },
  {
    what: `Latin-1 values that are over ${MAX_HEADERS_TOTAL_BYTES} bytes only in UTF-8`,
    value: { 'X-A': 'é'.repeat(1500), 'X-B': 'é'.repeat(600) },
  },
  { what: 'a header set far over the body limit', value: { 'X-A': 'v'.repeat(40_000) }, status: 413 },
  // the connection's own headers
  ...[
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
    'CONTENT-LENGTH',
    'transfer-encoding',
  ].map((name): Forbidden<unknown> => ({
    what: `the connection header ${name}`,
    value: { [name]: name.toLowerCase() === 'content-length' ? '0' : 'x' },
  })),
  // set by the delivery itself
  ...['webhook-id', 'Webhook-Timestamp', 'WEBHOOK-SIGNATURE', 'X-Hub-Signature-256'].map((name): Forbidden<unknown> => ({
    what: `the reserved header ${name}`,
    value: { [name]: 'forged' },
  })),
  { what: 'one header given twice in different case', value: { 'X-Token': '1', 'x-token': '2' } },
];

/** Header objects with prototype keys, as raw JSON (an object literal would set the prototype instead). */
export const PROTOTYPE_HEADERS: Forbidden<string>[] = [
  { what: 'a header named __proto__', value: '{"__proto__": "x"}' },
  { what: 'a __proto__ header holding an object', value: '{"__proto__": {"X-Polluted": "yes", "pollutedByMatrix": "yes"}}' },
  { what: 'a constructor header holding a prototype object', value: '{"constructor": {"prototype": {"pollutedByMatrix": "yes"}}}' },
  { what: 'a prototype header holding an object', value: '{"prototype": {"pollutedByMatrix": "yes"}}' },
];

/** Webhook names the rules refuse (as JSON values). */
export const FORBIDDEN_NAMES: Forbidden<unknown>[] = [
  { what: 'an empty name', value: '' },
  { what: `a name of ${MAX_NAME_LENGTH + 1} characters`, value: 'n'.repeat(MAX_NAME_LENGTH + 1) },
  { what: `a name of ${MAX_NAME_LENGTH + 1} emoji`, value: '😀'.repeat(MAX_NAME_LENGTH + 1) },
  { what: 'a name of 10,000 characters', value: 'n'.repeat(10_000) },
  { what: 'a NUL name', value: '\u0000' },
  { what: 'a name with a NUL inside', value: 'a\u0000config' },
  { what: 'a name with a line feed', value: 'line\nbreak' },
  { what: 'a name with a carriage return', value: 'cr\r' },
  { what: 'a name with a tab', value: 'tab\there' },
  { what: 'a name with DEL', value: 'del\u007f' },
  { what: 'a name with a C1 control', value: 'next\u0085line' },
  { what: 'a name with an ANSI escape', value: '\u001b[31mred' },
  { what: 'a lone high surrogate', value: '\ud800' },
  { what: 'a name ending in a lone low surrogate', value: 'x\udc00' },
  { what: 'a surrogate pair in the wrong order', value: '\udc00\ud800' },
  { what: 'a name that is a number', value: 42 },
  { what: 'a name that is null', value: null },
  { what: 'a name that is true', value: true },
  { what: 'a name that is a list', value: ['hook'] },
  { what: 'a name that is an object', value: { name: 'hook' } },
];

/** Names as a DELETE query carries them (percent-encoded), refused with 400. */
export const FORBIDDEN_QUERY_NAMES: Forbidden<string>[] = [
  { what: 'an empty ?name=', value: '' },
  { what: 'a NUL in ?name=', value: '%00' },
  { what: 'a line feed in ?name=', value: 'a%0Ab' },
  { what: 'DEL in ?name=', value: '%7F' },
  { what: 'a C1 control in ?name=', value: '%C2%85' },
  { what: 'an ANSI escape in ?name=', value: '%1B%5B31m' },
  { what: `a ?name= of ${MAX_NAME_LENGTH + 1} characters`, value: 'n'.repeat(MAX_NAME_LENGTH + 1) },
  { what: 'a ?name= of 4,000 characters', value: 'n'.repeat(4000) },
];
