// Lambda authorizer (HTTP API, simple responses): resolves D360-API-KEY to its phone number.
// It always authorizes and lets the handler answer 401, because API Gateway's own refusal
// would be a 403 {"message"} where the API promises 401 {"error"}.
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerWithContextResult, Context } from 'aws-lambda';
import type { AuthorizerContext } from '../shared/http/http-handler.js';
import { lambdaEntry } from '../shared/lambda-entry.js';
import { logger } from '../shared/logger.js';
import type { Services } from '../shared/services.js';

type AuthorizerResult = APIGatewaySimpleAuthorizerWithContextResult<AuthorizerContext>;

export const create =
  ({ apiKeys }: Services) =>
  async (event: APIGatewayRequestAuthorizerEventV2, context: Context): Promise<AuthorizerResult> => {
    // What injectLambdaContext(logger, { logEvent: false }) does: the invocation's context, never its
    // event (its headers carry the API key), whatever POWERTOOLS_LOGGER_LOG_EVENT says.
    logger.addContext(context);
    logger.logEventIfEnabled(event, false);
    const key = event.headers?.['d360-api-key'];
    const phoneNumber = key ? ((await apiKeys.resolve(key)) ?? '') : '';
    if (!phoneNumber) logger.info('Unknown or missing API key', { routeKey: event.routeKey, keyGiven: Boolean(key) });
    return { isAuthorized: true, context: { phoneNumber } };
  };

export const handler = lambdaEntry(create);
