// POST /v1/configs/webhook: sets the primary webhook, the one that gates the clones.
import { parseRequest } from '../shared/domain/requests.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { schemas } from '../shared/http/requests.js';
import { ok } from '../shared/http/responses.js';
import { webhookStore } from '../shared/store/index.js';

export const handler = httpHandler(async ({ body, phoneNumber }) => {
  const primary = parseRequest(schemas().PrimaryWebhook, body);
  await webhookStore().setPrimary(phoneNumber, primary);
  return ok(primary);
}, { auth: true });
