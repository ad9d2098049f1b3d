// Starts the webhook receiver in another process (so it does not share the benchmark's event loop) and talks to it.
import { forkChild } from '../lib/child-ipc.js';
import type { SinkCommand, SinkReport } from './protocol.js';

export interface SinkProcess {
  /** `http://127.0.0.1:<port>`, one origin per port: the primary and each clone get their own, as in production. */
  origins: string[];
  report(options?: { byPath?: boolean }): Promise<SinkReport>;
  reset(): Promise<SinkReport>;
  stop(): Promise<void>;
}

export async function startSinkProcess(options: { ports: number; delayMs?: number }): Promise<SinkProcess> {
  const { child, ready } = await forkChild<Omit<SinkCommand, 'id'>, SinkReport, { ports: number[] }>(
    new URL('./sink-child.ts', import.meta.url),
    { ...process.env, SINK_PORTS: String(options.ports), SINK_DELAY_MS: String(options.delayMs ?? 0) },
  );
  return {
    origins: ready.ports.map((port) => `http://127.0.0.1:${port}`),
    report: (reportOptions) => child.ask({ type: 'report', byPath: reportOptions?.byPath ?? false }),
    reset: () => child.ask({ type: 'reset', byPath: false }),
    stop: () => child.stop(),
  };
}
