// API Gateway (HTTP API, payload v2) responses: JSON bodies only.
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type HttpResult = APIGatewayProxyStructuredResultV2 & { statusCode: number };

export function json(statusCode: number, body: unknown): HttpResult {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

export const ok = (body: unknown): HttpResult => json(200, body);
/**
 * The extension key that returns newly issued signing secrets, by webhook name, once: only when a
 * request issued one, so 360dialog's `{"message"}` stays exact otherwise.
 */
export const withSecrets = (secrets: Readonly<Record<string, string>>) => (Object.keys(secrets).length > 0 ? { secrets } : {});

export const errorResponse = (statusCode: number, message: string): HttpResult => json(statusCode, { error: message });
