// Bundles a function the way infra/constructs/service-function.ts has CDK do it, from the same options.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
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
  const file = join(bundleRoot, name, 'index.mjs');
  await build({
    absWorkingDir: projectRoot,
    entryPoints: [join(projectRoot, 'functions', `${name}.ts`)],
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
