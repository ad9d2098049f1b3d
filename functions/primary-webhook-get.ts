// GET /v1/configs/webhook: the phone number's primary webhook.
import { NotFound } from '../shared/domain/errors.js';
import { targetView } from '../shared/domain/webhook-views.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { ok } from '../shared/http/responses.js';
import { lambdaEntry } from '../shared/lambda-entry.js';
import type { Services } from '../shared/services.js';

export const create = (services: Services) =>
  httpHandler(
    async ({ phoneNumber }) => {
      const primary = await services.webhooks.readPrimary(phoneNumber);
      if (!primary) throw new NotFound('No primary webhook is set for this phone number.');
      return ok(targetView(primary));
    },
    { auth: true },
  );

export const handler = lambdaEntry(create);
