// Bundles a function the way infra/constructs/service-function.ts has CDK do it, from the same options.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';
import { BUNDLE_EXTERNAL_MODULES, BUNDLE_MAIN_FIELDS, BUNDLE_TARGET, ESM_REQUIRE_BANNER } from '../../infra/bundling.js';

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Inside node_modules so the bundles resolve the external @aws-sdk/* packages from the project's
 * node_modules, as Lambda resolves them from its runtime; node_modules/ is git-ignored.
 */
export const bundleRoot = join(projectRoot, 'node_modules', '.cache', 'multi-webhook-bench');

/** Every functions/<name>.ts, by name. */
export function functionNames(): string[] {
  return readdirSync(join(projectRoot, 'functions'))
    .filter((file) => file.endsWith('.ts'))
    .map((file) => file.slice(0, -'.ts'.length))
    .sort();
}

/**
 * The esbuild call CDK's NodejsFunction makes for the construct's `bundling` props: --bundle
 * --platform=node --target=node22 --format=esm --main-fields=module,main --minify --sourcemap
 * --sources-content=false --external:@aws-sdk/* --banner:js=<banner>, output index.mjs.
 */
export async function bundleFunction(name: string): Promise<{ file: string; bytes: number; mapBytes: number }> {
  return bundleEntry(join(bundleRoot, name, 'index.mjs'), { entryPoints: [join(projectRoot, 'functions', `${name}.ts`)] });
}

/**
 * The same bundle, exporting also the composition root it already contains, so a benchmark can run
 * the bundled function over bundled services built from a configuration it passes, where its Lambda
 * entry would read process.env.
 */
export async function bundleFunctionWithServices(name: string): Promise<{ file: string }> {
  const contents = [`export * from './functions/${name}.ts';`, `export { createServices } from './shared/services.ts';`].join('\n');
  const file = join(bundleRoot, `${name}-with-services`, 'index.mjs');
  await bundleEntry(file, { stdin: { contents, resolveDir: projectRoot, sourcefile: `${name}-with-services.ts`, loader: 'ts' } });
  return { file };
}

/** A bundle of `contents` (TypeScript, resolved from the project root) built like a function's. */
export async function bundleSource(name: string, contents: string): Promise<{ file: string; bytes: number; mapBytes: number }> {
  const file = join(bundleRoot, name, 'index.mjs');
  return bundleEntry(file, { stdin: { contents, resolveDir: projectRoot, sourcefile: `${name}.ts`, loader: 'ts' } });
}

async function bundleEntry(
  file: string,
  entry: Pick<BuildOptions, 'entryPoints' | 'stdin'>,
): Promise<{ file: string; bytes: number; mapBytes: number }> {
  await build({
    ...entry,
    absWorkingDir: projectRoot,
    outfile: file,
    bundle: true,
    platform: 'node',
    target: BUNDLE_TARGET,
    format: 'esm',
    mainFields: BUNDLE_MAIN_FIELDS,
    minify: true,
    sourcemap: true,
    sourcesContent: false,
    external: BUNDLE_EXTERNAL_MODULES,
    banner: { js: ESM_REQUIRE_BANNER },
    logLevel: 'warning',
  });
  return { file, bytes: statSync(file).size, mapBytes: statSync(`${file}.map`).size };
}
