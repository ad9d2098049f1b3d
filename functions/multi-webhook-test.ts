// POST /multi_webhook/test: a synthetic, signed-as-configured notification sent once to one webhook
// (the primary when no name is given), answering with the receiver's status, latency and body excerpt.
// The only management function that bundles the sender.
import { createHttpSender } from '../shared/delivery/http-sender.js';
import { attemptHeaders } from '../shared/delivery/destination-attempts.js';
import { labelOf, refOf } from '../shared/domain/destination.js';
import { NotFound } from '../shared/domain/errors.js';
import { parseRequest } from '../shared/domain/requests.js';
import { testAnswerOf, testNotification } from '../shared/domain/test-event.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { ok } from '../shared/http/responses.js';
import { lambdaEntry } from '../shared/lambda-entry.js';
import { logger, maskPhone } from '../shared/logger.js';
import { senderOf, type Services } from '../shared/services.js';

export const create = (services: Services) => {
  const { config, overrides } = services;
  const sender = senderOf(services, createHttpSender);
  const now = overrides.now ?? Date.now;
  return httpHandler(
    async ({ body, phoneNumber }) => {
      const { name } = parseRequest(services.schemas.Target, body ?? {});
      const destination = refOf(name);
      const { primary, destinations } = await services.webhooks.readPhoneConfig(phoneNumber);
      // Sent whether clones are enabled or the webhook is paused: the owner asked for this one.
      const target = name === undefined ? primary : destinations.find((candidate) => candidate.name === name);
      if (!target)
        throw new NotFound(
          name === undefined
            ? 'No primary webhook is set for this phone number.'
            : `No webhook named "${name}" exists for this phone number.`,
        );
      const notification = testNotification(phoneNumber, destination, now());
      const headers = await attemptHeaders({ now, signing: services.signing }, destination, target, notification);
      const outcome = await sender.send({ url: target.url, headers, body: notification.payload });
      const answer = testAnswerOf(outcome, config.DELIVERY_TIMEOUT_MS);
      logger.info('Test event sent', {
        phone: maskPhone(phoneNumber),
        destination: labelOf(destination),
        ...(outcome.kind === 'answered' ? { status: outcome.status } : { error: outcome.error }),
        latencyMs: answer.latencyMs,
      });
      return ok(answer);
    },
    { auth: true },
  );
};

export const handler = lambdaEntry(create);
