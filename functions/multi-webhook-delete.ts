// DELETE /multi_webhook?name=<exact name> (or a JSON body {"name"}): removes that webhook.
import { Invalid } from '../shared/domain/errors.js';
import { parseRequest } from '../shared/domain/requests.js';
import { httpHandler, type HttpEvent } from '../shared/http/http-handler.js';
import { ok } from '../shared/http/responses.js';
import { lambdaEntry } from '../shared/lambda-entry.js';
import type { Services } from '../shared/services.js';

export const create = (services: Services) =>
  httpHandler(
    async ({ event, body, phoneNumber, requestId }) => {
      const { name } = parseRequest(services.schemas.Delete, nameRequest(event, body));
      await services.webhooks.remove(phoneNumber, name, requestId);
      return ok({ message: `Deleted webhook "${name}".` });
    },
    { auth: true },
  );

/** The one place the name comes from; a request that names it twice, or in two places, is refused rather than guessed. */
function nameRequest(event: HttpEvent, body: unknown): unknown {
  // API Gateway joins a repeated parameter with commas (`a,b`); the raw query still shows both.
  const inQuery = new URLSearchParams(event.rawQueryString ?? '').getAll('name').length;
  if (inQuery > 1)
    throw new Invalid(`Name one webhook per DELETE: the query gives ?name= ${inQuery} times (a comma inside a name is sent as %2C).`);
  const fromQuery = event.queryStringParameters?.name;
  if (fromQuery === undefined) {
    if (body === undefined)
      throw new Invalid('Name the webhook to delete: DELETE /multi_webhook?name=<exact name>, or a JSON body {"name"}.');
    return body;
  }
  const emptyBody =
    body === undefined || (typeof body === 'object' && body !== null && !Array.isArray(body) && Object.keys(body).length === 0);
  if (!emptyBody) throw new Invalid('Name the webhook once: in the query (?name=) or in a JSON body {"name"}, not both.');
  return { name: fromQuery };
}

export const handler = lambdaEntry(create);
