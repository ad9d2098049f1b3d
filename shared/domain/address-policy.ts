// Which IP addresses a webhook may reach: the one SSRF rule shared by configuration and delivery.
import ipaddr from 'ipaddr.js';

/** 'strict' allows public addresses only; 'local' (npm start) also allows loopback so local sinks work. */
export type DestinationPolicy = 'strict' | 'local';

// ipaddr.js range names as words a person reads. Any range missing here (a newer ipaddr.js may add
// some) is still non-public: only 'unicast' counts as public.
const RANGE_WORDS: Readonly<Record<string, string>> = {
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT',
  private: 'private',
  uniqueLocal: 'unique-local',
  deprecatedSiteLocal: 'site-local',
  reserved: 'reserved',
  benchmarking: 'benchmarking',
  amt: 'AMT relay',
  as112: 'AS112',
  as112v6: 'AS112',
  ipv4Mapped: 'IPv4-mapped',
  rfc6145: 'IPv4-translated',
  rfc6052: 'NAT64',
  '6to4': '6to4',
  teredo: 'Teredo',
  discard: 'discard-only',
  deprecatedOrchid: 'ORCHID',
  orchid2: 'ORCHID',
  droneRemoteIdProtocolEntityTags: 'drone remote ID',
  segmentRouting: 'segment routing',
};

type Network = [ipaddr.IPv4 | ipaddr.IPv6, number];

// ipaddr.js files these under 'reserved'; naming them tells the reader of an error more.
const DOCUMENTATION: readonly Network[] = ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24', '2001:db8::/32', '3fff::/20'].map((cidr) =>
  ipaddr.parseCIDR(cidr),
);
// IANA allocates public IPv6 unicast only from 2000::/3. ipaddr.js calls everything it has no name
// for unicast, including ::7f00:1 (a deprecated IPv4-compatible 127.0.0.1) and the rest of ::/8.
const GLOBAL_UNICAST_V6: Network = ipaddr.parseCIDR('2000::/3');

/** What classifyAddress answers for a domain name or any other text. */
export const NOT_AN_IP_ADDRESS = 'not an IP address';

const DOTTED_QUAD = /^(?:0|[1-9]\d{0,2})(?:\.(?:0|[1-9]\d{0,2})){3}$/;

/**
 * 'public' or the name of the non-public range: 'loopback' | 'private' | 'link-local' |
 * 'carrier-grade NAT' | 'unique-local' | 'unspecified' | 'documentation' | 'multicast' | 'reserved' ...
 * Anything that is not a plainly written IP address is NOT_AN_IP_ADDRESS (never public).
 */
export function classifyAddress(ip: string): string {
  // Only canonical forms: '0x7f.1' or '010.1.1.1' mean different hosts to different parsers.
  const plain = typeof ip === 'string' && (DOTTED_QUAD.test(ip) || (ip.includes(':') && ipaddr.IPv6.isValid(ip)));
  if (!plain || !ipaddr.isValid(ip)) return NOT_AN_IP_ADDRESS;
  const address = ipaddr.process(ip); // ::ffff:10.0.0.1 is 10.0.0.1
  if (DOCUMENTATION.some((network) => isIn(address, network))) return 'documentation';
  const range: string = address.range();
  if (range !== 'unicast') return RANGE_WORDS[range] ?? range;
  return address.kind() === 'ipv6' && !isIn(address, GLOBAL_UNICAST_V6) ? 'reserved' : 'public';
}

function isIn(address: ipaddr.IPv4 | ipaddr.IPv6, [network, bits]: Network): boolean {
  return address.kind() === network.kind() && address.match(network, bits);
}

/** "a private address", "an unspecified address", "a unique-local address". */
export function describeRange(range: string): string {
  // 'an' before a vowel sound; 'unique' starts with a 'y' sound.
  const article = /^(?:[aeioAEIO]|un(?!i))/.test(range) ? 'an' : 'a';
  return `${article} ${range} address`;
}

/**
 * undefined when a connection to this resolved IP address is allowed under the policy, else a
 * sentence such as "resolves to 10.0.0.5, a private address". In 'local' policy loopback
 * (127.0.0.0/8, ::1) is allowed, nothing else non-public.
 */
export function checkResolvedAddress(ip: string, policy: DestinationPolicy): string | undefined {
  const range = classifyAddress(ip);
  if (range === 'public') return undefined;
  if (range === 'loopback' && policy === 'local') return undefined;
  const what = range === NOT_AN_IP_ADDRESS ? 'which is not an IP address' : describeRange(range);
  return `resolves to ${String(ip).slice(0, 64)}, ${what}`;
}
