// GET /v1/configs/webhook: the phone number's primary webhook.
import { NotFound } from '../shared/domain/errors.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { ok } from '../shared/http/responses.js';
import { webhookStore } from '../shared/store/index.js';

export const handler = httpHandler(async ({ phoneNumber }) => {
  const primary = await webhookStore().readPrimary(phoneNumber);
  if (!primary) throw new NotFound('No primary webhook is set for this phone number.');
  return ok({ url: primary.url, headers: primary.headers });
}, { auth: true });
