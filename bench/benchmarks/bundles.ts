// max_bundle_kb and init_ms_by_function: every function bundled as CDK bundles it, then imported by fresh Node processes.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pathToFileURL } from 'node:url';
import { progress, type Benchmark } from '../lib/benchmark.js';
import { bundleFunction, bundleSource, functionNames, projectRoot } from '../lib/bundle.js';
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

/**
 * What the Powertools Metrics and Tracer packages add to a function: two bundles that differ only by
 * them, over the logger every function already has (the AWS SDK is external, as in the functions).
 */
const WITHOUT_INSTRUMENTS = `export { Logger } from '@aws-lambda-powertools/logger';`;
const WITH_INSTRUMENTS = `${WITHOUT_INSTRUMENTS}
export { Metrics } from '@aws-lambda-powertools/metrics';
export { Tracer } from '@aws-lambda-powertools/tracer';`;

interface Timing {
  /** Wall-clock milliseconds, the figure Lambda's init duration is made of. */
  wall: number;
  /** CPU milliseconds (user + system) of the same import: steadier than wall time on a busy machine. */
  cpu: number;
}

/** What a fresh `node` (with --enable-source-maps, as the functions are configured) spends importing the bundle. */
async function importTime(file: string, name: string): Promise<Timing> {
  const script = `const c=process.cpuUsage(),t=performance.now();await import(${JSON.stringify(pathToFileURL(file).href)});const w=performance.now()-t,u=process.cpuUsage(c);process.stdout.write(JSON.stringify({wall:w,cpu:(u.user+u.system)/1000}));`;
  const { stdout } = await run$(process.execPath, ['--enable-source-maps', '--input-type=module', '-e', script], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH ?? '', ...LAMBDA_LIKE_ENV, AWS_LAMBDA_FUNCTION_NAME: name },
  });
  return JSON.parse(stdout) as Timing;
}

export const run: Benchmark = async ({ smoke }) => {
  const samples = smoke ? 1 : 9;
  const names = functionNames();
  const bundles = new Map<string, Awaited<ReturnType<typeof bundleFunction>>>();
  for (const name of names) bundles.set(name, await bundleFunction(name));
  const probes = {
    'instruments-without': await bundleSource('instruments-without', WITHOUT_INSTRUMENTS),
    'instruments-with': await bundleSource('instruments-with', WITH_INSTRUMENTS),
  };
  const files = new Map([...bundles, ...Object.entries(probes)].map(([name, bundle]) => [name, bundle.file]));

  const times = new Map<string, Timing[]>([...files.keys()].map((name) => [name, []]));
  // Round-robin, so a noisy moment is shared by all functions instead of landing on one.
  for (let sample = 0; sample < samples; sample++) {
    for (const [name, file] of files) times.get(name)!.push(await importTime(file, name));
  }

  const kb = (bytes: number) => round(bytes / 1024, 1);
  const medianOf = (name: string, figure: keyof Timing) => median(times.get(name)!.map((timing) => timing[figure]));
  const sizes = Object.fromEntries(names.map((name) => [name, kb(bundles.get(name)!.bytes)]));
  const init = Object.fromEntries(names.map((name) => [name, round(medianOf(name, 'wall'), 1)]));
  const initCpu = Object.fromEntries(names.map((name) => [name, round(medianOf(name, 'cpu'), 1)]));
  const largest = names.reduce((a, b) => (bundles.get(b)!.bytes > bundles.get(a)!.bytes ? b : a));
  const instruments = {
    kb_added: kb(probes['instruments-with'].bytes - probes['instruments-without'].bytes),
    init_ms_added: round(medianOf('instruments-with', 'wall') - medianOf('instruments-without', 'wall'), 1),
    init_cpu_ms_added: round(medianOf('instruments-with', 'cpu') - medianOf('instruments-without', 'cpu'), 1),
  };
  progress(
    `bundles (KB): ${JSON.stringify(sizes)}; init (ms, median of ${samples}): ${JSON.stringify(init)}; init CPU (ms): ${JSON.stringify(initCpu)}; ` +
      `Powertools Metrics + Tracer add: ${JSON.stringify(instruments)}`,
  );
  return {
    max_bundle_kb: sizes[largest],
    init_ms_by_function: init,
    bundles: {
      largest,
      kb_by_function: sizes,
      source_map_kb_by_function: Object.fromEntries(names.map((name) => [name, kb(bundles.get(name)!.mapBytes)])),
      init_cpu_ms_by_function: initCpu,
      metrics_and_tracer: instruments,
      init_samples: samples,
      node_for_init: process.version,
    },
  };
};
