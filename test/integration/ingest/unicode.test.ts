// Any Unicode through ingest and the SQS/S3 emulator (which refuses raw characters above U+FFFF):
// both readings of Meta's signature, byte-identical payloads, split copies escaped, and offloading
// measured on the message as it is sent.
import { describe, expect, it } from 'vitest';
import { freshPhoneNumber } from '../../helpers/dynamo.js';
import { EMOJI_TEXT, RTL_TEXT, freshWabaId, messageChange, metaBody, metaSignature } from '../../helpers/whatsapp-samples.js';
import { APP_SECRET, drain, httpEvent, invoke, sign, useIngestEmulator } from './support.js';

const world = useIngestEmulator();

const post = (body: Buffer, signature: string) =>
  invoke(world.emulator.ingest, httpEvent('POST', { body, headers: { 'x-hub-signature-256': signature } }));
const text = (phone: string, body: string) => messageChange(phone, { type: 'text', text: { body } });
const payloadOf = (message: { phoneNumber: string; payload?: string; payloadRef?: { bucket: string; key: string } }) =>
  message.payloadRef ? world.emulator.services.payloads.load(message.phoneNumber, message.payloadRef) : Promise.resolve(message.payload!);
const textsOf = (payload: string): string[] =>
  JSON.parse(payload).entry.flatMap((entry: any) => entry.changes.map((change: any) => change.value.messages[0].text.body));

describe('ingest with non-ASCII bodies', () => {
  it.each([
    ['escaped, as Meta usually sends it', 'escaped'],
    ['literal UTF-8', 'literal'],
  ] as const)('queues an emoji and right-to-left body (%s) byte for byte with its signature', async (_form, form) => {
    const phone = freshPhoneNumber();
    const body = metaBody([{ wabaId: freshWabaId(), changes: [text(phone, EMOJI_TEXT), text(phone, RTL_TEXT)] }], form);

    const response = await post(body, metaSignature(body, APP_SECRET));

    expect(response.statusCode).toBe(200);
    const [message, ...others] = await drain(world.emulator.sqs, world.queueUrl);
    expect(others).toEqual([]);
    expect(Buffer.from(await payloadOf(message), 'utf8').equals(body)).toBe(true);
    expect(message.signature).toBe(metaSignature(body, APP_SECRET));
  });

  it("accepts a literal UTF-8 body signed over its raw bytes, the other reading of Meta's rule", async () => {
    const body = metaBody([{ wabaId: freshWabaId(), changes: [text(freshPhoneNumber(), EMOJI_TEXT)] }], 'literal');

    const response = await post(body, sign(body));

    expect(response.statusCode).toBe(200);
    expect((await drain(world.emulator.sqs, world.queueUrl)).map((message) => message.signature)).toEqual([sign(body)]);
  });

  it('refuses a literal UTF-8 body whose escaped-form signature was made with another secret', async () => {
    const body = metaBody([{ wabaId: freshWabaId(), changes: [text(freshPhoneNumber(), EMOJI_TEXT)] }], 'literal');

    const response = await post(body, metaSignature(body, 'not-the-app-secret'));

    expect(response.statusCode).toBe(401);
    expect(await drain(world.emulator.sqs, world.queueUrl)).toEqual([]);
  });

  it('queues each split copy of a literal emoji body as ASCII that parses back to the original texts', async () => {
    const [a, b] = [freshPhoneNumber(), freshPhoneNumber()];
    const body = metaBody([{ wabaId: freshWabaId(), changes: [text(a, EMOJI_TEXT), text(b, RTL_TEXT)] }], 'literal');

    await post(body, metaSignature(body, APP_SECRET));

    const messages = await drain(world.emulator.sqs, world.queueUrl);
    expect(Object.fromEntries(messages.map((message) => [message.phoneNumber, textsOf(message.payload)]))).toEqual({
      [a]: [EMOJI_TEXT],
      [b]: [RTL_TEXT],
    });
    for (const message of messages) {
      expect(message.payload).toMatch(/^[\x20-\x7e]*$/);
      expect(message.signature).toBe(sign(message.payload));
    }
  });

  it('offloads a body whose emoji fit SQS as bytes but not as the escaped message, and reads it back unchanged', async () => {
    // 150,000 emoji: 600 kB of UTF-8, but 12 bytes each once the message escapes their surrogates (1.8 MB).
    const body = metaBody([{ wabaId: freshWabaId(), changes: [text(freshPhoneNumber(), '😮'.repeat(150_000))] }], 'literal');
    expect(body.length).toBeLessThan(700_000);

    const response = await post(body, metaSignature(body, APP_SECRET));

    expect(response.statusCode).toBe(200);
    const [message] = await drain(world.emulator.sqs, world.queueUrl);
    expect(message.payload).toBeUndefined();
    expect(Buffer.from(await payloadOf(message), 'utf8').equals(body)).toBe(true);
  });
});
