// POST /webhooks/whatsapp: verifies Meta's signature over the raw bytes, queues one notification
// per phone number and answers 200 once SQS holds them (delivery happens behind the queue).
import { Unauthorized } from '../shared/domain/errors.js';
import { MAX_NOTIFICATION_BYTES } from '../shared/domain/limits.js';
import { isValidSignature, notificationsFor, parseWebhookBody } from '../shared/domain/whatsapp.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { ok } from '../shared/http/responses.js';
import { logger, maskPhone } from '../shared/logger.js';
import { lambdaEntry } from '../shared/lambda-entry.js';
import type { Services } from '../shared/services.js';

export const create = (services: Services) =>
  httpHandler(async ({ event, rawBody }) => {
  const bytes = rawBody.length;
  // API Gateway (payload 2.0) lower-cases header names. Nothing is parsed before the signature holds.
  const signature = event.headers['x-hub-signature-256'];
  if (!isValidSignature(rawBody, signature, await services.secrets.appSecret())) {
    logger.warn('Notification refused: bad signature', { bytes, signaturePresent: signature !== undefined });
    throw new Unauthorized('The X-Hub-Signature-256 header is missing or does not match the body.');
  }
  const notifications = notificationsFor(rawBody, parseWebhookBody(rawBody), signature, Date.now());
  if (notifications.length === 0) {
    // 200 all the same: Meta would otherwise retry for days a body that can never be delivered.
    logger.info('Notification dropped: no phone number in it', { bytes });
    return ok({ status: 'ignored' });
  }
  await services.notifications.enqueue(notifications);
  logger.info('Notification queued', {
    bytes,
    split: notifications.length > 1,
    notifications: notifications.map(({ id, phoneNumber, payload }) => ({ id, phoneNumber: maskPhone(phoneNumber), bytes: Buffer.byteLength(payload) })),
  });
  return ok({ status: 'queued' });
}, { auth: false, body: 'raw', maxBodyBytes: MAX_NOTIFICATION_BYTES });

export const handler = lambdaEntry(create);
