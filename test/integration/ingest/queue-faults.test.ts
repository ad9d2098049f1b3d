// SQS refusing entries of a batch, a fault fauxqs cannot produce: injected through the SDK's middleware.
import type { SendMessageBatchCommandInput, SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { drain, httpEvent, invoke, notificationBody, sign, useIngestEmulator } from './support.js';

const world = useIngestEmulator();
afterEach(() => {
  world.emulator.services.clients.sqs.middlewareStack.remove('refuse-first-entry');
});

/**
 * For the next `times` SendMessageBatch calls, SQS takes every entry but the first and reports that
 * one as failed with a server-side fault, as it does under partial outages.
 */
function refuseFirstEntry(times: number): { calls: number } {
  const counter = { calls: 0 };
  world.emulator.services.clients.sqs.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'SendMessageBatchCommand') return next(args);
      counter.calls++;
      if (counter.calls > times) return next(args);
      const input = args.input as SendMessageBatchCommandInput;
      const [refused, ...rest] = input.Entries ?? [];
      const failed = { Id: refused!.Id!, Code: 'InternalError', SenderFault: false, Message: 'injected' };
      if (rest.length === 0) return { output: { $metadata: {}, Successful: [], Failed: [failed] }, response: {} };
      const result = await next({ ...args, input: { ...input, Entries: rest } });
      const output = result.output as SendMessageBatchCommandOutput;
      return { ...result, output: { ...output, Failed: [...(output.Failed ?? []), failed] } };
    },
    { step: 'initialize', name: 'refuse-first-entry' },
  );
  return counter;
}

const mixedBody = () => notificationBody([{ phone: '15550001111' }, { phone: '15550002222' }, { phone: '15550003333' }]);
const post = (body: Buffer) => invoke(world.emulator.ingest, httpEvent('POST', { body, headers: { 'x-hub-signature-256': sign(body) } }));

describe('POST /webhooks/whatsapp when SQS refuses part of a batch', () => {
  it('resends the refused entry and queues every notification exactly once', async () => {
    const sends = refuseFirstEntry(1);

    const response = await post(mixedBody());

    expect(response.statusCode).toBe(200);
    // Each number's copy is queued on its own (each is de-duplicated on its own), and the refused one once more.
    expect(sends.calls).toBe(4);
    const messages = await drain(world.emulator.sqs, world.queueUrl);
    expect(messages.map((message) => message.phoneNumber).sort()).toEqual(['15550001111', '15550002222', '15550003333']);
  });

  it('answers 500 when SQS keeps refusing an entry, so Meta sends the notification again', async () => {
    refuseFirstEntry(Number.POSITIVE_INFINITY);

    const response = await post(mixedBody());

    expect(response.statusCode).toBe(500);
    expect(JSON.parse(response.body!)).toEqual({ error: expect.stringContaining('request id') });
  });
});
