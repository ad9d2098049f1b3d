// POST /v1/configs/webhook: sets the primary webhook, the one that gates the clones.
import { parseRequest } from '../shared/domain/requests.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { ok } from '../shared/http/responses.js';
import { lambdaEntry } from '../shared/lambda-entry.js';
import type { Services } from '../shared/services.js';

export const create = (services: Services) =>
  httpHandler(async ({ body, phoneNumber }) => {
  const primary = parseRequest(services.schemas.PrimaryWebhook, body);
  await services.webhooks.setPrimary(phoneNumber, primary);
  return ok(primary);
}, { auth: true });

export const handler = lambdaEntry(create);
