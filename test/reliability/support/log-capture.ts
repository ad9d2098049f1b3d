// Captures everything this process writes while a scenario runs: stdout and stderr (where the
// Powertools logger writes its JSON lines) and the console (where the local runtime reports).
import { format } from 'node:util';

export interface CapturedOutput {
  /** Every line written so far, in order. */
  lines(): string[];
  /** Stops capturing; output goes only where it went before. */
  stop(): void;
}

export function captureOutput(): CapturedOutput {
  const chunks: string[] = [];
  const restores: (() => void)[] = [];
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write;
    stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8'));
      return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof stream.write;
    restores.push(() => (stream.write = write));
  }
  for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
    const original = console[method];
    console[method] = (...args: unknown[]) => {
      chunks.push(`${format(...args)}\n`);
      original.apply(console, args);
    };
    restores.push(() => (console[method] = original));
  }
  return {
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.trim() !== ''),
    stop: () => restores.forEach((restore) => restore()),
  };
}
