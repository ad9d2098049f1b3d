// A strict sender that resolves names with a resolver the test controls; everything else is the product's.
import { createHttpSender, type HttpSender, type Lookup } from '../../../shared/delivery/http-sender.js';

/** A DNS the test edits: names map to address lists; a name it does not know does not resolve. */
export interface ControlledDns {
  lookup: Lookup;
  set(hostname: string, addresses: string[]): void;
  /** Every name asked, in order. */
  readonly asked: readonly string[];
}

export function controlledDns(): ControlledDns {
  const records = new Map<string, string[]>();
  const asked: string[] = [];
  return {
    asked,
    set: (hostname, addresses) => void records.set(hostname, addresses),
    lookup: async (hostname) => {
      asked.push(hostname);
      const addresses = records.get(hostname);
      if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
      return addresses.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));
    },
  };
}

export function strictSender(lookup: Lookup, timeoutMs: number): HttpSender {
  return createHttpSender({ policy: 'strict', timeoutMs, lookup });
}
