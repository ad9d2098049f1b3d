// POST /multi_webhook/secret: a new signing secret for a webhook that signs (the primary when no name
// is given), returned once; the previous one keeps signing beside it for the grace period.
import { refOf } from '../shared/domain/destination.js';
import { parseRequest } from '../shared/domain/requests.js';
import { httpHandler } from '../shared/http/http-handler.js';
import { ok } from '../shared/http/responses.js';
import { lambdaEntry } from '../shared/lambda-entry.js';
import type { Services } from '../shared/services.js';

export const create = (services: Services) =>
  httpHandler(
    async ({ body, phoneNumber }) => {
      const { name } = parseRequest(services.schemas.Target, body ?? {});
      const destination = refOf(name);
      let secret = '';
      await services.webhooks.rotateSigning(phoneNumber, destination, async (current) => {
        const rotated = await services.signing.rotate({ phoneNumber, destination }, current);
        secret = rotated.secret;
        return rotated.sealed;
      });
      const graceSeconds = services.signing.graceSeconds;
      return ok({
        message: `New signing secret for ${name === undefined ? 'the primary webhook' : `webhook "${name}"`}; the previous one also signs for ${graceSeconds} s.`,
        secret,
        previousValidForSeconds: graceSeconds,
      });
    },
    { auth: true },
  );

export const handler = lambdaEntry(create);
