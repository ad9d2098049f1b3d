// The tracing of a traced function: Powertools Tracer where it can trace, nothing where it cannot.
import { tracingMayBeOn, type Config } from '../config.js';
import type { Tracing } from './tracing.js';

/**
 * Loads Powertools Tracer, and the X-Ray SDK with it, only where tracing can be on. Loading the SDK
 * installs async hooks (cls-hooked) that tax every promise in the process even when the Tracer then
 * turns itself off, so the local runtime, the tests and the benchmarks run without them. The import
 * names a fixed module: esbuild bundles it into the function all the same.
 */
export async function loadTracing(config: Config): Promise<Tracing | undefined> {
  if (!tracingMayBeOn(config)) return undefined;
  const { createPowertoolsTracing } = await import('./powertools-tracing.js');
  return createPowertoolsTracing();
}
