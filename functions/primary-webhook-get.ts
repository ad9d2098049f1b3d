// GET /v1/configs/webhook: the phone number's primary webhook.
import { NotFound } from '../shared/domain/errors.js';
import { PRIMARY } from '../shared/domain/destination.js';
import { targetView } from '../shared/domain/webhook-views.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { ok } from '../shared/http/responses.js';
import { lambdaEntry } from '../shared/lambda-entry.js';
import type { Services } from '../shared/services.js';

export const create = (services: Services) =>
  httpHandler(
    async ({ phoneNumber }) => {
      const [primary, health] = await Promise.all([services.webhooks.readPrimary(phoneNumber), services.health.read(phoneNumber, PRIMARY)]);
      if (!primary) throw new NotFound('No primary webhook is set for this phone number.');
      return ok(targetView(primary, health));
    },
    { auth: true },
  );

export const handler = lambdaEntry(create);
