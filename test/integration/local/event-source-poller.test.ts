// The local SQS event source against fauxqs, with a fake handler: batching, partial failures, redrive, stop.
import { createHash } from 'node:crypto';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { Context, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  startEventSourcePoller,
  type EventSourcePoller,
  type EventSourcePollerOptions,
  type SqsHandler,
} from '../../../infra/local/event-source-poller.js';
import { freshQueues, queueCounts, sqsTestClient } from '../../helpers/fresh-queues.js';
import { waitFor } from '../../helpers/wait-for.js';

let sqs: SQSClient;
const pollers: EventSourcePoller[] = [];
beforeAll(() => void (sqs = sqsTestClient()));
afterEach(async () => void (await Promise.all(pollers.splice(0).map((poller) => poller.stop()))));
afterAll(() => sqs.destroy());

/** A notifications queue of its own; `visibility` short where a test waits for a message to come back. */
async function freshQueue(options: { visibility?: number; maxReceiveCount?: number } = {}) {
  const queues = await freshQueues({ visibilityTimeoutSeconds: options.visibility ?? 30, maxReceiveCount: options.maxReceiveCount });
  return { url: queues.NOTIFICATIONS_QUEUE_URL, dlqUrl: queues.NOTIFICATIONS_DLQ_URL };
}

async function send(queueUrl: string, ...bodies: string[]): Promise<void> {
  for (let start = 0; start < bodies.length; start += 10) {
    const entries = bodies.slice(start, start + 10).map((body, index) => ({ Id: String(index), MessageBody: body }));
    await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
}

/** Runs the poller and records every invocation's records, for the test to look at. */
async function poll(queueUrl: string, handler: SqsHandler, options: Partial<EventSourcePollerOptions> = {}) {
  const batches: SQSRecord[][] = [];
  const errors: string[] = [];
  const poller = await startEventSourcePoller({
    endpoint: inject('sqsEndpoint'),
    queueUrl,
    functionName: 'fake',
    concurrency: 1,
    onError: (message) => errors.push(message),
    ...options,
    handler: (event, context) => {
      batches.push(event.Records);
      return handler(event, context);
    },
  });
  pollers.push(poller);
  const received = () => batches.flat();
  return { poller, batches, errors, received, timesReceived: (body: string) => received().filter((record) => record.body === body).length };
}

const succeed: SqsHandler = async () => ({ batchItemFailures: [] });
const failFirstAttempts =
  (predicate: (record: SQSRecord) => boolean): SqsHandler =>
  async (event) => ({
    batchItemFailures: event.Records.filter((record) => record.attributes.ApproximateReceiveCount === '1' && predicate(record)).map(
      (record) => ({ itemIdentifier: record.messageId }),
    ),
  });
/** A promise the test resolves when it lets the handler go on (Promise.withResolvers needs Node 22). */
function openableGate() {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
const isEmpty = async (queueUrl: string) =>
  JSON.stringify(await queueCounts(sqs, queueUrl)) === JSON.stringify({ visible: 0, inFlight: 0, delayed: 0 });

describe('event source poller', () => {
  it('hands the handler records shaped like the ones Lambda builds, and a Lambda context', async () => {
    const queue = await freshQueue();
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: '{"hello":"world"}',
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: 'clone' },
          attempt: { DataType: 'Number', StringValue: '2' },
          blob: { DataType: 'Binary', BinaryValue: Buffer.from([1, 2, 3]) },
        },
      }),
    );
    let context: Context | undefined;
    const { received } = await poll(queue.url, async (_event, ctx) => void (context = ctx));
    const [record] = await waitFor(() => received().length === 1 && received());
    expect(record).toEqual({
      messageId: sent.MessageId,
      receiptHandle: expect.any(String),
      body: '{"hello":"world"}',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: expect.stringMatching(/^\d{13}$/),
        SenderId: expect.any(String),
        ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d{13}$/),
      },
      messageAttributes: {
        kind: { stringValue: 'clone', stringListValues: [], binaryListValues: [], dataType: 'String' },
        attempt: { stringValue: '2', stringListValues: [], binaryListValues: [], dataType: 'Number' },
        blob: { binaryValue: Buffer.from([1, 2, 3]).toString('base64'), stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
      md5OfBody: createHash('md5').update('{"hello":"world"}').digest('hex'),
      md5OfMessageAttributes: sent.MD5OfMessageAttributes,
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:us-east-1:000000000000:${queue.url.split('/').pop()}`,
      awsRegion: 'us-east-1',
    });
    expect(context).toMatchObject({ functionName: 'fake', awsRequestId: expect.any(String) });
    expect(context!.getRemainingTimeInMillis()).toBeGreaterThan(0);
  });

  it('invokes with batches of up to 10 records and deletes every record that succeeded', async () => {
    const queue = await freshQueue();
    await send(queue.url, ...Array.from({ length: 25 }, (_, index) => `message ${index}`));
    const { batches, received } = await poll(queue.url, succeed);
    await waitFor(() => received().length === 25);
    expect(batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
    await waitFor(() => isEmpty(queue.url));
  });

  it('deletes the successes of a batch and receives only its failed records again', async () => {
    const queue = await freshQueue({ visibility: 1 });
    await send(queue.url, 'ok-1', 'fail-1', 'ok-2', 'fail-2');
    const { timesReceived } = await poll(
      queue.url,
      failFirstAttempts((record) => record.body.startsWith('fail')),
    );
    await waitFor(() => timesReceived('fail-1') === 2 && timesReceived('fail-2') === 2);
    await waitFor(() => isEmpty(queue.url));
    expect([timesReceived('ok-1'), timesReceived('ok-2')]).toEqual([1, 1]);
  });

  it('leaves the whole batch to be received again when the handler throws', async () => {
    const queue = await freshQueue({ visibility: 1 });
    await send(queue.url, 'a', 'b', 'c');
    let calls = 0;
    const { timesReceived, errors } = await poll(queue.url, async () => {
      if (++calls === 1) throw new Error('crashed');
    });
    await waitFor(() => ['a', 'b', 'c'].every((body) => timesReceived(body) === 2));
    await waitFor(() => isEmpty(queue.url));
    expect(errors).toEqual([expect.stringContaining('handler failed')]);
  });

  it('fails the whole batch, as Lambda does, when a reported failure names no record of the batch', async () => {
    const queue = await freshQueue({ visibility: 1 });
    await send(queue.url, 'a', 'b');
    let calls = 0;
    const { timesReceived } = await poll(queue.url, async () =>
      ++calls === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-in-this-batch' }] } : undefined,
    );
    await waitFor(() => timesReceived('a') === 2 && timesReceived('b') === 2);
    await waitFor(() => isEmpty(queue.url));
  });

  it('fails the batch of an invocation that runs past the function timeout', async () => {
    const queue = await freshQueue({ visibility: 1 });
    await send(queue.url, 'slow');
    let release = () => undefined as void;
    const { timesReceived } = await poll(
      queue.url,
      (event) =>
        event.Records[0]!.attributes.ApproximateReceiveCount === '1'
          ? new Promise<void>((resolve) => (release = resolve))
          : succeed(event, {} as Context),
      { timeoutMs: 200 },
    );
    await waitFor(() => timesReceived('slow') === 2);
    await waitFor(() => isEmpty(queue.url));
    release();
  });

  it('receives a failed record again at once when the handler made it visible', async () => {
    const queue = await freshQueue({ visibility: 30 });
    await send(queue.url, 'retry-now');
    const { timesReceived } = await poll(queue.url, async (event) => {
      const [record] = event.Records;
      if (record!.attributes.ApproximateReceiveCount !== '1') return;
      await sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: queue.url, ReceiptHandle: record!.receiptHandle, VisibilityTimeout: 0 }),
      );
      return { batchItemFailures: [{ itemIdentifier: record!.messageId }] };
    });
    // Long before the queue's 30 s visibility would have brought it back.
    await waitFor(() => timesReceived('retry-now') === 2, { timeoutMs: 10_000 });
  });

  it('keeps a failed record hidden for as long as the handler said', async () => {
    const queue = await freshQueue({ visibility: 1 });
    await send(queue.url, 'retry-later');
    const { received } = await poll(queue.url, async (event) => {
      const [record] = event.Records;
      await sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: queue.url, ReceiptHandle: record!.receiptHandle, VisibilityTimeout: 600 }),
      );
      return { batchItemFailures: [{ itemIdentifier: record!.messageId }] };
    });
    await waitFor(() => received().length === 1);
    // fauxqs's inspection endpoint shows the deadline, so nothing here waits for time to pass.
    const inspection = await waitFor(async () => {
      const answer = (await (await fetch(`${inject('sqsEndpoint')}/_fauxqs/queues/${queue.url.split('/').pop()}`)).json()) as {
        messages: { inflight: { visibilityDeadline: number }[] };
      };
      return answer.messages.inflight.length === 1 && answer;
    });
    expect(inspection.messages.inflight[0]!.visibilityDeadline).toBeGreaterThan(Date.now() + 500_000);
  });

  it('moves a record that keeps failing to the dead-letter queue after maxReceiveCount receives', async () => {
    const queue = await freshQueue({ maxReceiveCount: 3 });
    await send(queue.url, 'poison');
    const { timesReceived } = await poll(queue.url, async (event) => {
      // Visible again at once, so the test does not wait for the visibility timeout three times.
      await sqs.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: queue.url, ReceiptHandle: event.Records[0]!.receiptHandle, VisibilityTimeout: 0 }),
      );
      return { batchItemFailures: [{ itemIdentifier: event.Records[0]!.messageId }] };
    });
    const dead = await waitFor(
      async () => (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl, WaitTimeSeconds: 1 }))).Messages,
    );
    expect(dead.map((message) => message.Body)).toEqual(['poison']);
    expect(timesReceived('poison')).toBe(3);
    expect(await isEmpty(queue.url)).toBe(true);
  });

  it('runs as many batches at once as its concurrency allows', async () => {
    const queue = await freshQueue();
    await send(queue.url, ...Array.from({ length: 10 }, (_, index) => `m${index}`));
    const gate = openableGate();
    let active = 0;
    let mostActive = 0;
    const { received } = await poll(
      queue.url,
      async () => {
        mostActive = Math.max(mostActive, ++active);
        await gate.promise;
        active--;
      },
      { concurrency: 3, batchSize: 2 },
    );
    await waitFor(() => active === 3);
    gate.resolve();
    await waitFor(() => received().length === 10);
    expect(mostActive).toBe(3);
    await waitFor(() => isEmpty(queue.url));
  });

  it('stops only after the batch in flight is handled and deleted, and then polls no more', async () => {
    const queue = await freshQueue();
    await send(queue.url, 'in-flight');
    const gate = openableGate();
    const { poller, received } = await poll(queue.url, () => gate.promise);
    await waitFor(() => received().length === 1);
    let stopped = false;
    const stopping = poller.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    gate.resolve();
    await stopping;
    expect(await isEmpty(queue.url)).toBe(true);
    await send(queue.url, 'after-stop');
    const left = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queue.url, WaitTimeSeconds: 1 }));
    expect(left.Messages?.map((message) => message.Body)).toEqual(['after-stop']);
  });

  it('survives a queue that errors, and picks up again once the queue is back', async () => {
    const queue = await freshQueue();
    const name = queue.url.split('/').pop()!;
    const { errors, timesReceived } = await poll(queue.url, succeed);
    await sqs.send(new DeleteQueueCommand({ QueueUrl: queue.url }));
    await waitFor(() => errors.some((error) => error.startsWith('receiving failed')));
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
    expect(QueueUrl).toBe(queue.url);
    await send(queue.url, 'after-outage');
    await waitFor(() => timesReceived('after-outage') === 1);
  });
});
