// GET /multi_webhook/status: each destination's breaker, last answer and parked copies.
import { destinationStatuses } from '../shared/domain/destination-status.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { ok } from '../shared/http/responses.js';
import { lambdaEntry } from '../shared/lambda-entry.js';
import type { Services } from '../shared/services.js';

export const create = (services: Services) =>
  httpHandler(async ({ phoneNumber }) => ok(destinationStatuses(await services.webhooks.readPhoneConfig(phoneNumber))), { auth: true });

export const handler = lambdaEntry(create);
