// How a functions/ module becomes a Lambda handler: the services are built from this process's
// environment on the first invocation and kept for the warm life of the function, in the handler's
// own closure, so only the entry point caches anything.
import type { Context } from 'aws-lambda';
import { loadConfig } from './config.js';
import { createServices, type Services } from './services.js';

export type HandlerFactory<E, R> = (services: Services) => (event: E, context: Context) => Promise<R>;

export function lambdaEntry<E, R>(create: HandlerFactory<E, R>): (event: E, context: Context) => Promise<R> {
  let handler: ((event: E, context: Context) => Promise<R>) | undefined;
  return (event, context) => {
    handler ??= create(createServices(loadConfig()));
    return handler(event, context);
  };
}
