// A traced function loads Powertools Tracer (and the X-Ray SDK's process-wide async hooks) only where it can trace.
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { BUNDLE_EXTERNAL_MODULES, BUNDLE_MAIN_FIELDS, BUNDLE_TARGET } from '../../../infra/bundling.js';
import { PROJECT_ROOT } from '../../../infra/local/state-file.js';
import { loadTracing } from '../../../shared/aws/load-tracing.js';
import { parseConfig } from '../../../shared/config.js';

/** How each module of a function's bundle reaches the Tracer's package and our Powertools tracing: by kind of import. */
async function tracerImportsOf(name: string): Promise<string[]> {
  const { metafile } = await build({
    entryPoints: [resolve(PROJECT_ROOT, 'functions', `${name}.ts`)],
    absWorkingDir: PROJECT_ROOT,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLE_TARGET,
    mainFields: BUNDLE_MAIN_FIELDS,
    external: BUNDLE_EXTERNAL_MODULES,
    logLevel: 'silent',
  });
  return Object.entries(metafile.inputs).flatMap(([from, input]) =>
    input.imports
      .filter(
        ({ path }) => path.endsWith('shared/aws/powertools-tracing.ts') || path.includes('@aws-lambda-powertools/tracer/lib/esm/index'),
      )
      .map(({ path, kind }) => `${from} -> ${path.replace(/^.*(shared\/aws|@aws-lambda-powertools\/tracer)/, '$1')} (${kind})`),
  );
}

describe('loadTracing', () => {
  it('gives no tracing off the Lambda runtime, so clients and attempts stay as they are', async () => {
    await expect(loadTracing(parseConfig({}))).resolves.toBeUndefined();
  });

  it('gives no tracing on the Lambda runtime when POWERTOOLS_TRACE_ENABLED is false', async () => {
    await expect(
      loadTracing(parseConfig({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x', POWERTOOLS_TRACE_ENABLED: 'false' })),
    ).resolves.toBeUndefined();
  });

  it('gives the Powertools tracing on the Lambda runtime', async () => {
    const tracing = await loadTracing(parseConfig({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' }));
    expect(tracing).toMatchObject({ captureClient: expect.any(Function), subsegment: expect.any(Function) });
  });
});

describe('the traced functions bundles', () => {
  it.each(['delivery', 'whatsapp-ingest'])('%s carries the Tracer but evaluates it only once loadTracing imports it', async (name) => {
    expect((await tracerImportsOf(name)).sort()).toEqual([
      'shared/aws/load-tracing.ts -> shared/aws/powertools-tracing.ts (dynamic-import)',
      'shared/aws/powertools-tracing.ts -> @aws-lambda-powertools/tracer/lib/esm/index.js (import-statement)',
    ]);
  });
});
