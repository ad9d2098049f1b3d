// Starts the webhook receiver in another process (so it does not share the benchmark's event loop) and talks to it.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { SinkCommand, SinkReport } from './protocol.js';

export interface SinkProcess {
  /** `http://127.0.0.1:<port>`, one origin per port: the primary and each clone get their own, as in production. */
  origins: string[];
  report(options?: { byPath?: boolean }): Promise<SinkReport>;
  reset(): Promise<SinkReport>;
  stop(): Promise<void>;
}

export async function startSinkProcess(options: { ports: number; delayMs?: number }): Promise<SinkProcess> {
  // fork inherits this process's execArgv, so the tsx loader that runs the benchmark also runs the child.
  const child: ChildProcess = fork(new URL('./sink-child.ts', import.meta.url), [], {
    env: { ...process.env, SINK_PORTS: String(options.ports), SINK_DELAY_MS: String(options.delayMs ?? 0) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const [ready] = (await once(child, 'message')) as [{ ports: number[] }];
  let nextId = 1;
  const pending = new Map<number, (report: SinkReport) => void>();
  child.on('message', (message: SinkReport) => {
    pending.get(message.id)?.(message);
    pending.delete(message.id);
  });
  const ask = (type: SinkCommand['type'], byPath = false): Promise<SinkReport> =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      child.send({ id, type, byPath } satisfies SinkCommand);
    });
  return {
    origins: ready.ports.map((port) => `http://127.0.0.1:${port}`),
    report: (reportOptions) => ask('report', reportOptions?.byPath),
    reset: () => ask('reset'),
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = once(child, 'exit');
      child.kill();
      await exited;
    },
  };
}
