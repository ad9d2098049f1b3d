// DELETE /multi_webhook?name=<exact name> (or a JSON body {"name"}): removes that webhook.
import { Invalid } from '../shared/domain/errors.js';
import { parseRequest } from '../shared/domain/requests.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { ok } from '../shared/http/responses.js';
import { lambdaEntry } from '../shared/lambda-entry.js';
import type { Services } from '../shared/services.js';

export const create = (services: Services) =>
  httpHandler(async ({ event, body, phoneNumber, requestId }) => {
  const fromQuery = event.queryStringParameters?.name;
  if (fromQuery === undefined && body === undefined) throw new Invalid('Name the webhook to delete: DELETE /multi_webhook?name=<exact name>, or a JSON body {"name"}.');
  const { name } = parseRequest(services.schemas.Delete, fromQuery === undefined ? body : { name: fromQuery });
  await services.webhooks.remove(phoneNumber, name, requestId);
  return ok({ message: `Deleted webhook "${name}".` });
}, { auth: true });

export const handler = lambdaEntry(create);
