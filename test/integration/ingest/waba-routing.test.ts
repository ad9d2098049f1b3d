// Phone-level and WABA-level events through ingest on the real emulators: routed to their numbers,
// WABAs learned from entry[].id, and what reaches no number logged with a countable field.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { copyId } from '../../../shared/domain/whatsapp.js';
import { logger } from '../../../shared/logger.js';
import { DynamoWabaStore } from '../../../shared/store/waba-store.js';
import { freshPhoneNumber } from '../../helpers/dynamo.js';
import { injectFault } from '../../reliability/fault-support/sdk-faults.js';
import { freshWabaId, messageChange, metaBody, phoneLevelSamples, wabaLevelSamples, type Change } from '../../helpers/whatsapp-samples.js';
import { drain, httpEvent, invoke, sign, useIngestEmulator } from './support.js';

const world = useIngestEmulator();
afterEach(() => {
  vi.restoreAllMocks();
});

const post = (body: Buffer) => invoke(world.emulator.ingest, httpEvent('POST', { body, headers: { 'x-hub-signature-256': sign(body) } }));
const text = (phone: string, body = 'hello') => messageChange(phone, { type: 'text', text: { body } });
const [templateStatus] = wabaLevelSamples('unused').map((sample) => sample.change) as [Change];

/** What DynamoDB answers a function that lacks a grant: not retried by the SDK. */
const accessDenied = () => Object.assign(new Error('User is not authorized to perform this action.'), { name: 'AccessDeniedException' });

/** Counts the DynamoDB commands ingest's services send from now on. */
function countDynamoCalls(): string[] {
  const names: string[] = [];
  const stack = world.emulator.services.clients.dynamo.middlewareStack as unknown as {
    add(
      middleware: (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => (args: unknown) => Promise<unknown>,
      options: { step: string; name: string },
    ): void;
  };
  // Not the de-duplication records (a table of their own, written for every notification by design).
  const deduplication = world.emulator.services.config.DEDUPLICATION_TABLE_NAME;
  stack.add(
    (next, context) => (args) => {
      if ((args as { input?: { TableName?: string } }).input?.TableName !== deduplication) names.push(context.commandName ?? '?');
      return next(args);
    },
    {
      step: 'initialize',
      name: 'countDynamoCalls',
    },
  );
  return names;
}

describe('phone-level events', () => {
  it.each(phoneLevelSamples('0').map((sample) => [sample.name]))(
    'queues %s for the number at value.display_phone_number, untouched',
    async (name) => {
      const phone = freshPhoneNumber();
      const sample = phoneLevelSamples(phone).find((candidate) => candidate.name === name)!;
      const body = metaBody([{ wabaId: freshWabaId(), changes: [sample.change] }]);

      const response = await post(body);

      expect(JSON.parse(response.body!)).toEqual({ status: 'queued' });
      expect(await drain(world.emulator.sqs, world.queueUrl)).toEqual([
        expect.objectContaining({ phoneNumber: phone, payload: body.toString('utf8'), signature: sign(body) }),
      ]);
    },
  );
});

describe('WABA-level events', () => {
  it("go to every number learned in that WABA, each copy holding only that WABA's entry, with its own id", async () => {
    const [waba, other] = [freshWabaId(), freshWabaId()];
    const [a, b, c] = [freshPhoneNumber(), freshPhoneNumber(), freshPhoneNumber()];
    await post(
      metaBody([
        { wabaId: waba, changes: [text(a), text(b)] },
        { wabaId: other, changes: [text(c)] },
      ]),
    );
    await drain(world.emulator.sqs, world.queueUrl);
    const event = metaBody([
      { wabaId: waba, changes: [templateStatus] },
      { wabaId: other, changes: [wabaLevelSamples(other)[3]!.change] },
    ]);

    const response = await post(event);

    expect(JSON.parse(response.body!)).toEqual({ status: 'queued' });
    const messages = await drain(world.emulator.sqs, world.queueUrl);
    const entriesOf = (payload: string) =>
      JSON.parse(payload).entry.map((entry: { id: string; changes: Change[] }) => [entry.id, entry.changes.map((change) => change.field)]);
    expect(messages.map((message) => [message.phoneNumber, entriesOf(message.payload)]).sort()).toEqual(
      [
        [a, [[waba, ['message_template_status_update']]]],
        [b, [[waba, ['message_template_status_update']]]],
        [c, [[other, ['account_update']]]],
      ].sort(),
    );
    for (const message of messages) {
      expect(message.signature).toBe(sign(message.payload));
      expect(message.id).toBe(copyId(message.phoneNumber, message.payload));
    }
  });

  it('reach a number learned from an earlier body even after a cold start (new services on the same table)', async () => {
    const [waba, phone] = [freshWabaId(), freshPhoneNumber()];
    await post(metaBody([{ wabaId: waba, changes: [text(phone)] }]));
    world.queueUrl = await world.emulator.freshQueue();
    const event = metaBody([{ wabaId: waba, changes: [templateStatus] }]);

    await post(event);

    expect(await drain(world.emulator.sqs, world.queueUrl)).toEqual([
      expect.objectContaining({ phoneNumber: phone, payload: event.toString('utf8'), signature: sign(event) }),
    ]);
  });

  it('no longer reach a number that has moved to another WABA', async () => {
    const [before, after, phone] = [freshWabaId(), freshWabaId(), freshPhoneNumber()];
    await post(metaBody([{ wabaId: before, changes: [text(phone)] }]));
    await post(metaBody([{ wabaId: after, changes: [text(phone)] }]));
    await drain(world.emulator.sqs, world.queueUrl);

    const response = await post(metaBody([{ wabaId: before, changes: [templateStatus] }]));

    expect(JSON.parse(response.body!)).toEqual({ status: 'ignored' });
    expect(await world.emulator.services.wabas.numbersOf(after)).toEqual([phone]);
  });

  it('are answered 200, queued for no one, and logged with a countable field when their WABA has no known number', async () => {
    const warn = vi.spyOn(logger, 'warn');
    const waba = freshWabaId();
    const samples = wabaLevelSamples(waba);

    const response = await post(metaBody([{ wabaId: waba, changes: samples.map((sample) => sample.change) }]));

    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body!)).toEqual({ status: 'ignored' });
    expect(await drain(world.emulator.sqs, world.queueUrl)).toEqual([]);
    expect(warn).toHaveBeenCalledWith('Notification part dropped: no known phone number for it', {
      wabaId: waba,
      fields: samples.map((sample) => sample.name),
      unroutedChanges: samples.length,
    });
  });

  it('still deliver the rest of the body when one of its WABAs has no known number, and log that part', async () => {
    const warn = vi.spyOn(logger, 'warn');
    const [known, unknown, phone] = [freshWabaId(), freshWabaId(), freshPhoneNumber()];

    await post(
      metaBody([
        { wabaId: known, changes: [text(phone, 'olá 😮')] },
        { wabaId: unknown, changes: [templateStatus] },
      ]),
    );

    const [message, ...others] = await drain(world.emulator.sqs, world.queueUrl);
    expect(others).toEqual([]);
    expect(JSON.parse(message.payload).entry.map((entry: { id: string }) => entry.id)).toEqual([known]);
    expect(JSON.parse(message.payload).entry[0].changes[0].value.messages[0].text.body).toBe('olá 😮');
    expect(warn).toHaveBeenCalledWith(
      'Notification part dropped: no known phone number for it',
      expect.objectContaining({ wabaId: unknown, unroutedChanges: 1 }),
    );
  });
});

describe("learning a number's WABA", () => {
  it('writes once: later notifications of the same number and WABA make no DynamoDB call in a warm function', async () => {
    const [waba, phone] = [freshWabaId(), freshPhoneNumber()];
    const calls = countDynamoCalls();

    await post(metaBody([{ wabaId: waba, changes: [text(phone)] }]));
    const first = calls.splice(0);
    await post(metaBody([{ wabaId: waba, changes: [text(phone, 'again')] }]));
    await post(metaBody([{ wabaId: waba, changes: [text(phone, 'and again')] }]));

    expect(first).toEqual(['GetItemCommand', 'TransactWriteItemsCommand']);
    expect(calls).toEqual([]);
  });

  it('only reads after a cold start when the table already holds the number in that WABA', async () => {
    const [waba, phone] = [freshWabaId(), freshPhoneNumber()];
    await post(metaBody([{ wabaId: waba, changes: [text(phone)] }]));
    world.queueUrl = await world.emulator.freshQueue();
    const calls = countDynamoCalls();

    await post(metaBody([{ wabaId: waba, changes: [text(phone, 'after a cold start')] }]));

    expect(calls).toEqual(['GetItemCommand']);
  });

  it('records a number once, without failing any of them, when several ingests learn it at the same moment', async () => {
    const [waba, phone] = [freshWabaId(), freshPhoneNumber()];
    const stores = [0, 1, 2, 3].map(() => new DynamoWabaStore(world.emulator.services.clients.dynamo, world.emulator.tableName));

    await Promise.all(stores.map((store) => store.learn([{ phoneNumber: phone, wabaId: waba }])));

    expect(await world.emulator.services.wabas.numbersOf(waba)).toEqual([phone]);
  });

  it('leaves a number in exactly one WABA when two ingests record different WABAs for it at the same moment', async () => {
    const [first, second, phone] = [freshWabaId(), freshWabaId(), freshPhoneNumber()];
    const stores = [first, second, first, second].map((wabaId) => ({
      wabaId,
      store: new DynamoWabaStore(world.emulator.services.clients.dynamo, world.emulator.tableName),
    }));

    await Promise.all(stores.map(({ wabaId, store }) => store.learn([{ phoneNumber: phone, wabaId }])));

    const lists = await Promise.all([first, second].map((wabaId) => world.emulator.services.wabas.numbersOf(wabaId)));
    expect(lists.flat()).toEqual([phone]);
  });

  it('still queues the notification when recording its WABA fails', async () => {
    const warn = vi.spyOn(logger, 'warn');
    injectFault(world.emulator.services.clients.dynamo, { command: 'GetItemCommand', times: 1, error: accessDenied });
    const phone = freshPhoneNumber();

    const response = await post(metaBody([{ wabaId: freshWabaId(), changes: [text(phone)] }]));

    expect(JSON.parse(response.body!)).toEqual({ status: 'queued' });
    expect((await drain(world.emulator.sqs, world.queueUrl)).map((message) => message.phoneNumber)).toEqual([phone]);
    expect(warn).toHaveBeenCalledWith('Could not record the WABA of a number', expect.anything());
  });

  it('answers 500 and queues nothing when the numbers of a WABA cannot be read, so Meta sends the body again', async () => {
    injectFault(world.emulator.services.clients.dynamo, { command: 'QueryCommand', times: 1, error: accessDenied });

    const response = await post(metaBody([{ wabaId: freshWabaId(), changes: [text(freshPhoneNumber()), templateStatus] }]));

    expect(response.statusCode).toBe(500);
    expect(await drain(world.emulator.sqs, world.queueUrl)).toEqual([]);
  });
});
