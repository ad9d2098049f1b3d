// Which URLs may be configured as webhook destinations, in strict and local policy.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { checkDestinationUrl } from '../../../shared/domain/destination-url.js';
import { classifyAddress } from '../../../shared/domain/address-policy.js';
import { MAX_URL_LENGTH } from '../../../shared/domain/limits.js';

const policies = ['strict', 'local'] as const;

// Any code point, lone surrogates included, plus characters that matter to URL parsers.
const anyText = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
    fc.constantFrom('/', '\\', ':', '@', '[', ']', '#', '?', '%', '.', '_', '\t', '\ud800', '1', 'a'),
  ),
});

describe('checkDestinationUrl accepts public https destinations', () => {
  it.each([
    'https://example.com/webhook',
    'https://hooks.example.com/a/b?token=x&y=1',
    'https://EXAMPLE.com/Case/Kept',
    'https://example.com./hook',
    'https://bücher.de/hook',
    'https://8.8.8.8/hook',
    'https://[2606:4700:4700::1111]/hook',
    'https://example.com',
  ])('accepts %s in both policies', (url) => {
    for (const policy of policies) expect(checkDestinationUrl(url, policy)).toBeUndefined();
  });

  it('accepts a URL of exactly the maximum length', () => {
    const url = 'https://example.com/';
    const longest = url + 'a'.repeat(MAX_URL_LENGTH - url.length);
    expect(checkDestinationUrl(longest, 'strict')).toBeUndefined();
  });
});

describe('checkDestinationUrl refuses, in both policies', () => {
  it.each([
    ['https://your_webhook.example.com', "'_'", 'a host with an underscore'],
    ['https://%5F.example.com/', "'_'", 'a percent-encoded underscore in the host'],
    ['https://sub.example.com:3000', 'port', 'an explicit port'],
    ['https://example.com:443', 'port', 'the default port written out'],
    ['https://example.com:/hook', 'port', 'an empty port'],
    ['https://[2606:4700:4700::1111]:443/', 'port', 'a port after an IPv6 literal'],
    ['http://example.com', 'https', 'plain http to a public host'],
    ['ftp://example.com/', 'https', 'another scheme'],
    ['https://user:pw@example.com', 'credentials', 'a user name and password'],
    ['https://user@example.com', 'credentials', 'a user name'],
    ['https://@example.com', 'credentials', 'an empty user name'],
    ['https://169.254.169.254/latest/meta-data', 'link-local', 'the cloud metadata address'],
    ['https://[fd00::1]/', 'unique-local', 'a unique-local IPv6 address'],
    ['https://[fe80::1]/', 'link-local', 'a link-local IPv6 address'],
    ['https://100.64.0.1/', 'carrier-grade NAT', 'a carrier-grade NAT address'],
    ['https://0.0.0.0/', 'unspecified', 'the unspecified address'],
    ['https://[::]/', 'unspecified', 'the unspecified IPv6 address'],
    ['https://10.0.0.1/', 'private', 'a private 10/8 address'],
    ['https://172.16.0.1/', 'private', 'a private 172.16/12 address'],
    ['https://192.168.1.1/', 'private', 'a private 192.168/16 address'],
    ['https://192.0.2.1/', 'documentation', 'a documentation address'],
    ['https://224.0.0.1/', 'multicast', 'a multicast address'],
    ['https://[64:ff9b::a00:1]/', 'NAT64', 'a NAT64 address'],
    ['https://exa\tmple.com', 'control', 'a tab, which the URL parser would silently drop'],
    ['https://example.com/\n', 'control', 'a trailing newline'],
    ['https://exa mple.com', 'spaces', 'a space'],
    [' https://example.com', 'spaces', 'a leading space'],
    ['https://example.com/\u00a0', 'spaces', 'a no-break space'],
    ['https://example.com/\u0085', 'control', 'a C1 control character'],
    ['https://ex\u200bample.com/', 'invisible', 'a zero-width space the host parser would drop'],
    ['https://example.com/\u202e', 'invisible', 'a bidi override'],
    ['https://exam\u00adple.com/', 'invisible', 'a soft hyphen'],
    ['https:example.com/hook', 'absolute URL', 'a scheme without slashes'],
    ['https:///example.com:8443/', 'absolute URL', 'three slashes, which the parser would skip'],
    ['https://example.com\\@evil.example/', 'backslashes', 'a backslash that parsers read differently'],
    ['https://example.com/\ud800', 'Unicode', 'a lone surrogate'],
    ['https://example.com/' + 'a'.repeat(100_000), 'at most 2048', 'an absurd length'],
    ['https://example.com/' + 'a'.repeat(MAX_URL_LENGTH - 19), 'at most 2048', 'one character too many'],
    ['', 'absolute URL', 'an empty string'],
    ['/hook', 'absolute URL', 'a relative URL'],
    ['example.com/hook', 'absolute URL', 'a URL without a scheme'],
    ['https://', 'absolute URL', 'a scheme without a host'],
    ['https://example.com/hook#part', 'fragment', 'a fragment'],
    ['https://example.com/hook#', 'fragment', 'an empty fragment'],
    ['https://evil.example#@example.com', 'fragment', 'a fragment that hides the real host'],
    ['https://intranet/', 'domain name', 'a single-label host'],
    ['https://intranet./', 'domain name', 'a single-label host with a trailing dot'],
  ])('refuses %j (%s) because of %s', (url, expected) => {
    for (const policy of policies) expect(checkDestinationUrl(url, policy)).toContain(expected);
  });

  it('answers with the sentence the API returns', () => {
    expect(checkDestinationUrl('http://example.com', 'strict')).toBe('url must use https.');
    expect(checkDestinationUrl('https://example.com/#x', 'strict')).toBe('url must not contain a fragment.');
    expect(checkDestinationUrl('https://10.0.0.1/', 'strict')).toBe(
      'url must not point to 10.0.0.1, a private address; webhook destinations must be public.',
    );
  });
});

describe('checkDestinationUrl in strict policy', () => {
  it.each([
    'https://127.0.0.1/',
    'http://127.0.0.1:8080/hook',
    'https://[::1]/',
    'https://[::ffff:127.0.0.1]/',
    'https://localhost/',
    'https://LOCALHOST./',
    'https://api.localhost/',
    'https://2130706433/',
    'https://0x7f.1/',
    'https://127.1/',
  ])('refuses loopback destination %s', (url) => {
    expect(checkDestinationUrl(url, 'strict')).toContain('a loopback address');
  });

  it('refuses a numeric loopback host even though the parser rewrites it to 127.0.0.1', () => {
    expect(checkDestinationUrl('https://2130706433/', 'strict')).toContain('127.0.0.1, a loopback address');
  });
});

describe('checkDestinationUrl in local policy', () => {
  it.each([
    'http://127.0.0.1:8080/hook',
    'https://127.0.0.1/',
    'http://127.1.2.3/',
    'http://[::1]:9000/hook',
    'https://[::1]/',
    'http://localhost:3000/sink',
    'http://localhost.:3000/',
    'http://api.localhost/',
  ])('allows loopback destination %s, over http and with a port', (url) => {
    expect(checkDestinationUrl(url, 'local')).toBeUndefined();
  });

  it.each([
    ['http://example.com/', 'https'],
    ['http://10.0.0.1:8080/', 'private'],
    ['https://example.com:8443/', 'port'],
    ['http://localhost:3000/#x', 'fragment'],
    ['http://user:pw@localhost:3000/', 'credentials'],
    ['http://my_sink.localhost/', "'_'"],
    ['https://intranet/', 'domain name'],
    ['http://127.0.0.1:8080/\n', 'control'],
    ['https://0.0.0.0:8080/', 'unspecified'],
    ['https://169.254.169.254/', 'link-local'],
  ])('keeps every other rule: refuses %s', (url, expected) => {
    expect(checkDestinationUrl(url, 'local')).toContain(expected);
  });

  it('explains that http is only for loopback in local mode', () => {
    expect(checkDestinationUrl('http://example.com/', 'local')).toBe(
      'url must use https (http is allowed only for loopback hosts in local mode).',
    );
  });
});

describe('checkDestinationUrl under fuzzing', () => {
  const port = fc.option(fc.oneof(fc.nat(70000).map(String), fc.constant('')));
  const url = fc.oneof(
    anyText,
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc
      .tuple(fc.constantFrom('https://', 'http://', 'https:', 'HTTPS:\\\\', 'https://[', 'http://127.0.0.1'), anyText)
      .map(([scheme, rest]) => scheme + rest),
    fc
      .tuple(
        fc.oneof(
          fc.domain(),
          fc.ipV4(),
          fc.ipV4Extended(),
          fc.ipV6().map((ip) => `[${ip}]`),
        ),
        port,
      )
      .map(([host, p]) => `https://${host}${p === null ? '' : `:${p}`}/hook`),
  );

  it('never throws and always answers undefined or one sentence', () => {
    fc.assert(
      fc.property(url, fc.constantFrom(...policies), (raw, policy) => {
        const answer = checkDestinationUrl(raw, policy);
        expect(answer === undefined || (typeof answer === 'string' && /^url .+\.$/.test(answer))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('accepts in strict policy only https URLs without credentials, port or fragment to a public host', () => {
    fc.assert(
      fc.property(url, (raw) => {
        fc.pre(checkDestinationUrl(raw, 'strict') === undefined);
        const parsed = new URL(raw);
        expect(parsed.protocol).toBe('https:');
        expect(parsed.username + parsed.password + parsed.port + parsed.hash).toBe('');
        expect(
          raw
            .slice(8)
            .split(/[/?#]/)[0]
            ?.replace(/^\[.*\]/, ''),
        ).not.toContain(':');
        const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
        expect(['public', 'not an IP address']).toContain(classifyAddress(host));
        expect(host).not.toMatch(/_|^localhost\.?$|\.localhost\.?$/);
      }),
      { numRuns: 3000 },
    );
  });
});
