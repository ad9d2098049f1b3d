// GET /deliveries: the calling number's delivery log, newest first, filtered and paginated.
import { deliveryView } from '../shared/domain/delivery-log.js';
import { parseDeliveryQuery } from '../shared/domain/delivery-query.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { ok } from '../shared/http/responses.js';
import { lambdaEntry } from '../shared/lambda-entry.js';
import type { Services } from '../shared/services.js';

export const create = (services: Services) =>
  httpHandler(
    async ({ event, phoneNumber }) => {
      const query = parseDeliveryQuery(new URLSearchParams(event.rawQueryString ?? ''));
      const { records, cursor } = await services.deliveryLog.list(phoneNumber, query);
      return ok({ deliveries: records.map(deliveryView), nextCursor: cursor ?? null });
    },
    { auth: true },
  );

export const handler = lambdaEntry(create);
