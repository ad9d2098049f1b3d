// PUT /multi_webhook: appends destinations, all or none, within the cap of 3.
import { refuseOwnDestinations } from '../shared/domain/own-destinations.js';
import { parseRequest } from '../shared/domain/requests.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { ownHostsOf } from '../shared/http/own-hosts.js';
import { ok, withSecrets } from '../shared/http/responses.js';
import { lambdaEntry } from '../shared/lambda-entry.js';
import type { Services } from '../shared/services.js';

export const create = (services: Services) =>
  httpHandler(
    async ({ event, body, phoneNumber, requestId }) => {
      const { destinations: requested } = parseRequest(services.schemas.Append, body);
      refuseOwnDestinations(
        requested.map((destination) => destination.url),
        ownHostsOf(event, services.config),
      );
      const { destinations, secrets } = await services.signing.sealRequested(phoneNumber, requested);
      await services.webhooks.append(phoneNumber, destinations, requestId);
      return ok({ message: `Added ${destinations.length} webhook(s).`, ...withSecrets(secrets) });
    },
    { auth: true },
  );

export const handler = lambdaEntry(create);
