// How every function is bundled, shared by the CDK construct and the benchmarks so both build the same bytes.

/** Lambda's Node 22 runtime. */
export const BUNDLE_TARGET = 'node22';

export const BUNDLE_MAIN_FIELDS = ['module', 'main'];

/** Lambda's Node 22 runtime ships AWS SDK v3; bundling it again only adds cold-start time. */
export const BUNDLE_EXTERNAL_MODULES = ['@aws-sdk/*'];

/**
 * Some bundled dependencies are CommonJS and `require` Node built-ins; an ESM bundle has no
 * `require`, so give it one (esbuild's shim calls it when it exists).
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __mwCreateRequire } from 'node:module';const require = __mwCreateRequire(import.meta.url);";
