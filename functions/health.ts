// GET /health: liveness, no key, no dependencies.
import { httpHandler } from '../shared/http/http-handler.js';
import { ok } from '../shared/http/responses.js';

export const handler = httpHandler(async () => ok({ status: 'ok' }), { auth: false });
