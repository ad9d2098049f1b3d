// Runs one benchmark in a fresh process: no JIT warmth, module singletons or open sockets carry over between them.
import { fork } from 'node:child_process';
import type { BenchContext } from './benchmark.js';

export async function runIsolated(name: string, context: BenchContext): Promise<Record<string, unknown>> {
  const child = fork(new URL('./benchmark-child.ts', import.meta.url), [name], {
    env: { ...process.env, BENCH_CONTEXT: JSON.stringify(context), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    // stdout holds the product's structured logs (kept on, as in Lambda) and is thrown away; stderr shows progress and problems.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    let result: Record<string, unknown> | undefined;
    child.on('message', (message: { result?: Record<string, unknown>; error?: string }) => {
      if (message.error) reject(new Error(`${name}: ${message.error}`));
      result = message.result;
    });
    child.on('error', reject);
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`${name} exited with code ${code} without a result`))));
  });
}
