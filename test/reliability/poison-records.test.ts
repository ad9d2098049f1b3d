// A record that crashes the delivery function every time reaches the dead-letter queue after at most
// MAX_RECEIVE_COUNT receives: retries are new messages, so the receive count means "poison" only.
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_RECEIVE_COUNT } from '../../shared/queue/queue-definitions.js';
import { configureNumber, postNotification, received } from '../helpers/delivery-world.js';
import { waitFor } from '../helpers/wait-for.js';
import { startFaultStack, type FaultStack } from './fault-support/fault-stack.js';
import { deadLetterReader } from './fault-support/observations.js';
import { startScriptedSink, type ScriptedSink } from './fault-support/scripted-sink.js';

const POISON = 'poison-pill';
/** How often the function saw the poison record. */
let poisonReceives = 0;

let stack: FaultStack;
let sink: ScriptedSink;
let deadLetters: ReturnType<typeof deadLetterReader>;

beforeAll(async () => {
  [stack, sink] = await Promise.all([
    startFaultStack({
      visibilityTimeoutSeconds: 1,
      env: { RETRY_BASE_SECONDS: '1' },
      // The function dies on any batch holding the poison record, as a bug in a parser might make it.
      delivery: (product) => async (event: SQSEvent, context) => {
        if (event.Records.some((record) => record.body.includes(POISON))) {
          poisonReceives++;
          throw new Error('injected crash on a poison record');
        }
        return product(event, context);
      },
    }),
    startScriptedSink(),
  ]);
  deadLetters = deadLetterReader(stack.queues.NOTIFICATIONS_DLQ_URL);
});
afterAll(async () => {
  deadLetters?.close();
  await Promise.all([stack?.stop(), sink?.close()]);
});

describe('a poison record', () => {
  it(`reaches the dead-letter queue after ${MAX_RECEIVE_COUNT} receives, and the number's other notifications are delivered`, async () => {
    const { phoneNumber } = await configureNumber(stack, sink, []);
    await postNotification(stack, phoneNumber, POISON);

    const [letter] = await waitFor(
      async () => {
        const mine = (await deadLetters.read()).filter((d) => d.body.phoneNumber === phoneNumber);
        return mine.length > 0 && mine;
      },
      { timeoutMs: 30_000 },
    );
    expect(letter!.body).toMatchObject({ phoneNumber });
    expect(poisonReceives).toBe(MAX_RECEIVE_COUNT);

    await postNotification(stack, phoneNumber, 'fine');
    await waitFor(() => received(sink, phoneNumber, 'primary').length === 1, { timeoutMs: 15_000 });
  });
});
