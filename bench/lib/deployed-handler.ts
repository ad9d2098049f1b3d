// The delivery function as Lambda runs it: the CDK-style bundle, imported once per process, over services it builds itself.
import { pathToFileURL } from 'node:url';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Config } from '../../shared/config.js';
import type { Services } from '../../shared/services.js';
import { bundleFunctionWithServices } from './bundle.js';

export type SqsFunction = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface BundledFunction {
  handler: SqsFunction;
  /** Releases the bundled services' clients and sender. */
  close(): Promise<void>;
}

/**
 * What the bundle's Lambda entry builds on its first invocation, `create(createServices(config))`,
 * all of it bundled code (store, queue and sender included), from a configuration instead of process.env.
 */
export async function importBundledHandler(name: string, config: Config): Promise<BundledFunction> {
  const { file } = await bundleFunctionWithServices(name);
  const bundle = (await import(pathToFileURL(file).href)) as {
    create: (services: Services) => SqsFunction;
    createServices: (config: Config) => Services;
  };
  const services = bundle.createServices(config);
  return { handler: bundle.create(services), close: () => services.close() };
}

export function throwOnFailures(response: SQSBatchResponse): void {
  if (response.batchItemFailures.length > 0) {
    throw new Error(`${response.batchItemFailures.length} records failed: the benchmark measures the happy path only`);
  }
}
