// Outbound webhook HTTP: pooled keep-alive POSTs over undici, SSRF-checked at connect time, never throwing.
import { lookup as systemDnsLookup } from 'node:dns/promises';
import { EventEmitter } from 'node:events';
import { isIP } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { setImmediate as nextLoopTurn } from 'node:timers/promises';
import type { Dispatcher, buildConnector as Connector } from 'undici';
// undici by path, not by its root: the root also bundles fetch, WebSocket, caches and mocks, which
// nearly doubles a Lambda bundle (see undici-parts.d.ts for the types).
import Agent from 'undici/lib/dispatcher/agent.js';
import request from 'undici/lib/api/api-request.js';
import buildConnector from 'undici/lib/core/connect.js';
import { checkResolvedAddress, type DestinationPolicy } from '../domain/address-policy.js';

export type Lookup = (hostname: string) => Promise<Array<{ address: string; family: 4 | 6 }>>;

export interface SenderOptions {
  policy: DestinationPolicy;
  /** One deadline for connect, headers and body together. */
  timeoutMs: number;
  /** Default: the system resolver (node:dns/promises lookup, all addresses). */
  lookup?: Lookup;
  /** How much of a response body is read, default 4096; the rest is never downloaded. */
  maxResponseBytes?: number;
}

export interface Delivery {
  url: string;
  headers: Record<string, string>;
  body: Buffer | string;
}

export type Outcome =
  | { kind: 'answered'; status: number; latencyMs: number; bodyExcerpt: string }
  | { kind: 'failed'; error: 'timeout' | 'connection' | 'refused-address' | 'dns'; detail: string; latencyMs: number };

export interface HttpSender {
  /** Never throws: every failure is an Outcome. Redirects are answers, never followed. */
  send(delivery: Delivery): Promise<Outcome>;
  /** Drops every connection at once; sends still in flight end as failed outcomes. */
  close(): Promise<void>;
}

type Failure = Omit<Extract<Outcome, { kind: 'failed' }>, 'kind' | 'latencyMs'>;

const DEFAULT_MAX_RESPONSE_BYTES = 4096;
/** An SQS batch of 10 notifications times a primary and 3 clones: one batch never queues for a connection. */
const CONNECTIONS_PER_ORIGIN = 40;
/** Idle keep-alive lifetime; a shorter Keep-Alive hint from the server wins. */
const KEEP_ALIVE_MS = 4_000;

// The sender owns framing and routing: a configured Host would misroute the request, a configured
// Content-Length or Transfer-Encoding would corrupt the connection's framing.
const TRANSPORT_HEADERS = new Set([
  'host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'proxy-connection', 'upgrade', 'te', 'trailer', 'expect',
]);

class RefusedAddress extends Error {}
class DnsFailure extends Error {}
class DeadlinePassed extends Error {}

const systemLookup: Lookup = async (hostname) =>
  (await systemDnsLookup(hostname, { all: true })).map(({ address, family }) => ({ address, family: family === 6 ? 6 : 4 }));

export function createHttpSender(options: SenderOptions): HttpSender {
  const { policy, timeoutMs, lookup = systemLookup, maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES } = options;
  // One agent for the sender's life: a warm Lambda reuses its connections across invocations.
  const agent = new Agent({
    connect: pinnedConnector(policy, lookup, timeoutMs),
    connections: CONNECTIONS_PER_ORIGIN,
    pipelining: 1,
    keepAliveTimeout: KEEP_ALIVE_MS,
  });
  return {
    send: (delivery) => send(agent, delivery, timeoutMs, maxResponseBytes),
    // destroy, not close: a graceful close would wait for a connect stuck in a slow lookup.
    close: () => agent.destroy(),
  };
}

async function send(agent: Dispatcher, delivery: Delivery, timeoutMs: number, maxResponseBytes: number): Promise<Outcome> {
  const startedAt = performance.now();
  const latencyMs = (): number => Math.round(performance.now() - startedAt);
  const deadline = new Deadline(timeoutMs);
  try {
    // The race also ends a send still waiting for its connection, which undici's signal alone does not.
    const answer = await Promise.race([exchange(agent, delivery, deadline, maxResponseBytes), deadline.passed]);
    return { kind: 'answered', ...answer, latencyMs: latencyMs() };
  } catch (error) {
    return { kind: 'failed', ...describeFailure(deadline.reason ?? error), latencyMs: latencyMs() };
  } finally {
    deadline.clear();
  }
}

/**
 * One send's deadline, handed to undici as the request's signal: undici documents an EventEmitter
 * there as well as an AbortSignal (it listens for 'abort' and reads `reason`). An AbortController
 * with its EventTarget listeners made each send cost ~15% more CPU (docs/performance.md).
 */
class Deadline extends EventEmitter {
  reason: DeadlinePassed | undefined;
  /** Rejects when the deadline passes; never settles otherwise. */
  readonly passed: Promise<never>;
  private readonly timer: NodeJS.Timeout;

  constructor(timeoutMs: number) {
    super();
    let expire: (reason: DeadlinePassed) => void = () => undefined;
    // Only ever rejects inside the race that observes it: clear() stops the timer once the race is over.
    this.passed = new Promise<never>((_resolve, reject) => (expire = reject));
    this.timer = setTimeout(() => {
      this.reason = new DeadlinePassed(`no complete answer within ${timeoutMs} ms`);
      this.emit('abort');
      expire(this.reason);
    }, timeoutMs);
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

async function exchange(
  agent: Dispatcher,
  delivery: Delivery,
  signal: Deadline,
  maxResponseBytes: number,
): Promise<{ status: number; bodyExcerpt: string }> {
  const url = parseUrl(delivery.url);
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') throw new RefusedAddress('the destination is not an http(s) URL');
  const headers: Record<string, string> = {};
  for (const name of Object.keys(delivery.headers)) if (!TRANSPORT_HEADERS.has(name.toLowerCase())) headers[name] = delivery.headers[name]!;
  const response = await request.call(agent, {
    origin: url.origin, // never the userinfo part: credentials in a URL are not sent
    path: url.pathname + url.search,
    method: 'POST',
    headers,
    body: delivery.body,
    signal,
  });
  const bodyExcerpt = await readExcerpt(response.body, maxResponseBytes);
  // undici hands a finished keep-alive connection back to its pool one event-loop turn later; waiting
  // for it lets the next send to this origin reuse the connection instead of opening a second one.
  await nextLoopTurn();
  return { status: response.statusCode, bodyExcerpt };
}

/** One parse (URL.canParse then new URL parses twice); Node 20 has no URL.parse. */
function parseUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

// Reads at most `limit` bytes. A longer body is abandoned, which closes that one connection, rather
// than downloaded; a body within the limit is read to its end so the connection goes back to the pool.
// Stream events rather than `for await`: the async iterator costs more CPU than the usual empty body.
function readExcerpt(body: Dispatcher.ResponseData['body'], limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    // The decoder holds back a character cut in half by the limit instead of inventing one.
    const finish = (): void => resolve(chunks.length === 0 ? '' : new StringDecoder('utf8').write(Buffer.concat(chunks).subarray(0, limit)));
    body.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= limit) return;
      body.removeAllListeners('data');
      body.destroy();
      finish();
    });
    body.once('end', finish);
    body.once('error', reject);
  });
}

// Each new connection resolves, checks and connects in one step, to an address that was checked,
// so DNS cannot rebind between the check and the connect. A reused keep-alive connection already
// goes to a checked address.
function pinnedConnector(policy: DestinationPolicy, lookup: Lookup, timeoutMs: number): Connector.connector {
  const connectTo = buildConnector({ timeout: timeoutMs });
  return (target, callback) => {
    checkedAddresses(target.hostname, policy, lookup).then(
      (addresses) => {
        // The name, not the address, stays the TLS server name: SNI and certificate checks use it.
        // The Host header comes from the URL's origin and is untouched by this.
        const servername = target.servername || (isIP(target.hostname) ? undefined : target.hostname);
        // The checked addresses in resolver order, the next one when a connect fails: a name whose
        // first address is unreachable (IPv6 on a host without an IPv6 route) still gets through.
        const attempt = (index: number): void => {
          try {
            const pinned = { ...target, hostname: addresses[index] as string, servername };
            connectTo(pinned, (...result: Parameters<Connector.Callback>) => {
              if (result[0] && index + 1 < addresses.length) attempt(index + 1);
              else callback(...result);
            });
          } catch (error) {
            callback(error as Error, null);
          }
        };
        attempt(0);
      },
      (error: Error) => callback(error, null),
    );
  };
}

// A name with ANY non-allowed address is refused, not filtered: which address a client ends up on
// is the DNS owner's choice, and a name that mixes public and private addresses is an attack sign.
async function checkedAddresses(hostname: string, policy: DestinationPolicy, lookup: Lookup): Promise<string[]> {
  const literal = isIP(hostname) !== 0;
  const addresses = literal ? [hostname] : await resolve(hostname, lookup);
  for (const address of addresses) {
    const problem = checkResolvedAddress(address, policy);
    if (problem) throw new RefusedAddress(`${literal ? 'the destination' : hostname} ${problem}`);
  }
  return addresses;
}

async function resolve(hostname: string, lookup: Lookup): Promise<string[]> {
  let found: Awaited<ReturnType<Lookup>>;
  try {
    found = await lookup(hostname);
  } catch (error) {
    throw new DnsFailure(`cannot resolve ${hostname} (${codeOf(error) ?? String(error)})`);
  }
  if (found.length === 0) throw new DnsFailure(`${hostname} has no address`);
  return found.map(({ address }) => address);
}

function describeFailure(error: unknown): Failure {
  if (error instanceof DeadlinePassed) return { error: 'timeout', detail: error.message };
  if (error instanceof RefusedAddress) return { error: 'refused-address', detail: error.message };
  if (error instanceof DnsFailure) return { error: 'dns', detail: error.message };
  const message = error instanceof Error ? error.message : String(error);
  const code = codeOf(error);
  return { error: 'connection', detail: code && !message.includes(code) ? `${code}: ${message}` : message };
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
