// The request schemas for this process's destination policy.
import { config } from '../config.js';
import { requestSchemas, type RequestSchemas } from '../domain/requests.js';

export function schemas(): RequestSchemas {
  return requestSchemas(config().DESTINATION_POLICY);
}
