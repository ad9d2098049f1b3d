// API Gateway (HTTP API, payload v2) responses: JSON bodies only.
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number };

export function json(statusCode: number, body: unknown): HttpResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export const ok = (body: unknown): HttpResult => json(200, body);
export const errorResponse = (statusCode: number, message: string): HttpResult => json(statusCode, { error: message });
