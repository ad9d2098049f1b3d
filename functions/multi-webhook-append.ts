// PUT /multi_webhook: appends destinations, all or none, within the cap of 3.
import { parseRequest } from '../shared/domain/requests.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { schemas } from '../shared/http/requests.js';
import { ok } from '../shared/http/responses.js';
import { webhookStore } from '../shared/store/index.js';

export const handler = httpHandler(async ({ body, phoneNumber, requestId }) => {
  const { destinations } = parseRequest(schemas().Append, body);
  await webhookStore().append(phoneNumber, destinations, requestId);
  return ok({ message: `Added ${destinations.length} webhook(s).` });
}, { auth: true });
