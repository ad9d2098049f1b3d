// The HTTP plumbing every API function shares (middy): body limit and JSON parsing, the caller's
// phone number from the authorizer, and the one error handler that maps domain errors to statuses.
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, Context } from 'aws-lambda';
import { DomainError, TooLarge, Unauthorized } from '../domain/errors.js';
import { parseJsonBytes } from '../domain/json-body.js';
import { MAX_MANAGEMENT_BODY_BYTES } from '../domain/limits.js';
import { logger } from '../logger.js';
import { errorResponse, type HttpResult } from './responses.js';

/** What the authorizer puts in the request context: the key's phone number, '' for an unknown key. */
export interface AuthorizerContext {
  phoneNumber: string;
}

export type HttpEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext>;

export interface HttpRequest {
  event: HttpEvent;
  /** The parsed JSON body; undefined when the request had none or the route takes it raw. */
  body: unknown;
  /** The body's bytes as the client sent them (empty when there was none); limit already checked. */
  rawBody: Buffer;
  /** The authenticated phone number ('' on routes without the authorizer). */
  phoneNumber: string;
  /** API Gateway's request id: the idempotency token of this request's writes. */
  requestId: string;
  /** The invocation's Lambda context (its remaining time bounds in-progress records). */
  context: Context;
}

interface HttpHandlerOptions {
  /** Management routes need a phone number from the authorizer; health and ingest do not. */
  auth: boolean;
  maxBodyBytes?: number;
  /** 'raw' skips JSON parsing: ingest must verify a signature over the bytes before trusting them. */
  body?: 'json' | 'raw';
}

type Internal = { body?: unknown };

export function httpHandler(
  handle: (request: HttpRequest) => Promise<HttpResult>,
  { auth, maxBodyBytes = MAX_MANAGEMENT_BODY_BYTES, body = 'json' }: HttpHandlerOptions,
) {
  // logEvent pinned off: POWERTOOLS_LOGGER_LOG_EVENT=true would otherwise log API keys and bodies.
  return middy<HttpEvent, HttpResult, Error, Context, Internal>()
    .use(injectLambdaContext(logger, { logEvent: false, resetKeys: true }))
    .use(domainErrorsToResponses())
    .use(readBody(maxBodyBytes, body))
    .handler(async (event, context) => {
      const phoneNumber = event.requestContext.authorizer?.lambda?.phoneNumber ?? '';
      if (auth && !phoneNumber) throw new Unauthorized('The D360-API-KEY header is missing or holds an unknown key.');
      const { raw, parsed } = bodies.get(event) ?? noBody;
      const request = {
        event,
        context,
        body: parsed,
        rawBody: raw,
        phoneNumber,
        requestId: event.requestContext.requestId ?? context.awsRequestId,
      };
      return handle(request);
    });
}

// The decoded body travels beside the event rather than replacing the string API Gateway gave.
const bodies = new WeakMap<object, { raw: Buffer; parsed: unknown }>();
const noBody = { raw: Buffer.alloc(0), parsed: undefined };

/** Decodes and size-checks the body before the handler runs, and parses it unless the route takes it raw. */
function readBody(maxBodyBytes: number, mode: 'json' | 'raw'): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    before: ({ event }) => {
      if (event.body === undefined || event.body === '') return;
      const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
      if (raw.length > maxBodyBytes) throw new TooLarge(`The request body is larger than ${maxBodyBytes} bytes.`);
      bodies.set(event, { raw, parsed: mode === 'raw' ? undefined : parseJsonBytes(raw) });
    },
  };
}

/** Domain errors become {"error"} with their status; anything else is a 500 that hides its details. */
function domainErrorsToResponses(): MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: (request) => {
      const { error } = request;
      if (error instanceof DomainError) {
        request.response = errorResponse(error.status, error.message);
        return;
      }
      logger.error('Request failed', { error });
      request.response = errorResponse(500, `Internal error; quote request id ${request.context.awsRequestId} when reporting it.`);
    },
  };
}
