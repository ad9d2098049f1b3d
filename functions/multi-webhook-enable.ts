// POST /multi_webhook: enables (optionally with initial destinations) or disables the clones.
import { parseRequest } from '../shared/domain/requests.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { schemas } from '../shared/http/requests.js';
import { ok } from '../shared/http/responses.js';
import { webhookStore } from '../shared/store/index.js';

export const handler = httpHandler(async ({ body, phoneNumber, requestId }) => {
  const { enabled, destinations = [] } = parseRequest(schemas().Enable, body);
  await webhookStore().setEnabled(phoneNumber, enabled, destinations, requestId);
  const added = destinations.length > 0 ? ` with ${destinations.length} webhook(s)` : '';
  return ok({ message: enabled ? `Multiple webhooks enabled${added}.` : 'Multiple webhooks disabled; destinations are kept.' });
}, { auth: true });
