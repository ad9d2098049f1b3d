// POST /webhooks/whatsapp: verifies Meta's signature, routes each change to its number (or to every
// known number of its WABA), queues one notification per number and answers 200 once SQS holds them.
import { loadTracing } from '../shared/aws/load-tracing.js';
import { deduplicationKey } from '../shared/domain/deduplication.js';
import { Forbidden, Unauthorized } from '../shared/domain/errors.js';
import { DELIVERY_MARKER_HEADER } from '../shared/domain/fan-out.js';
import { MAX_NOTIFICATION_BYTES } from '../shared/domain/limits.js';
import { isValidSignature, parseWebhookBody } from '../shared/domain/whatsapp.js';
import { notificationsFor } from '../shared/domain/whatsapp-copies.js';
import { knownNumbers, planCopies, routeChanges } from '../shared/domain/whatsapp-routing.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { ok } from '../shared/http/responses.js';
import { logger, maskPhone } from '../shared/logger.js';
import { lambdaEntry } from '../shared/lambda-entry.js';
import type { Services } from '../shared/services.js';

export const create = (services: Services) =>
  httpHandler(
    async ({ event, context, rawBody }) => {
      const bytes = rawBody.length;
      // A delivery of ours that came back (a receiver forwarding to our ingest): taking it would loop.
      // Refused before anything else, and not with a 2xx, so the delivery that brought it counts it failed.
      if (event.headers[DELIVERY_MARKER_HEADER] !== undefined) {
        logger.warn('Notification refused: it is a delivery of this service (a loop)', { bytes });
        throw new Forbidden('This request is a delivery of this service; taking it in again would loop.');
      }
      // API Gateway (payload 2.0) lower-cases header names. Nothing is parsed before the signature holds.
      const signature = event.headers['x-hub-signature-256'];
      const appSecret = await services.secrets.appSecret();
      if (!isValidSignature(rawBody, signature, appSecret)) {
        logger.warn('Notification refused: bad signature', { bytes, signaturePresent: signature !== undefined });
        throw new Unauthorized('The X-Hub-Signature-256 header is missing or does not match the body.');
      }
      const routing = routeChanges(parseWebhookBody(rawBody));
      // A failed lookup is a 500: Meta retries the body rather than it losing its WABA-level events.
      const plan = planCopies(routing, await knownNumbers(services.wabas, routing.wabaLevel));
      for (const { wabaId, fields, changes } of plan.unrouted) {
        // unroutedChanges is the field the stack's metric filter counts; a WABA id names a business, not a person.
        logger.warn('Notification part dropped: no known phone number for it', {
          wabaId: wabaId ?? null,
          fields,
          unroutedChanges: changes,
        });
      }
      const notifications = notificationsFor(
        { rawBody, signature, receivedAt: Date.now(), totalChanges: routing.changes.length },
        plan,
        appSecret,
      );
      // Each number's copy once per window: Meta's re-sends and replays of a delivery are not queued again.
      const verdicts = await Promise.all(
        notifications.map((notification) =>
          services.deduplication.once(
            deduplicationKey(notification.phoneNumber, notification.id),
            () => services.notifications.enqueue([notification]),
            context,
          ),
        ),
      );
      // Only once the queue holds this body: what is learned serves later bodies, and failing it must not cost this one.
      await services.wabas
        .learn(routing.memberships)
        .catch((error: unknown) => logger.warn('Could not record the WABA of a number', { error }));
      if (notifications.length === 0) {
        // 200 all the same: Meta would otherwise retry for days a body that can never be delivered.
        logger.info('Notification dropped: no phone number in it', { bytes });
        return ok({ status: 'ignored' });
      }
      if (verdicts.every((verdict) => verdict === 'duplicate')) {
        logger.info('Notification already accepted: not queued again', { bytes, notifications: notifications.length });
        return ok({ status: 'duplicate' });
      }
      logger.info('Notification queued', {
        bytes,
        split: notifications.length > 1,
        notifications: notifications.map(({ id, phoneNumber, payload, signature: sent }, index) => ({
          id,
          phoneNumber: maskPhone(phoneNumber),
          bytes: Buffer.byteLength(payload),
          resigned: sent !== signature,
          duplicate: verdicts[index] === 'duplicate',
        })),
      });
      return ok({ status: 'queued' });
    },
    { auth: false, body: 'raw', maxBodyBytes: MAX_NOTIFICATION_BYTES },
  );

// Traced: its SQS, DynamoDB and S3 calls are what a slow 200 to Meta is made of.
export const handler = lambdaEntry(create, async (config) => ({ tracing: await loadTracing(config) }));
