// Resolves webhook host names over c-ares (node:dns Resolver) instead of getaddrinfo, so one
// destination's DNS cannot stall another's delivery.
//
// getaddrinfo (dns.lookup) runs on libuv's thread pool, 4 threads shared by the whole process: two
// webhook names whose DNS never answered held them all, and every other tenant's delivery timed out
// waiting for a thread. c-ares queries are sockets on the event loop, so a silent DNS server costs
// only the sends that asked it.
import { getServers, Resolver } from 'node:dns/promises';
import type { SendDeadline } from './send-deadline.js';

export type ResolvedAddress = { address: string; family: 4 | 6 };

/** A host name's addresses, in the order to try them; rejects when it has none. */
export type Lookup = (hostname: string) => Promise<ResolvedAddress[]>;

/** A lookup that also stops when its send ends (the deadline passed, or the sender closed). */
export type ResolveName = (hostname: string, until: SendDeadline) => Promise<ResolvedAddress[]>;

/** How long c-ares waits for an answer before asking again; it waits longer on the second try. */
const TRY_TIMEOUT_MS = 1000;
/** A lost UDP packet is asked again once; the send's deadline cancels whatever is still pending. */
const TRIES = 2;

// RFC 6761 6.3: localhost names are loopback and never go to DNS (a DNS server may answer them
// with anything). getaddrinfo found 'localhost' in /etc/hosts; c-ares does not read that file.
// The configuration check treats '*.localhost' as loopback too (shared/domain/destination-url.ts).
const LOOPBACK: readonly ResolvedAddress[] = [
  { address: '127.0.0.1', family: 4 },
  { address: '::1', family: 6 },
];

/**
 * A resolver asking `servers` (default: the system's, as `dns.getServers()` reports them) for A and
 * AAAA at once. The addresses of every type that answered are kept, IPv4 first (a Lambda function
 * has an IPv6 route only in a dual-stack VPC; a failed connect moves on to the next address); a
 * name with neither fails with the more telling error.
 */
export function createDnsResolver(servers: readonly string[] = getServers()): ResolveName {
  // Refuses a malformed server address now, when the sender is built, rather than on every send.
  new Resolver().setServers(servers as string[]);
  return async (hostname, until) => {
    if (isLocalhostName(hostname)) return LOOPBACK.slice();
    // One resolver per lookup: cancel() ends every query of a resolver, and only this lookup's
    // queries belong to this send. A resolver costs ~20 µs, once per new connection.
    const resolver = new Resolver({ timeout: TRY_TIMEOUT_MS, tries: TRIES });
    resolver.setServers(servers as string[]);
    const cancel = (): void => resolver.cancel();
    until.onEnd(cancel);
    try {
      // Absolute (trailing dot), so no resolv.conf search domain can ever be appended: a name that
      // does not exist must not turn into an internal one.
      const absolute = hostname.endsWith('.') ? hostname : `${hostname}.`;
      const [v4, v6] = await Promise.allSettled([resolver.resolve4(absolute), resolver.resolve6(absolute)]);
      const addresses: ResolvedAddress[] = [
        ...(v4.status === 'fulfilled' ? v4.value.map((address) => ({ address, family: 4 as const })) : []),
        ...(v6.status === 'fulfilled' ? v6.value.map((address) => ({ address, family: 6 as const })) : []),
      ];
      if (addresses.length > 0) return addresses;
      throw moreTelling(v4, v6);
    } finally {
      until.forget(cancel);
    }
  };
}

/** A lookup the caller supplied, as a ResolveName: it cannot be cancelled, the send's deadline still ends the send. */
export function fromLookup(lookup: Lookup): ResolveName {
  return (hostname) => lookup(hostname);
}

function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

// ENODATA (no record of that type) says least: a name with no AAAA record is common, while
// ENOTFOUND, ETIMEOUT or ESERVFAIL on either type says why the name failed.
function moreTelling(...results: Array<PromiseSettledResult<unknown>>): unknown {
  const errors = results.flatMap((result) => (result.status === 'rejected' ? [result.reason as unknown] : []));
  return errors.find((error) => (error as { code?: unknown } | null)?.code !== 'ENODATA') ?? errors[0] ?? new Error('no address');
}
