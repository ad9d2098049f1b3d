// Outbound webhook HTTP: pooled keep-alive POSTs over Node's own http and https agents, SSRF-checked at connect time, never throwing.
//
// Why Node's agents and not undici: undici's public API is its package root, which also brings
// fetch, WebSocket, caches and mocks. Measured on Node 20.20 (esbuild --bundle --minify, AWS SDK
// external; import time = median of 15 fresh `node` processes): this sender bundles to 20 KB and
// imports in 12 ms; over undici's root, 553 KB and 47 ms; over undici's internal paths (which stop
// resolving once undici ships an exports map), 311 KB and 23 ms. The delivery function's bundle is
// 114 KB, against 648 KB over undici's root, past the 500 KB goal (docs/performance.md). The price
// is ~5 µs more CPU per send on loopback (25 against 20 µs), small next to a real round trip.
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { StringDecoder } from 'node:string_decoder';
import type { DestinationPolicy } from '../domain/address-policy.js';
// The sender owns framing and routing: the names configuration refuses are dropped here too.
import { CONNECTION_HEADER_NAMES } from '../domain/webhook-headers.js';
import { createDnsResolver, fromLookup, type Lookup } from './dns-resolver.js';
import {
  codeOf,
  DnsFailure,
  PinnedHttpAgent,
  PinnedHttpsAgent,
  RefusedAddress,
  SEND_DEADLINE,
  type PinnedRequestOptions,
} from './pinned-agents.js';
import { DeadlinePassed, SendDeadlines, type SendDeadline } from './send-deadline.js';

export type { Lookup } from './dns-resolver.js';

export interface SenderOptions {
  policy: DestinationPolicy;
  /** One deadline for resolving, connecting, the headers and the body together. */
  timeoutMs: number;
  /**
   * Replaces the built-in resolver (c-ares, A and AAAA at once, off libuv's thread pool). A custom
   * lookup's answer is SSRF-checked all the same.
   */
  lookup?: Lookup;
  /** The DNS servers the built-in resolver asks, such as '10.0.0.2' or '127.0.0.1:5353'. Default: the system's (`dns.getServers()`). */
  dnsServers?: string[];
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
/**
 * An SQS batch of 10 notifications times a primary and 3 clones: one batch never queues for a
 * connection. Node's agent counts connections once they are open, so a cold burst may open one
 * per concurrent send; a batch bounds that at the same 40.
 */
const CONNECTIONS_PER_ORIGIN = 40;
/** Idle keep-alive lifetime; a shorter Keep-Alive hint from the server wins (less a second, Node's margin). */
const KEEP_ALIVE_MS = 4_000;

class SenderClosed extends Error {}

interface Agents {
  'http:': PinnedHttpAgent;
  'https:': PinnedHttpsAgent;
}

export function createHttpSender(options: SenderOptions): HttpSender {
  const { policy, timeoutMs, lookup, dnsServers, maxResponseBytes = DEFAULT_MAX_RESPONSE_BYTES } = options;
  const pinning = { policy, resolveName: lookup ? fromLookup(lookup) : createDnsResolver(dnsServers) };
  // One pair of agents for the sender's life: a warm Lambda reuses its connections across invocations.
  const agentOptions = { keepAlive: true, maxSockets: CONNECTIONS_PER_ORIGIN, timeout: KEEP_ALIVE_MS, scheduling: 'lifo' as const };
  const agents: Agents = { 'http:': new PinnedHttpAgent(agentOptions, pinning), 'https:': new PinnedHttpsAgent(agentOptions, pinning) };
  const deadlines = new SendDeadlines(timeoutMs);
  return {
    send: (delivery) => send(agents, delivery, deadlines, maxResponseBytes),
    close: async () => {
      // Ending the sends first also stops the lookups and connects they started, which the
      // agents do not know about until a connection is open.
      deadlines.endAll(new SenderClosed('the sender was closed'));
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}

// One promise per send, settled once by whichever comes first (the answer's excerpt, an error, the
// deadline): each layer of promises and awaits cost CPU on every send (docs/performance.md).
function send(agents: Agents, delivery: Delivery, deadlines: SendDeadlines, maxResponseBytes: number): Promise<Outcome> {
  const startedAt = performance.now();
  const deadline = deadlines.start(startedAt);
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      deadline.clear();
      resolve(outcome);
    };
    const latencyMs = (): number => Math.round(performance.now() - startedAt);
    exchange(
      agents,
      delivery,
      deadline,
      maxResponseBytes,
      (status, bodyExcerpt) => settle({ kind: 'answered', status, bodyExcerpt, latencyMs: latencyMs() }),
      (error) => settle({ kind: 'failed', ...describeFailure(deadline.reason ?? error), latencyMs: latencyMs() }),
    );
  });
}

function exchange(
  agents: Agents,
  delivery: Delivery,
  deadline: SendDeadline,
  maxResponseBytes: number,
  answered: (status: number, bodyExcerpt: string) => void,
  failed: (error: unknown) => void,
): void {
  const route = routeOf(delivery.url);
  if (!route) return failed(new RefusedAddress('the destination is not an http(s) URL'));
  const options: PinnedRequestOptions = {
    agent: agents[route.protocol],
    host: route.host,
    port: route.port,
    path: route.path,
    method: 'POST',
    headers: wireHeaders(delivery, route),
    [SEND_DEADLINE]: deadline,
  };
  let request: ClientRequest;
  try {
    request = (route.protocol === 'https:' ? httpsRequest : httpRequest)(options);
  } catch (error) {
    return failed(error); // a header value Node will not put on the wire
  }
  // Stays attached: a request ended by its deadline may still report the connection it was waiting for.
  request.on('error', failed);
  deadline.onEnd(() => {
    failed(deadline.reason);
    request.destroy();
  });
  // No loop turn after the answer (undici needed one): Node's agent takes the connection back in a
  // nextTick after the body's 'end', before this send's continuation, so the next send reuses it.
  // `on`, not `once`: each of these events comes once, and `once` wraps and later unwraps every listener.
  request.on('response', (response: IncomingMessage) => {
    readExcerpt(response, maxResponseBytes, (bodyExcerpt) => answered(response.statusCode ?? 0, bodyExcerpt), failed);
  });
  request.end(delivery.body);
}

/** What a send needs of its URL. */
interface Route {
  protocol: 'http:' | 'https:';
  host: string;
  port: number | undefined;
  path: string;
  /** The Host header's value: the name, or the IPv6 literal in brackets, and the port unless it is the scheme's. */
  hostHeader: string;
}

/** A warm sender sends to the same few URLs again and again; past this many it starts over. */
const MAX_ROUTES = 1_000;
const routes = new Map<string, Route>();

/** The URL's route, parsed once per URL (a parse costs about as much as the rest of building a request); undefined unless http(s). */
function routeOf(raw: string): Route | undefined {
  const known = routes.get(raw);
  if (known) return known;
  const url = parseUrl(raw);
  if (url?.protocol !== 'http:' && url?.protocol !== 'https:') return undefined;
  const route: Route = {
    protocol: url.protocol,
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'), // an IPv6 literal without its brackets
    port: url.port === '' ? undefined : Number(url.port),
    path: url.pathname + url.search, // never the userinfo part: credentials in a URL are not sent
    // The URL's host keeps an IPv6 literal's brackets and drops the scheme's own port, as Node's Host header does.
    hostHeader: url.host,
  };
  if (routes.size >= MAX_ROUTES) routes.clear();
  routes.set(raw, route);
  return route;
}

/** One parse (URL.canParse then new URL parses twice); Node 20 has no URL.parse. */
function parseUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/**
 * The request's headers as Node's raw list (name, value, name, value, ...), without the connection's
 * own names, then the Host and Content-Length that Node adds to headers given as an object. Node
 * checks a raw list's names and values as it writes them, once; an object it first copies header by
 * header through setHeader (checking each), then writes: a measurable share of a send's CPU.
 */
function wireHeaders(delivery: Delivery, route: Route): string[] {
  const given = delivery.headers;
  const headers: string[] = [];
  for (const name of Object.keys(given)) if (!CONNECTION_HEADER_NAMES.has(name.toLowerCase())) headers.push(name, given[name]!);
  headers.push('Host', route.hostHeader, 'Content-Length', String(Buffer.byteLength(delivery.body)));
  return headers;
}

// Reads at most `limit` bytes. A longer body is abandoned, which closes that one connection, rather
// than downloaded; a body within the limit is read to its end so the connection goes back to the pool.
// Stream events rather than `for await`: the async iterator costs more CPU than the usual empty body.
function readExcerpt(body: IncomingMessage, limit: number, done: (excerpt: string) => void, failed: (error: unknown) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  // The decoder holds back a character cut in half by the limit instead of inventing one.
  const finish = (): void => done(chunks.length === 0 ? '' : new StringDecoder('utf8').write(Buffer.concat(chunks).subarray(0, limit)));
  body.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    size += chunk.length;
    if (size <= limit) return;
    body.removeAllListeners('data');
    body.destroy();
    finish();
  });
  body.on('end', finish);
  body.on('error', failed);
}

function describeFailure(error: unknown): Failure {
  if (error instanceof DeadlinePassed) return { error: 'timeout', detail: error.message };
  if (error instanceof RefusedAddress) return { error: 'refused-address', detail: error.message };
  if (error instanceof DnsFailure) return { error: 'dns', detail: error.message };
  const message = error instanceof Error ? error.message : String(error);
  const code = codeOf(error);
  return { error: 'connection', detail: code && !message.includes(code) ? `${code}: ${message}` : message };
}
