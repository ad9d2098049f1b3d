// A signed WhatsApp notification as API Gateway (HTTP API, payload 2.0) hands it to the ingest function.
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { notificationBody, sign } from '../../test/helpers/whatsapp.js';

export function ingestEvent(phoneNumber: string, appSecret: string): APIGatewayProxyEventV2 {
  const body = notificationBody([{ phone: phoneNumber, text: 'benchmark message' }]);
  const now = new Date();
  return {
    version: '2.0',
    routeKey: 'POST /webhooks/whatsapp',
    rawPath: '/webhooks/whatsapp',
    rawQueryString: '',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': sign(body, appSecret), 'content-length': String(body.length) },
    requestContext: {
      accountId: 'bench',
      apiId: 'bench',
      domainName: 'bench.local',
      domainPrefix: 'bench',
      http: { method: 'POST', path: '/webhooks/whatsapp', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'facebookexternalua' },
      requestId: randomUUID(),
      routeKey: 'POST /webhooks/whatsapp',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body: body.toString('utf8'),
    isBase64Encoded: false,
  };
}
