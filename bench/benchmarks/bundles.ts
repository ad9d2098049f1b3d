// max_bundle_kb and init_ms_by_function: every function bundled as CDK bundles it, then imported by fresh Node processes.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { progress, type Benchmark } from '../lib/benchmark.js';
import { bundleFunction, functionNames, projectRoot } from '../lib/bundle.js';
import { median, round } from '../lib/stats.js';

const run$ = promisify(execFile);

/** What Lambda's environment would hold at init; the bundles read configuration lazily, so values are placeholders. */
const LAMBDA_LIKE_ENV = {
  AWS_REGION: 'us-east-1',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
  POWERTOOLS_SERVICE_NAME: 'multi-webhook',
  LOG_LEVEL: 'INFO',
  TABLE_NAME: 'multi-webhook',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** Milliseconds a fresh `node` (with --enable-source-maps, as the functions are configured) spends importing the bundle. */
async function importTime(file: string, name: string): Promise<number> {
  const script = `const t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});process.stdout.write(String(performance.now()-t));`;
  const { stdout } = await run$(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', ...LAMBDA_LIKE_ENV, AWS_LAMBDA_FUNCTION_NAME: name },
  });
  return Number(stdout);
}

export const run: Benchmark = async ({ smoke }) => {
  const samples = smoke ? 1 : 9;
  const names = functionNames();
  const bundles = new Map<string, Awaited<ReturnType<typeof bundleFunction>>>();
  for (const name of names) bundles.set(name, await bundleFunction(name));

  const times = new Map<string, number[]>(names.map((name) => [name, []]));
  // Round-robin, so a noisy moment is shared by all functions instead of landing on one.
  for (let sample = 0; sample < samples; sample++) {
    for (const name of names) times.get(name)!.push(await importTime(bundles.get(name)!.file, name));
  }

  const kb = (bytes: number) => round(bytes / 1024, 1);
  const sizes = Object.fromEntries(names.map((name) => [name, kb(bundles.get(name)!.bytes)]));
  const init = Object.fromEntries(names.map((name) => [name, round(median(times.get(name)!), 1)]));
  const largest = names.reduce((a, b) => (bundles.get(b)!.bytes > bundles.get(a)!.bytes ? b : a));
  progress(`bundles (KB): ${JSON.stringify(sizes)}; init (ms, median of ${samples}): ${JSON.stringify(init)}`);
  return {
    max_bundle_kb: sizes[largest],
    init_ms_by_function: init,
    bundles: {
      largest,
      kb_by_function: sizes,
      source_map_kb_by_function: Object.fromEntries(names.map((name) => [name, kb(bundles.get(name)!.mapBytes)])),
      init_samples: samples,
      node_for_init: process.version,
    },
  };
};
