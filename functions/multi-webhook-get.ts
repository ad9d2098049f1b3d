// GET /multi_webhook: whether clones are enabled, and the additional webhooks.
import { httpHandler } from '../shared/http/http-handler.js';
import { ok } from '../shared/http/responses.js';
import { webhookStore } from '../shared/store/index.js';

export const handler = httpHandler(async ({ phoneNumber }) => {
  const { enabled, destinations } = await webhookStore().readPhoneConfig(phoneNumber);
  return ok({ enabled, destinations });
}, { auth: true });
