// PUT /multi_webhook: appends destinations, all or none, within the cap of 3.
import { parseRequest } from '../shared/domain/requests.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { ok } from '../shared/http/responses.js';
import { lambdaEntry } from '../shared/lambda-entry.js';
import type { Services } from '../shared/services.js';

export const create = (services: Services) =>
  httpHandler(async ({ body, phoneNumber, requestId }) => {
  const { destinations } = parseRequest(services.schemas.Append, body);
  await services.webhooks.append(phoneNumber, destinations, requestId);
  return ok({ message: `Added ${destinations.length} webhook(s).` });
}, { auth: true });

export const handler = lambdaEntry(create);
