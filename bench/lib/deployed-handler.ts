// The delivery function as Lambda runs it: the CDK-style bundle, imported once per process.
import { pathToFileURL } from 'node:url';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { bundleFunction } from './bundle.js';

export type SqsFunction = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export async function importBundledHandler(name: string): Promise<SqsFunction> {
  const { file } = await bundleFunction(name);
  return ((await import(pathToFileURL(file).href)) as { handler: SqsFunction }).handler;
}

export function throwOnFailures(response: SQSBatchResponse): void {
  if (response.batchItemFailures.length > 0) {
    throw new Error(`${response.batchItemFailures.length} records failed: the benchmark measures the happy path only`);
  }
}
