// The local API Gateway: serves the route table over HTTP by calling the same authorizer and
// handler modules that Lambda runs, with the events API Gateway would build.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { Services } from '../../shared/services.js';
import { authorizerFunction, routes } from '../routes.js';
import { loadFunction } from './function-modules.js';
import { buildAuthorizerEvent, buildHttpEvent, lambdaContext } from './lambda-events.js';

/** API Gateway's own payload limit for HTTP APIs. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

type LambdaHandler = (event: unknown, context: unknown) => Promise<unknown>;

export interface ApiServer {
  url: string;
  close(): Promise<void>;
}

export async function startApiServer(port: number, services: Services): Promise<ApiServer> {
  const handlers = await createHandlers(services);
  const server = createServer((request, response) => {
    serve(request, response, handlers).catch((error: unknown) => {
      console.error('local api: request failed', error);
      if (!response.headersSent) send(response, { statusCode: 500, body: JSON.stringify({ error: 'Internal error.' }) });
    });
  });
  server.keepAliveTimeout = 65_000;
  server.on('clientError', answerUnparsable);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: boundPort } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${boundPort}`, close: () => closeServer(server) };
}

/** Each function module's handler, built over these services as its Lambda entry point would build it. */
async function createHandlers(services: Services): Promise<Map<string, LambdaHandler>> {
  const names = [authorizerFunction.handler, ...routes.map((route) => route.handler)];
  const entries = await Promise.all(names.map(async (name) => [name, await loadFunction<LambdaHandler>(name, services)] as const));
  return new Map(entries);
}

async function serve(request: IncomingMessage, response: ServerResponse, handlers: Map<string, LambdaHandler>): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  if (!isWellFormedQuery(url.search.slice(1))) {
    request.resume();
    return send(response, { statusCode: 400, body: JSON.stringify({ error: MALFORMED_QUERY }) });
  }
  const matched = matchRoute(request.method ?? '', url.pathname);
  if (!matched) {
    request.resume();
    return send(response, { statusCode: 404, body: JSON.stringify({ error: `No route for ${request.method} ${url.pathname}.` }) });
  }
  const body = await readBody(request);
  if (body === undefined) {
    return send(response, {
      statusCode: 413,
      body: JSON.stringify({ error: `The request body is larger than ${MAX_REQUEST_BYTES} bytes.` }),
    });
  }
  const { route, pathParameters } = matched;
  const event = buildHttpEvent(request, url, route, body, pathParameters);
  if (route.auth === 'api-key') await authorize(event, handlers.get(authorizerFunction.handler)!);
  const result = (await handlers.get(route.handler)!(event, lambdaContext(route.handler))) as APIGatewayProxyStructuredResultV2;
  send(response, result);
}

/** The route for a request, and the values of its path's `{parameters}` (one segment each, decoded like API Gateway's). */
function matchRoute(
  method: string,
  pathname: string,
): { route: (typeof routes)[number]; pathParameters?: Record<string, string> } | undefined {
  const segments = pathname.split('/');
  for (const route of routes) {
    if (route.method !== method) continue;
    if (route.path === pathname) return { route };
    const template = route.path.split('/');
    if (!route.path.includes('{') || template.length !== segments.length) continue;
    const pathParameters: Record<string, string> = {};
    const fits = template.every((part, index) => {
      const parameter = /^\{(\w+)\}$/.exec(part)?.[1];
      if (parameter === undefined) return part === segments[index];
      if (!segments[index]) return false;
      pathParameters[parameter] = safeDecode(segments[index]!);
      return true;
    });
    if (fits) return { route, pathParameters };
  }
  return undefined;
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const MALFORMED_QUERY = 'The query string is malformed: a % must start an escape of two hex digits (a literal % is %25).';
const MALFORMED_URL =
  'The request URL is malformed: send it as ASCII, with every other byte percent-encoded (% and two hex digits of its UTF-8).';

/**
 * Whether every % starts an escape of two hex digits (API Gateway, too, answers 400 to a
 * stray %). Escapes that do not spell UTF-8 decode to U+FFFD, as URLSearchParams and the event builder do.
 */
function isWellFormedQuery(query: string): boolean {
  return !/%(?![0-9A-Fa-f]{2})/.test(query);
}

/**
 * Node's parser refuses some requests before any handler sees them (raw non-ASCII bytes in the
 * query, say). They get the contract's {"error"} instead of Node's empty answer, with the status
 * Node would give.
 */
function answerUnparsable(error: NodeJS.ErrnoException, socket: Duplex & { bytesWritten?: number }): void {
  if (error.code === 'ECONNRESET' || !socket.writable || socket.bytesWritten) {
    socket.destroy();
    return;
  }
  const [status, reason, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'The request headers are too large.']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'The request took too long to arrive.']
        : error.code === 'HPE_INVALID_URL'
          ? [400, 'Bad Request', MALFORMED_URL]
          : [400, 'Bad Request', 'The request is not valid HTTP/1.1.'];
  const body = JSON.stringify({ error: message });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

/** Runs the authorizer and passes its context on, as API Gateway does (no cache locally). */
async function authorize(event: APIGatewayProxyEventV2, authorizer: LambdaHandler): Promise<void> {
  const decision = (await authorizer(buildAuthorizerEvent(event), lambdaContext(authorizerFunction.handler))) as {
    isAuthorized: boolean;
    context?: Record<string, unknown>;
  };
  if (!decision.isAuthorized) throw new Error('The authorizer refused; it is expected to always authorize.');
  Object.assign(event.requestContext, { authorizer: { lambda: decision.context ?? {} } });
}

/** The whole body, or undefined when it exceeds API Gateway's limit (the rest is not buffered). */
function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        request.removeAllListeners('data');
        request.resume();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_REQUEST_BYTES ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const body = result.body === undefined ? '' : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
  response.writeHead(result.statusCode ?? 200, { 'content-type': 'application/json', ...result.headers });
  response.end(body);
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
