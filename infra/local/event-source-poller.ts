// Emulates Lambda's SQS event source mapping with ReportBatchItemFailures: poll, invoke, delete the successes.
import { LOCAL_CREDENTIALS } from '../../shared/aws/clients.js';
import { DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from './lambda-events.js';
import { queueArn } from './sqs-emulator.js';
import { readBatchResponse, toSqsRecord, type BatchOutcome } from './sqs-records.js';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface EventSourcePollerOptions {
  /** The emulator's endpoint: fauxqs queue URLs name a host that does not resolve. */
  endpoint: string;
  queueUrl: string;
  handler: SqsHandler;
  /** Name in the Lambda context and in log lines. */
  functionName: string;
  region?: string;
  /**
   * Batches in flight at once (default 5: with messages waiting, Lambda's SQS event source starts by
   * processing five batches at a time, with five concurrent invocations, and scales out from there).
   */
  concurrency?: number;
  /** Records per invocation, 1 to 10 (default 10, the deployed mapping's batch size). */
  batchSize?: number;
  /** Long-poll wait; short, because stop() waits for the polls in progress (default 1 s). */
  waitTimeSeconds?: number;
  /** The function's timeout: an invocation running longer counts as failed, as in Lambda (default 60 s). */
  timeoutMs?: number;
  /** Where problems go (default console.error); never given message bodies. */
  onError?: (message: string, error?: unknown) => void;
}

export interface EventSourcePoller {
  /** Stops polling and resolves once the batches in flight have been handled and settled. */
  stop(): Promise<void>;
}

/** With messages waiting, Lambda's SQS event source starts by processing five batches at a time. */
export const LAMBDA_INITIAL_BATCHES = 5;

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 2_000;

export async function startEventSourcePoller(options: EventSourcePollerOptions): Promise<EventSourcePoller> {
  const {
    endpoint,
    queueUrl,
    handler,
    functionName,
    region = 'us-east-1',
    concurrency = LAMBDA_INITIAL_BATCHES,
    batchSize = 10,
    waitTimeSeconds = 1,
    timeoutMs = 60_000,
  } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10)
    throw new Error('batchSize must be 1 to 10, as for an SQS event source.');
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new Error('concurrency must be a positive integer.');
  const queueName = queueUrl.slice(queueUrl.lastIndexOf('/') + 1);
  const report =
    options.onError ??
    ((message: string, error?: unknown) => console.error(`local event source ${queueName} -> ${functionName}: ${message}`, error ?? ''));
  const sqs = new SQSClient({ endpoint, region, credentials: LOCAL_CREDENTIALS });
  // Fails fast on a wrong queue URL: that is configuration, not a transient error.
  const eventSourceArn = await queueArn(sqs, queueUrl).catch((error: unknown) => {
    sqs.destroy();
    throw error;
  });

  let stopping = false;
  let wake: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (wake = resolve));

  async function receive(): Promise<Message[]> {
    const { Messages } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: batchSize,
        WaitTimeSeconds: waitTimeSeconds,
        AttributeNames: ['All'],
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    return Messages ?? [];
  }

  async function invoke(records: SQSRecord[]): Promise<BatchOutcome> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the invocation ran past its ${timeoutMs} ms timeout`)), timeoutMs);
    });
    try {
      // Promise.resolve().then also turns a synchronous throw into a failed batch, not a crash.
      const invocation = Promise.resolve().then(() => handler({ Records: records }, lambdaContext(functionName, timeoutMs)));
      const outcome = readBatchResponse(await Promise.race([invocation, timedOut]), records);
      if (!outcome.ok) report(`${outcome.reason}; the whole batch will be received again`);
      return outcome;
    } catch (error) {
      report('the handler failed; the whole batch will be received again', error);
      return { ok: false, reason: 'the handler failed' };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Deletes what succeeded; failed records stay, hidden for whatever visibility the handler gave them. */
  async function settle(records: SQSRecord[], outcome: BatchOutcome): Promise<void> {
    if (!outcome.ok) return;
    const done = records.filter((record) => !outcome.failedIds.has(record.messageId));
    if (done.length === 0) return;
    try {
      const { Failed = [] } = await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: done.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
      if (Failed.length > 0) report(`${Failed.length} of ${done.length} deletes failed; those records will be delivered again`);
    } catch (error) {
      // At-least-once, as in Lambda: the records come back after their visibility timeout.
      report(`deleting ${done.length} handled records failed; they will be delivered again`, error);
    }
  }

  async function pollUntilStopped(): Promise<void> {
    let backoffMs = 0;
    while (!stopping) {
      let messages: Message[];
      try {
        messages = await receive();
        backoffMs = 0;
      } catch (error) {
        backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(MIN_BACKOFF_MS, backoffMs * 2));
        report(`receiving failed; trying again in ${backoffMs} ms`, error);
        await pause(backoffMs, stopped);
        continue;
      }
      // A batch received while stopping is still handled: stop() drains instead of hiding messages.
      if (messages.length === 0) continue;
      let records: SQSRecord[];
      try {
        records = messages.map((message) => toSqsRecord(message, eventSourceArn, region));
      } catch (error) {
        report('a received message could not be turned into a record; leaving the batch', error);
        continue;
      }
      await settle(records, await invoke(records));
    }
  }

  const loops = Array.from({ length: concurrency }, () => pollUntilStopped());
  let stopping$: Promise<void> | undefined;
  return {
    stop() {
      stopping$ ??= (async () => {
        stopping = true;
        wake();
        await Promise.all(loops);
        sqs.destroy();
      })();
      return stopping$;
    },
  };
}

function pause(ms: number, interrupted: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))), interrupted]).finally(() => clearTimeout(timer));
}
