// Real receivers accept every copy: Meta-shaped bodies through the local stack to loopback sinks that
// answer with whatsapp-api-js's own signature check and parser, for primaries, clones and split copies.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureNumber, queuesSettled, received } from '../helpers/delivery-world.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { startSink, type Sink, type SinkReply, type SinkRequest } from '../helpers/sink-server.js';
import { whatsappApiJsReceiver, type Parsed, type WhatsAppReceiver } from '../helpers/whatsapp-receiver.js';
import {
  EMOJI_TEXT,
  RTL_TEXT,
  errorsSample,
  freshWabaId,
  messageChange,
  messageSamples,
  metaBody,
  metaSignature,
  phoneLevelSamples,
  statusSamples,
  wabaLevelSamples,
  type Change,
} from '../helpers/whatsapp-samples.js';

let stack: TestStack;
let sink: Sink;
let receiver: WhatsAppReceiver;
/** Scripted answers per path, used before the receiver's own verdict. */
const script = new Map<string, SinkReply[]>();
const CLONE = 'mirror';

beforeAll(async () => {
  stack = await startTestStack({ numbers: 0, env: { RETRY_BASE_SECONDS: '1' } });
  receiver = whatsappApiJsReceiver(stack.config.WHATSAPP_APP_SECRET!);
  sink = await startSink({ reply: (request) => script.get(request.path)?.shift() ?? receiver.responder(request) });
});
afterAll(async () => {
  await Promise.all([stack?.stop(), sink?.close()]);
});

const secret = () => stack.config.WHATSAPP_APP_SECRET!;
const hmacOf = (body: Buffer) => `sha256=${createHmac('sha256', secret()).update(body).digest('hex')}`;

/** Posts a body to ingest as Meta does, signed over its escaped form unless told otherwise. */
async function post(body: Buffer, signature = metaSignature(body, secret())): Promise<void> {
  const response = await fetch(`${stack.apiUrl}/webhooks/whatsapp`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature },
    body,
  });
  expect(await response.json()).toEqual({ status: 'queued' });
}

/** A number with a primary and one clone, learned as a member of `wabaId` by a first message. */
async function numberIn(wabaId: string): Promise<string> {
  const { phoneNumber } = await configureNumber(stack, sink, [CLONE]);
  await post(metaBody([{ wabaId, changes: [messageChange(phoneNumber, { type: 'text', text: { body: 'hello' } })] }]));
  return phoneNumber;
}

/**
 * The primary's accepted copy and the clone's copy of one notification, checked as every copy must
 * be. Earlier primary attempts are ones a test scripted to fail; the clone left only after the 200.
 */
function accepted(
  phone: string,
  match: (request: SinkRequest) => boolean,
): { primary: SinkRequest; clone: SinkRequest; parsed: Parsed | undefined } {
  const primary = received(sink, phone, 'primary').filter(match).at(-1);
  const clones = received(sink, phone, CLONE).filter(match);
  expect(primary, `no primary copy for ${phone}`).toBeDefined();
  expect(clones, `clone copies for ${phone}`).toHaveLength(1);
  const clone = clones[0]!;
  expect(receiver.verdictOf(primary!)?.status).toBe(200);
  expect(receiver.verdictOf(clone)?.status).toBe(200);
  expect(clone.body.equals(primary!.body)).toBe(true);
  for (const header of ['x-hub-signature-256', 'webhook-id']) expect(clone.headers[header]).toBe(primary!.headers[header]);
  expect(Number(clone.headers['webhook-timestamp'])).toBeGreaterThanOrEqual(Number(primary!.headers['webhook-timestamp']));
  expect(clone.receivedAt).toBeGreaterThanOrEqual(primary!.answeredAt!);
  return { primary: primary!, clone, parsed: receiver.verdictOf(primary!)?.parsed };
}

const firstValue = (body: Buffer) => JSON.parse(body.toString('utf8')).entry[0].changes[0].value;
const bodyIs = (body: Buffer) => (request: SinkRequest) => request.body.equals(body);

describe('whatsapp-api-js as the receiver', () => {
  it('accepts and parses every message and status type on the primary and the clone, each byte for byte', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, [CLONE]);
    const samples = [...messageSamples(phoneNumber), ...statusSamples(phoneNumber), errorsSample(phoneNumber)];
    const bodies = samples.map(({ change }) => metaBody([{ wabaId: freshWabaId(), changes: [change] }]));

    await Promise.all(bodies.map((body) => post(body)));
    // A burst to one new number: on a loaded machine its attempts pass 1 s and it takes the slow lane
    // (2 at a time, the rest deferred 5 s), so settling can take longer than the default wait.
    await queuesSettled(stack, 60_000);

    samples.forEach(({ name, change }, index) => {
      const body = bodies[index]!;
      const { primary, parsed } = accepted(phoneNumber, bodyIs(body));
      expect(primary.headers['x-hub-signature-256'], name).toBe(metaSignature(body, secret()));
      const value = firstValue(body);
      if (value.messages) expect(parsed, name).toEqual({ kind: 'message', phoneID: `pnid-${phoneNumber}`, message: value.messages[0] });
      else if (value.statuses)
        expect(parsed, name).toMatchObject({ kind: 'status', id: value.statuses[0].id, status: value.statuses[0].status });
      else expect(parsed, name).toEqual({ kind: 'event', field: change.field });
    });
  }, 90_000);

  it('accepts emoji and right-to-left text sent as literal UTF-8 and signed the way Meta signs, delivered byte for byte', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, [CLONE]);
    const bodies = [EMOJI_TEXT, RTL_TEXT].map((text) =>
      metaBody([{ wabaId: freshWabaId(), changes: [messageChange(phoneNumber, { type: 'text', text: { body: text } })] }], 'literal'),
    );

    await Promise.all(bodies.map((body) => post(body)));
    await queuesSettled(stack);

    const texts = bodies.map((body) => accepted(phoneNumber, bodyIs(body)).parsed);
    expect(texts.map((parsed) => (parsed as { message: { text: { body: string } } }).message.text.body)).toEqual([EMOJI_TEXT, RTL_TEXT]);
  });

  it("accepts each number's split copy of a body with non-ASCII: escaped to ASCII, signed over its bytes, texts intact", async () => {
    const wabaId = freshWabaId();
    const [a, b] = [(await configureNumber(stack, sink, [CLONE])).phoneNumber, (await configureNumber(stack, sink, [CLONE])).phoneNumber];
    const texts = { [a]: EMOJI_TEXT, [b]: RTL_TEXT };
    const body = metaBody(
      [{ wabaId, changes: [a, b].map((phone) => messageChange(phone, { type: 'text', text: { body: texts[phone] } })) }],
      'literal',
    );

    await post(body);
    await queuesSettled(stack);

    const copies = [a, b].map((phone) => accepted(phone, () => true));
    copies.forEach(({ primary, parsed }, index) => {
      expect(primary.body.toString('latin1')).toMatch(/^[\x20-\x7e]*$/);
      expect(primary.headers['x-hub-signature-256']).toBe(hmacOf(primary.body));
      expect((parsed as { message: { text: { body: string } } }).message.text.body).toBe(texts[[a, b][index]!]);
    });
    expect(copies[0]!.primary.headers['webhook-id']).not.toBe(copies[1]!.primary.headers['webhook-id']);
  });

  it("delivers phone-level events to the number they name, untouched, and the library's signature check accepts them", async () => {
    const { phoneNumber } = await configureNumber(stack, sink, [CLONE]);
    const samples = phoneLevelSamples(phoneNumber);
    const bodies = samples.map(({ change }) => metaBody([{ wabaId: freshWabaId(), changes: [change] }]));

    await Promise.all(bodies.map((body) => post(body)));
    await queuesSettled(stack);

    samples.forEach(({ change }, index) =>
      expect(accepted(phoneNumber, bodyIs(bodies[index]!)).parsed).toEqual({ kind: 'event', field: change.field }),
    );
  });

  it('delivers each WABA-level event to every number of its WABA, gated on each primary, with a webhook-id per number', async () => {
    const [wabaId, otherWaba] = [freshWabaId(), freshWabaId()];
    const [a, b, outsider] = [await numberIn(wabaId), await numberIn(wabaId), await numberIn(otherWaba)];
    await queuesSettled(stack);
    const samples = wabaLevelSamples(wabaId);
    const eventBodies = samples.map(({ change }) => metaBody([{ wabaId, changes: [change] }]));
    script.set(`/${b}/primary`, [{ status: 500 }]);

    await Promise.all(eventBodies.map((body) => post(body)));
    await queuesSettled(stack);

    samples.forEach(({ change }, index) => {
      const [copyA, copyB] = [a, b].map((phone) => accepted(phone, bodyIs(eventBodies[index]!)));
      expect([copyA!.parsed, copyB!.parsed]).toEqual([
        { kind: 'event', field: change.field },
        { kind: 'event', field: change.field },
      ]);
      expect(copyA!.primary.headers['webhook-id']).not.toBe(copyB!.primary.headers['webhook-id']);
    });
    // One attempt per event at b's primary, and one more for the event whose first attempt got the 500.
    expect(eventBodies.flatMap((body) => received(sink, b, 'primary').filter(bodyIs(body)))).toHaveLength(samples.length + 1);
    expect(received(sink, outsider, 'primary')).toHaveLength(1); // its own first message only
  });

  it('accepts a body near 3 MB on the primary and the clone, and each half of a near-3 MB split', async () => {
    const { phoneNumber } = await configureNumber(stack, sink, [CLONE]);
    const [a, b] = [(await configureNumber(stack, sink, [CLONE])).phoneNumber, (await configureNumber(stack, sink, [CLONE])).phoneNumber];
    const large = (phone: string, length: number): Change =>
      messageChange(phone, { type: 'text', text: { body: `${'Große 😮 '.repeat(length)}` } });
    const single = metaBody([{ wabaId: freshWabaId(), changes: [large(phoneNumber, 122_000)] }]);
    const split = metaBody([{ wabaId: freshWabaId(), changes: [large(a, 61_000), large(b, 61_000)] }]);
    expect([single.length, split.length].every((bytes) => bytes > 2_900_000 && bytes <= 3 * 1024 * 1024)).toBe(true);

    await post(single);
    await post(split);
    await queuesSettled(stack, 60_000);

    expect((accepted(phoneNumber, bodyIs(single)).parsed as { kind: string }).kind).toBe('message');
    for (const phone of [a, b]) {
      const { primary } = accepted(phone, () => true);
      expect(primary.body.length).toBeGreaterThan(1_300_000);
      expect(primary.headers['x-hub-signature-256']).toBe(hmacOf(primary.body));
    }
  }, 90_000);
});
