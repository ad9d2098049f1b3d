// GET /health: liveness, no key, no dependencies (so it builds no services, and its bundle stays small).
import { httpHandler } from '../shared/http/http-handler.js';
import { ok } from '../shared/http/responses.js';

export const create = () => httpHandler(async () => ok({ status: 'ok' }), { auth: false });

export const handler = create();
