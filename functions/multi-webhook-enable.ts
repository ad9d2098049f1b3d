// POST /multi_webhook: enables (optionally with initial destinations) or disables the clones.
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
      const { enabled, destinations: requested = [] } = parseRequest(services.schemas.Enable, body);
      refuseOwnDestinations(
        requested.map((destination) => destination.url),
        ownHostsOf(event, services.config),
      );
      const { destinations, secrets } = await services.signing.sealRequested(phoneNumber, requested);
      await services.webhooks.setEnabled(phoneNumber, enabled, destinations, requestId);
      const added = destinations.length > 0 ? ` with ${destinations.length} webhook(s)` : '';
      return ok({
        message: enabled ? `Multiple webhooks enabled${added}.` : 'Multiple webhooks disabled; destinations are kept.',
        ...withSecrets(secrets),
      });
    },
    { auth: true },
  );

export const handler = lambdaEntry(create);
