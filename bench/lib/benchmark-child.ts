// The process of one benchmark: runs the named module and hands its result to the parent over IPC.
import type { BenchContext, Benchmark } from './benchmark.js';

const name = process.argv[2];
const context = JSON.parse(process.env.BENCH_CONTEXT ?? '{}') as BenchContext;
try {
  const module = (await import(`../benchmarks/${name}.ts`)) as { run: Benchmark };
  const result = await module.run(context);
  process.send!({ result }, () => process.exit(0));
} catch (error) {
  process.send!({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, () => process.exit(1));
}
