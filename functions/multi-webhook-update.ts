// PATCH /multi_webhook: changes url and/or headers of the webhook with that exact name.
import { parseRequest } from '../shared/domain/requests.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { schemas } from '../shared/http/requests.js';
import { ok } from '../shared/http/responses.js';
import { webhookStore } from '../shared/store/index.js';

export const handler = httpHandler(async ({ body, phoneNumber, requestId }) => {
  const { name, url, headers } = parseRequest(schemas().Update, body);
  await webhookStore().update(phoneNumber, name, { url, headers }, requestId);
  return ok({ message: `Updated webhook "${name}".` });
}, { auth: true });
