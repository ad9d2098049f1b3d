// The connect-time half of the SSRF guard: Node's own http and https agents, whose every new
// connection resolves the name, checks every address and connects to a checked one.
import { Agent as HttpAgent, type AgentOptions, type ClientRequestArgs } from 'node:http';
import { Agent as HttpsAgent, type RequestOptions as HttpsRequestOptions } from 'node:https';
import { connect, isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { checkResolvedAddress, type DestinationPolicy } from '../domain/address-policy.js';
import type { ResolveName } from './dns-resolver.js';
import type { SendDeadline } from './send-deadline.js';

export class RefusedAddress extends Error {}
export class DnsFailure extends Error {}

/**
 * The request option that hands a send's deadline to the connection the agent opens for it: Node
 * passes a request's options on to the agent's createConnection (as it does TLS options).
 */
export const SEND_DEADLINE = Symbol('send deadline');

export type PinnedRequestOptions = ClientRequestArgs & { [SEND_DEADLINE]: SendDeadline };

export interface Pinning {
  policy: DestinationPolicy;
  resolveName: ResolveName;
}

type ConnectionCallback = (error: Error | null, stream: Duplex) => void;

export class PinnedHttpAgent extends HttpAgent {
  constructor(
    options: AgentOptions,
    private readonly pinning: Pinning,
  ) {
    super(options);
  }

  override createConnection(options: ClientRequestArgs, callback: ConnectionCallback): undefined {
    openPinned(options as PinnedRequestOptions, this.pinning).then(
      (socket) => callback(null, socket),
      (error: Error) => callback(error, undefined as never),
    );
    return undefined;
  }
}

export class PinnedHttpsAgent extends HttpsAgent {
  constructor(
    options: AgentOptions,
    private readonly pinning: Pinning,
  ) {
    super(options);
  }

  override createConnection(options: ClientRequestArgs, callback: ConnectionCallback): undefined {
    openPinned(options as PinnedRequestOptions, this.pinning).then(
      // TLS over the checked connection, made the way https.Agent makes it (TLS sessions are cached
      // per name). The agent set `servername` to the URL's host name (none for an IP literal):
      // the SNI and the certificate check use the name, never the address connected to.
      (socket) => {
        try {
          // `socket` is a tls.connect option: TLS over this connection instead of a new one.
          const overChecked = { ...options, socket } as HttpsRequestOptions;
          callback(null, super.createConnection(overChecked) as Duplex);
        } catch (error) {
          socket.destroy();
          callback(error as Error, undefined as never);
        }
      },
      (error: Error) => callback(error, undefined as never),
    );
    return undefined;
  }
}

// Resolve, check and connect in one step, to an address that was checked, so DNS cannot rebind
// between the check and the connect. A reused keep-alive connection already goes to a checked address.
async function openPinned(options: PinnedRequestOptions, pinning: Pinning): Promise<Socket> {
  const until = options[SEND_DEADLINE];
  // A connection the agent starts for a queued send whose time is already up would serve nobody.
  if (until.reason) throw until.reason;
  // The race ends a lookup that cannot be cancelled (a custom one) with its send.
  const addresses = await Promise.race([checkedAddresses(options.host ?? '', pinning, until), endOf(until)]);
  return connectToFirstReachable(addresses, Number(options.port), until);
}

function endOf(until: SendDeadline): Promise<never> {
  return new Promise((_resolve, reject) => void until.onEnd(() => reject(until.reason)));
}

// A name with ANY non-allowed address is refused, not filtered: which address a client ends up on
// is the DNS owner's choice, and a name that mixes public and private addresses is an attack sign.
async function checkedAddresses(hostname: string, { policy, resolveName }: Pinning, until: SendDeadline): Promise<string[]> {
  const literal = isIP(hostname) !== 0;
  const addresses = literal ? [hostname] : await resolve(hostname, resolveName, until);
  for (const address of addresses) {
    const problem = checkResolvedAddress(address, policy);
    if (problem) throw new RefusedAddress(`${literal ? 'the destination' : hostname} ${problem}`);
  }
  return addresses;
}

async function resolve(hostname: string, resolveName: ResolveName, until: SendDeadline): Promise<string[]> {
  let found: Awaited<ReturnType<ResolveName>>;
  try {
    found = await resolveName(hostname, until);
  } catch (error) {
    throw new DnsFailure(`cannot resolve ${hostname} (${codeOf(error) ?? String(error)})`);
  }
  if (found.length === 0) throw new DnsFailure(`${hostname} has no address`);
  return found.map(({ address }) => address);
}

/**
 * The checked addresses in resolver order, the next one when a connect fails: a name whose first
 * address is unreachable (IPv6 on a host without an IPv6 route) still gets through. The send's
 * deadline bounds the whole: a connect to an address that drops packets is abandoned with it.
 */
function connectToFirstReachable(addresses: string[], port: number, until: SendDeadline): Promise<Socket> {
  return new Promise((resolve, reject) => {
    if (until.reason) return reject(until.reason);
    let socket: Socket | undefined;
    const stop = (): void => {
      socket?.destroy();
      reject(until.reason);
    };
    until.onEnd(stop);
    const attempt = (index: number): void => {
      const candidate = connect({ host: addresses[index] as string, port, noDelay: true });
      socket = candidate;
      const failed = (error: Error): void => {
        if (until.reason) return;
        if (index + 1 < addresses.length) return attempt(index + 1);
        until.forget(stop);
        reject(error);
      };
      candidate.once('error', failed);
      candidate.once('connect', () => {
        until.forget(stop);
        candidate.off('error', failed);
        resolve(candidate);
      });
    };
    attempt(0);
  });
}

export function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
