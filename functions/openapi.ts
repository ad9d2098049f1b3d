// GET /openapi.json: the OpenAPI 3.1 document of this API, no key. It builds no services (no SDK
// client in its bundle); the document is built once per instance, on its first request.
import { httpHandler } from '../shared/http/http-handler.js';
import { ok } from '../shared/http/responses.js';
import { openApiDocument } from '../shared/openapi/document.js';

let document: ReturnType<typeof openApiDocument> | undefined;

export const create = () => httpHandler(async () => ok((document ??= openApiDocument())), { auth: false });

export const handler = create();
