// The SSRF address rule: which resolved IP addresses delivery may connect to, per policy.
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { checkResolvedAddress, classifyAddress, describeRange } from '../../../shared/domain/address-policy.js';

// Any code point, lone surrogates included, plus characters that matter to IP parsers.
const anyText = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
    fc.constantFrom('.', ':', '%', '0', '1', 'f', 'x', '[', ']', '\ud800'),
  ),
});

describe('classifyAddress', () => {
  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111', '2a00:1450:4001:80b::200e'])('classifies %s as public', (ip) => {
    expect(classifyAddress(ip)).toBe('public');
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.5', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['100.64.0.1', 'carrier-grade NAT'],
    ['fd00::1', 'unique-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['192.0.2.1', 'documentation'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['2001:db8::1', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['::7f00:1', 'reserved'],
    ['::1:0:0', 'reserved'],
    ['4000::1', 'reserved'],
    ['64:ff9b::a00:1', 'NAT64'],
    ['2002:a00:1::', '6to4'],
    ['2001::1', 'Teredo'],
    ['::ffff:0:a00:1', 'IPv4-translated'],
  ])('classifies %s as %s', (ip, range) => {
    expect(classifyAddress(ip)).toBe(range);
  });

  it('classifies an IPv4-mapped IPv6 address by the IPv4 address inside it', () => {
    expect(classifyAddress('::ffff:127.0.0.1')).toBe('loopback');
    expect(classifyAddress('::ffff:10.0.0.1')).toBe('private');
    expect(classifyAddress('::ffff:8.8.8.8')).toBe('public');
  });

  it.each(['example.com', '', '0x7f.1', '2130706433', '010.0.0.1', '127.1', '256.0.0.1', '1.2.3.4 '])(
    'does not treat %j as an IP address, so it is never public',
    (text) => {
      expect(classifyAddress(text)).toBe('not an IP address');
    },
  );
});

describe('describeRange', () => {
  it('uses the article a reader expects', () => {
    expect(describeRange('private')).toBe('a private address');
    expect(describeRange('unspecified')).toBe('an unspecified address');
    expect(describeRange('unique-local')).toBe('a unique-local address');
    expect(describeRange('AS112')).toBe('an AS112 address');
  });
});

describe('checkResolvedAddress', () => {
  it.each(['strict', 'local'] as const)('allows a public address in %s policy', (policy) => {
    expect(checkResolvedAddress('93.184.216.34', policy)).toBeUndefined();
    expect(checkResolvedAddress('2606:2800:220:1:248:1893:25c8:1946', policy)).toBeUndefined();
  });

  it('refuses a private address with a sentence naming the address and its range', () => {
    expect(checkResolvedAddress('10.0.0.5', 'strict')).toBe('resolves to 10.0.0.5, a private address');
  });

  it.each(['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1'])('refuses loopback %s in strict policy', (ip) => {
    expect(checkResolvedAddress(ip, 'strict')).toMatch(/loopback address$/);
  });

  it.each(['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1'])('allows loopback %s in local policy', (ip) => {
    expect(checkResolvedAddress(ip, 'local')).toBeUndefined();
  });

  it.each(['10.0.0.5', '192.168.1.1', '169.254.169.254', '100.64.0.1', 'fd00::1', '0.0.0.0', '::', 'fe80::1', '192.0.2.1'])(
    'refuses non-public %s in both policies',
    (ip) => {
      expect(checkResolvedAddress(ip, 'strict')).toMatch(/^resolves to /);
      expect(checkResolvedAddress(ip, 'local')).toMatch(/^resolves to /);
    },
  );

  it('refuses text that is not an IP address in both policies', () => {
    expect(checkResolvedAddress('localhost', 'strict')).toBe('resolves to localhost, which is not an IP address');
    expect(checkResolvedAddress('localhost', 'local')).toBe('resolves to localhost, which is not an IP address');
  });

  it('never throws and always answers undefined or a non-empty sentence', () => {
    const input = fc.oneof(anyText, fc.ipV4(), fc.ipV4Extended(), fc.ipV6());
    fc.assert(
      fc.property(input, fc.constantFrom('strict', 'local' as const), (ip, policy) => {
        const answer = checkResolvedAddress(ip, policy);
        expect(answer === undefined || (typeof answer === 'string' && answer.length > 0)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
