// GET /webhooks/whatsapp: Meta's subscription handshake, echoing hub.challenge when the verify token matches.
import { Invalid } from '../shared/domain/errors.js';
import { tokensMatch } from '../shared/domain/whatsapp.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { errorResponse } from '../shared/http/responses.js';
import { logger } from '../shared/logger.js';
import { lambdaEntry } from '../shared/lambda-entry.js';
import type { Services } from '../shared/services.js';

export const create = (services: Services) =>
  httpHandler(
    async ({ event }) => {
      const query = event.queryStringParameters ?? {};
      const token = query['hub.verify_token'];
      if (query['hub.mode'] !== 'subscribe' || token === undefined || !tokensMatch(token, await services.secrets.verifyToken())) {
        logger.warn('Subscription check refused', { mode: query['hub.mode'], tokenPresent: token !== undefined });
        return errorResponse(403, 'The subscription check failed: hub.mode must be subscribe and hub.verify_token must match.');
      }
      const challenge = query['hub.challenge'];
      if (challenge === undefined) throw new Invalid('The hub.challenge parameter is missing.');
      logger.info('Subscription check answered');
      // Meta reads the challenge as the plain body; nosniff keeps a browser from rendering it as anything else.
      return {
        statusCode: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
        body: challenge,
      };
    },
    { auth: false },
  );

export const handler = lambdaEntry(create);
