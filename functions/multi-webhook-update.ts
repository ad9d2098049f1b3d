// PATCH /multi_webhook: changes url and/or headers of the webhook with that exact name.
import { cloneRef } from '../shared/domain/destination.js';
import { refuseOwnDestinations } from '../shared/domain/own-destinations.js';
import { parseRequest } from '../shared/domain/requests.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { ownHostsOf } from '../shared/http/own-hosts.js';
import { ok } from '../shared/http/responses.js';
import { lambdaEntry } from '../shared/lambda-entry.js';
import type { Services } from '../shared/services.js';

export const create = (services: Services) =>
  httpHandler(
    async ({ event, body, phoneNumber, requestId }) => {
      const { name, url, headers, signing, paused } = parseRequest(services.schemas.Update, body);
      refuseOwnDestinations([url], ownHostsOf(event, services.config));
      const { change, secret } = await services.signing.changeFor(phoneNumber, name, signing);
      const outcome = await services.webhooks.update(phoneNumber, name, { url, headers, signing: change }, requestId);
      // After the update, which checked that the webhook exists and clones are enabled.
      if (paused !== undefined) await services.pauses.set(phoneNumber, cloneRef(name), paused);
      return ok({ message: `Updated webhook "${name}".`, ...(outcome.issued && { secret }) });
    },
    { auth: true },
  );

export const handler = lambdaEntry(create);
