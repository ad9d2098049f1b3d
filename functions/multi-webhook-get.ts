// GET /multi_webhook: whether clones are enabled, and the additional webhooks.
import { destinationView } from '../shared/domain/webhook-views.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { ok } from '../shared/http/responses.js';
import { lambdaEntry } from '../shared/lambda-entry.js';
import type { Services } from '../shared/services.js';

export const create = (services: Services) =>
  httpHandler(
    async ({ phoneNumber }) => {
      const { enabled, destinations, health } = await services.webhooks.readPhoneConfig(phoneNumber);
      return ok({ enabled, destinations: destinations.map((destination) => destinationView(destination, health?.[destination.name])) });
    },
    { auth: true },
  );

export const handler = lambdaEntry(create);
