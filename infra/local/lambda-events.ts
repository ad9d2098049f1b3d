// Builds the events and context API Gateway (HTTP API, payload 2.0) and Lambda would pass.
import { isUtf8 } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayRequestAuthorizerEventV2, Context } from 'aws-lambda';
import type { Route } from '../routes.js';

export interface EventRequest {
  method: string;
  /** The path without the query. */
  path: string;
  /** Header names lower-cased, as API Gateway (payload 2.0) passes them. */
  headers?: Record<string, string>;
  /** The raw query string, without '?'. */
  rawQuery?: string;
  body?: Buffer;
  sourceIp?: string;
  protocol?: string;
  /** The route's path template when it has parameters ("/deliveries/{id}/retry"), and their decoded values. */
  routePath?: string;
  pathParameters?: Record<string, string>;
}

/** The event API Gateway (HTTP API, payload 2.0) builds for a request; the one builder for the local API, tests and benchmarks. */
export function apiGatewayEvent(request: EventRequest): APIGatewayProxyEventV2 {
  const now = new Date();
  const { method, path, headers = {}, rawQuery = '', body = Buffer.alloc(0) } = request;
  // Like API Gateway: repeated query parameters joined with commas.
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(rawQuery)) query[name] = name in query ? `${query[name]},${value}` : value;
  // Like API Gateway: text bodies as they are, anything that is not valid UTF-8 as base64.
  const text = body.length > 0 && isUtf8(body) ? body.toString('utf8') : undefined;
  const routeKey = `${method} ${request.routePath ?? path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: rawQuery,
    headers,
    queryStringParameters: rawQuery ? query : undefined,
    ...(request.pathParameters && { pathParameters: request.pathParameters }),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method,
        path,
        protocol: request.protocol ?? 'HTTP/1.1',
        sourceIp: request.sourceIp ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.length === 0 ? undefined : (text ?? body.toString('base64')),
    isBase64Encoded: body.length > 0 && text === undefined,
  };
}

/** The event for a request the local API server received on one of the routes. */
export function buildHttpEvent(
  request: IncomingMessage,
  url: URL,
  route: Route,
  body: Buffer,
  pathParameters?: Record<string, string>,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  return apiGatewayEvent({
    method: route.method,
    path: url.pathname,
    headers,
    rawQuery: url.search.slice(1),
    body,
    sourceIp: request.socket.remoteAddress,
    protocol: `HTTP/${request.httpVersion}`,
    ...(pathParameters && { routePath: route.path, pathParameters }),
  });
}

export function buildAuthorizerEvent(event: APIGatewayProxyEventV2): APIGatewayRequestAuthorizerEventV2 {
  return {
    version: '2.0',
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:local:local:local/$default/${event.routeKey.replace(' ', '')}`,
    identitySource: [event.headers['d360-api-key'] ?? ''],
    routeKey: event.routeKey,
    rawPath: event.rawPath,
    rawQueryString: event.rawQueryString,
    headers: event.headers,
    queryStringParameters: event.queryStringParameters,
    requestContext: event.requestContext,
    cookies: [],
    pathParameters: {},
    stageVariables: {},
  } as APIGatewayRequestAuthorizerEventV2;
}

export function lambdaContext(functionName: string, timeoutMs = 30_000): Context {
  const deadline = Date.now() + timeoutMs;
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
