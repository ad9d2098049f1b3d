// Counts an AWS SDK client's calls through its middleware stack (calls and HTTP attempts), and the bytes logged.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';

export interface CallCounter {
  /** Command name -> calls since the last reset. */
  calls(): Record<string, number>;
  /** Command name -> HTTP attempts (calls plus SDK retries) since the last reset. */
  attempts(): Record<string, number>;
  reset(): void;
}

type Counted = Pick<DynamoDBDocumentClient, 'middlewareStack'> | Pick<SQSClient, 'middlewareStack'>;

/** `only` picks the calls to count by their input (e.g. one table's); all of them by default. */
export function countCalls(client: Counted, only: (input: Record<string, unknown>) => boolean = () => true): CallCounter {
  let calls = new Map<string, number>();
  let attempts = new Map<string, number>();
  const bump = (counts: Map<string, number>, name: string) => counts.set(name, (counts.get(name) ?? 0) + 1);
  const stack = client.middlewareStack as unknown as {
    add(
      middleware: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => Promise<unknown>,
      options: { step: string; name: string },
    ): void;
  };
  // initialize runs once per send; deserialize runs once per attempt, inside the retry middleware.
  const counted = (args: unknown) => only((args as { input?: Record<string, unknown> }).input ?? {});
  const name = `bench-${Math.random().toString(36).slice(2)}`;
  stack.add((next, context) => (args) => (counted(args) && bump(calls, context.commandName ?? '?'), next(args)), {
    step: 'initialize',
    name: `${name}-calls`,
  });
  stack.add((next, context) => (args) => (counted(args) && bump(attempts, context.commandName ?? '?'), next(args)), {
    step: 'deserialize',
    name: `${name}-attempts`,
  });
  return {
    calls: () => Object.fromEntries(calls),
    attempts: () => Object.fromEntries(attempts),
    reset: () => {
      calls = new Map();
      attempts = new Map();
    },
  };
}

export function total(counts: Record<string, number>): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

/** Bytes written to stdout (where the Powertools logger writes, and Lambda ships to CloudWatch Logs) until stop(). */
export function countStdoutBytes(): { stop(): number } {
  const write = process.stdout.write;
  let bytes = 0;
  process.stdout.write = function (this: typeof process.stdout, chunk: unknown, ...rest: unknown[]) {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : (chunk as Uint8Array).length;
    return (write as (...args: unknown[]) => boolean).call(this, chunk, ...rest);
  } as typeof process.stdout.write;
  return {
    stop: () => {
      process.stdout.write = write;
      return bytes;
    },
  };
}
