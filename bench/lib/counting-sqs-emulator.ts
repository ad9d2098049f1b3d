// The local stack's SQS emulator (fauxqs), started with hooks that count every request by action and queue.
import { startSqsEmulator } from '../../infra/local/sqs-emulator.js';

export interface SqsRequestCount {
  requests: number;
  /** Entries sent or deleted in batches, messages returned by receives. */
  messages: number;
  /** Receives that returned nothing. */
  empty: number;
}

export interface CountingSqsEmulator {
  endpoint: string;
  /** `<Action> <queue name>` -> counts since the last reset. */
  counts(): Record<string, SqsRequestCount>;
  reset(): void;
  stop(): Promise<void>;
}

export async function startCountingSqsEmulator(): Promise<CountingSqsEmulator> {
  let counts = new Map<string, SqsRequestCount>();
  const add = (key: string, messages: number): void => {
    const entry = counts.get(key) ?? { requests: 0, messages: 0, empty: 0 };
    entry.requests += 1;
    entry.messages += messages;
    if (messages === 0 && key.startsWith('ReceiveMessage')) entry.empty += 1;
    counts.set(key, entry);
  };
  const keyOf = (target: string, body: { QueueUrl?: string } | undefined): string => {
    const queueUrl = body?.QueueUrl ?? '';
    return `${target.replace('AmazonSQS.', '')} ${queueUrl.slice(queueUrl.lastIndexOf('/') + 1)}`;
  };
  const emulator = await startSqsEmulator({
    configure: (app) => {
      app.addHook('preHandler', async (request) => {
        const target = request.headers['x-amz-target'];
        if (typeof target !== 'string' || target === 'AmazonSQS.ReceiveMessage') return;
        const body = request.body as { QueueUrl?: string; Entries?: unknown[] } | undefined;
        add(keyOf(target, body), body?.Entries?.length ?? (target === 'AmazonSQS.SendMessage' ? 1 : 0));
      });
      // Receives are counted once answered, with the number of messages they returned.
      app.addHook('onSend', async (request, _reply, payload) => {
        if (request.headers['x-amz-target'] !== 'AmazonSQS.ReceiveMessage') return payload;
        const received = typeof payload === 'string' ? ((JSON.parse(payload) as { Messages?: unknown[] }).Messages?.length ?? 0) : 0;
        add(keyOf('ReceiveMessage', request.body as { QueueUrl?: string }), received);
        return payload;
      });
    },
  });
  return {
    endpoint: emulator.endpoint,
    counts: () => Object.fromEntries([...counts].map(([key, value]) => [key, { ...value }])),
    reset: () => void (counts = new Map()),
    stop: emulator.stop,
  };
}
