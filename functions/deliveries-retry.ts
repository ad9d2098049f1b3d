// POST /deliveries/{id}/retry: sends a logged notification again to the destinations that did not get it.
import { Invalid } from '../shared/domain/errors.js';
import { NOTIFICATION_ID_PATTERN } from '../shared/domain/notification.js';
import { replayNotification } from '../shared/delivery/replay.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { json } from '../shared/http/responses.js';
import { lambdaEntry } from '../shared/lambda-entry.js';
import type { Services } from '../shared/services.js';

export const create = (services: Services) =>
  httpHandler(
    async ({ event, phoneNumber }) => {
      const id = event.pathParameters?.id ?? '';
      if (!NOTIFICATION_ID_PATTERN.test(id))
        throw new Invalid('The notification id must be 1 to 128 printable ASCII characters without spaces.');
      const destinations = await replayNotification(
        { log: services.deliveryLog, webhooks: services.webhooks, queue: services.deliveryQueue, now: services.overrides.now ?? Date.now },
        phoneNumber,
        id,
      );
      return json(202, { message: `Retry of notification ${id} queued for ${destinations.join(', ')}.`, notificationId: id, destinations });
    },
    { auth: true },
  );

export const handler = lambdaEntry(create);
