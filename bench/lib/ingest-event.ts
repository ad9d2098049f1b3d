// A signed WhatsApp notification as API Gateway (HTTP API, payload 2.0) hands it to the ingest function.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { apiGatewayEvent } from '../../infra/local/lambda-events.js';
import { notificationBody, sign } from '../../test/helpers/whatsapp.js';

export function ingestEvent(phoneNumber: string, appSecret: string): APIGatewayProxyEventV2 {
  const body = notificationBody([{ phone: phoneNumber, text: 'benchmark message' }]);
  return apiGatewayEvent({
    method: 'POST',
    path: '/webhooks/whatsapp',
    headers: {
      'content-type': 'application/json',
      'x-hub-signature-256': sign(body, appSecret),
      'content-length': String(body.length),
      'user-agent': 'facebookexternalua',
    },
    body,
  });
}
