// PATCH /multi_webhook: changes url and/or headers of the webhook with that exact name.
import { parseRequest } from '../shared/domain/requests.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { ok } from '../shared/http/responses.js';
import { lambdaEntry } from '../shared/lambda-entry.js';
import type { Services } from '../shared/services.js';

export const create = (services: Services) =>
  httpHandler(async ({ body, phoneNumber, requestId }) => {
  const { name, url, headers } = parseRequest(services.schemas.Update, body);
  await services.webhooks.update(phoneNumber, name, { url, headers }, requestId);
  return ok({ message: `Updated webhook "${name}".` });
}, { auth: true });

export const handler = lambdaEntry(create);
