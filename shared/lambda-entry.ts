// How a functions/ module becomes a Lambda handler: the services are built from this process's
// environment on the first invocation and kept for the warm life of the function, in the handler's
// own closure, so only the entry point caches anything.
import type { Context } from 'aws-lambda';
import { loadConfig, type Config } from './config.js';
import { createServices, type Adapters, type Services } from './services.js';

export type HandlerFactory<E, R> = (services: Services) => (event: E, context: Context) => Promise<R>;

/**
 * What a function measures and traces with. Each function names its own, so the metrics and
 * X-Ray libraries load only in the bundles that use them.
 */
export type Instruments = (
  config: Config,
) => Partial<Pick<Adapters, 'metrics' | 'tracing'>> | Promise<Partial<Pick<Adapters, 'metrics' | 'tracing'>>>;

export function lambdaEntry<E, R>(create: HandlerFactory<E, R>, instruments?: Instruments): (event: E, context: Context) => Promise<R> {
  let built: { services: Services; handler: (event: E, context: Context) => Promise<R> } | undefined;
  return async (event, context) => {
    if (!built) {
      const config = loadConfig();
      const services = createServices(config, await instruments?.(config));
      built = { services, handler: create(services) };
    }
    try {
      return await built.handler(event, context);
    } finally {
      // Once per invocation, failed ones included: what was counted belongs to this invocation's line.
      built.services.metrics.publish();
    }
  };
}
