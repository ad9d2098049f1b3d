// A loopback HTTP(S) webhook receiver for tests and benchmarks: records every request and answers the way the test says.
import { EventEmitter, once } from 'node:events';
import {
  createServer as createHttpServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Readable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';

/** Epoch milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export const now = (): number => performance.timeOrigin + performance.now();

export interface SinkRequest {
  method: string;
  /** Path and query, as sent. */
  path: string;
  /** Lower-cased names; repeated headers joined as Node does. */
  headers: IncomingHttpHeaders;
  /** Names and values in arrival order and original case. */
  rawHeaders: string[];
  body: Buffer;
  /** When the whole body had arrived (see `now`). */
  receivedAt: number;
  /** When the answer was fully written; undefined until then, and for 'hang' and 'reset'. */
  answeredAt?: number;
  /** Id of the connection it arrived on (see `Sink.connections`). */
  connection: number;
}

export interface SinkConnection {
  /** 1, 2, 3... in accept order. */
  id: number;
  remotePort: number;
  openedAt: number;
  closedAt?: number;
}

/**
 * What to answer. An object is an HTTP answer (defaults: 200, empty body); `body` may be an
 * iterable or async iterable of chunks to stream (an endless one streams until the client goes),
 * `delayMs` waits before answering, `close` sends `Connection: close`. 'hang' never answers (the
 * socket stays open until `close()`); 'reset' destroys the socket with a TCP RST.
 */
export type SinkReply =
  | {
      status?: number;
      headers?: OutgoingHttpHeaders;
      body?: string | Buffer | Iterable<string | Buffer> | AsyncIterable<string | Buffer>;
      delayMs?: number;
      close?: boolean;
    }
  | 'hang'
  | 'reset';

/** Decides the answer from the recorded request; may wait (e.g. on a promise the test resolves). */
export type Responder = (request: SinkRequest) => SinkReply | Promise<SinkReply>;

export interface SinkOptions {
  /** The answer when no queued reply is left (default: 200, empty body). */
  reply?: SinkReply | Responder;
  /** Serve HTTPS with this key and certificate instead of HTTP. */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

export interface Sink {
  /** `http://127.0.0.1:<port>` (or https). */
  readonly url: string;
  readonly port: number;
  readonly requests: readonly SinkRequest[];
  readonly connections: readonly SinkConnection[];
  /** TLS only: the SNI server names clients sent, in handshake order (a client that sends none adds nothing). */
  readonly servernames: readonly string[];
  /** Queues one-shot replies, used in arrival order before the default. */
  reply(...replies: Array<SinkReply | Responder>): void;
  /** Replaces the default reply. */
  replyByDefault(reply: SinkReply | Responder): void;
  /** Resolves once `condition` holds, re-checked on every request, connection and close; rejects after `timeoutMs`. */
  waitFor(condition: () => boolean, what: string, timeoutMs?: number): Promise<void>;
  /** Resolves with the requests once at least `count` have arrived. */
  waitForRequests(count: number, timeoutMs?: number): Promise<SinkRequest[]>;
  /** Stops listening and destroys every open socket, hanging ones included. */
  close(): Promise<void>;
}

export async function startSink(options: SinkOptions = {}): Promise<Sink> {
  const requests: SinkRequest[] = [];
  const connections: SinkConnection[] = [];
  const servernames: string[] = [];
  const queued: Array<SinkReply | Responder> = [];
  let fallback: SinkReply | Responder = options.reply ?? {};
  const sockets = new Set<Socket>();
  const changes = new EventEmitter().setMaxListeners(0);

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const request: SinkRequest = {
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      rawHeaders: req.rawHeaders,
      body: Buffer.concat(chunks),
      receivedAt: now(),
      // Over TLS the request's socket wraps the accepted one; both share the client's port.
      connection: connections.findLast((c) => c.remotePort === req.socket.remotePort && c.closedAt === undefined)?.id ?? 0,
    };
    requests.push(request);
    changes.emit('change');
    const next = queued.shift() ?? fallback;
    let reply: SinkReply;
    try {
      reply = typeof next === 'function' ? await next(request) : next;
    } catch (error) {
      reply = { status: 500, body: `sink responder failed: ${String(error)}` };
    }
    await answer(reply, res);
    if (res.writableFinished) {
      request.answeredAt = now();
      changes.emit('change');
    }
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch(() => res.destroy()); // the client went away mid-answer: nothing to record
  };
  const server = options.tls
    ? createHttpsServer(
        {
          ...options.tls,
          SNICallback: (name, done) => {
            servernames.push(name);
            done(null, undefined); // keep the default certificate
          },
        },
        listener,
      )
    : createHttpServer(listener);

  server.on('connection', (socket: Socket) => {
    const connection: SinkConnection = { id: connections.length + 1, remotePort: socket.remotePort ?? 0, openedAt: now() };
    connections.push(connection);
    sockets.add(socket);
    socket.once('close', () => {
      connection.closedAt = now();
      sockets.delete(socket);
      changes.emit('change');
    });
    changes.emit('change');
  });
  server.on('tlsClientError', (_error, socket) => socket.destroy());

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const waitFor = (condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!condition()) return;
        stop();
        resolve();
      };
      const timer = setTimeout(() => {
        stop();
        const seen = `${requests.length} request(s), ${connections.length} connection(s) so far`;
        reject(new Error(`sink: gave up waiting for ${what} after ${timeoutMs} ms (${seen})`));
      }, timeoutMs);
      const stop = (): void => {
        clearTimeout(timer);
        changes.off('change', check);
      };
      changes.on('change', check);
      check();
    });

  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    connections,
    servernames,
    reply: (...replies) => void queued.push(...replies),
    replyByDefault: (reply) => void (fallback = reply),
    waitFor,
    waitForRequests: async (count, timeoutMs) => {
      await waitFor(() => requests.length >= count, `${count} request(s)`, timeoutMs);
      return requests.slice();
    },
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

async function answer(reply: SinkReply, res: ServerResponse): Promise<void> {
  if (reply === 'hang') return;
  if (reply === 'reset') {
    const socket = res.socket;
    try {
      socket?.resetAndDestroy();
    } catch {
      socket?.destroy(); // a TLS socket cannot send a bare TCP RST
    }
    return;
  }
  if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
  res.statusCode = reply.status ?? 200;
  for (const [name, value] of Object.entries(reply.headers ?? {})) if (value !== undefined) res.setHeader(name, value);
  if (reply.close) res.setHeader('Connection', 'close');
  const { body } = reply;
  if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) {
    res.end(body);
    await finished(res);
  } else {
    await pipeline(Readable.from(body), res);
  }
}
