// POST /v1/configs/webhook: sets the primary webhook, the one that gates the clones.
import { PRIMARY } from '../shared/domain/destination.js';
import { refuseOwnDestinations } from '../shared/domain/own-destinations.js';
import { parseRequest } from '../shared/domain/requests.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { ownHostsOf } from '../shared/http/own-hosts.js';
import { ok } from '../shared/http/responses.js';
import { lambdaEntry } from '../shared/lambda-entry.js';
import type { Services } from '../shared/services.js';

export const create = (services: Services) =>
  httpHandler(
    async ({ event, body, phoneNumber }) => {
      const { signing, paused, notices, ...primary } = parseRequest(services.schemas.PrimaryWebhook, body);
      refuseOwnDestinations([primary.url], ownHostsOf(event, services.config));
      const { change, secret } = await services.signing.changeFor(phoneNumber, undefined, signing);
      const outcome = await services.webhooks.setPrimary(phoneNumber, primary, change, notices);
      if (paused !== undefined) await services.pauses.set(phoneNumber, PRIMARY, paused);
      // 360dialog's {"url","headers"}, with the extension keys only when they apply.
      return ok({
        ...primary,
        ...(outcome.signing && { signing: true }),
        ...(outcome.issued && { secret }),
        ...(paused && { paused }),
        ...(outcome.notices && { notices: true }),
      });
    },
    { auth: true },
  );

export const handler = lambdaEntry(create);
