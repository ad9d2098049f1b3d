// The notifications queue's hand-checked common shape decodes exactly as the schema does, and leaves everything else to it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commonNotificationMessage, NotificationMessage } from '../../../shared/domain/notification.js';
import { decodeMessage } from '../../../shared/queue/message-codec.js';

const signature = `sha256=${'a1'.repeat(32)}`;
const ingestMessage = { phoneNumber: '15550001111', payload: '{"entry":[]}', id: 'wamid.1', signature, receivedAt: 1_700_000_000_000 };

// Values near each field's rules, and of the wrong kinds.
const field = fc.oneof(
  fc.constantFrom('15550001111', '12345', '1234567890123456', '+15550001111', '', ' ', 'wamid.1', 'has space', 'x'.repeat(129)),
  fc.constantFrom(signature, `sha256=${'A1'.repeat(32)}`, `sha256=${'a'.repeat(63)}`, '{}'),
  fc.constantFrom(0, -1, 1, 1.5, 1_700_000_000_000, 2 ** 53, Number.MAX_SAFE_INTEGER, null, true, [], {}),
  fc.string({ maxLength: 20 }),
);
const keys = fc.constantFrom('phoneNumber', 'payload', 'id', 'signature', 'receivedAt', 'payloadRef', 'kind', '__proto__', 'constructor');
// Mostly valid messages with one field changed, dropped or added, and some of anything.
const candidate = fc.oneof(
  fc.tuple(keys, field, fc.boolean()).map(([key, value, drop]) => {
    const message: Record<string, unknown> = { ...ingestMessage };
    if (drop) delete message[key];
    else message[key] = value;
    return JSON.stringify(message);
  }),
  fc.dictionary(keys, field).map((message) => JSON.stringify(message)),
  fc.constantFrom('[]', 'null', '"text"', '{"__proto__":{"phoneNumber":"15550001111"},"payload":"{}"}'),
);

describe('decoding a notifications-queue message', () => {
  it('accepts by hand only what the schema accepts, as the schema parses it', () => {
    fc.assert(
      fc.property(candidate, (body) => {
        const json: unknown = JSON.parse(body);
        const common = commonNotificationMessage(JSON.parse(body));
        const parsed = NotificationMessage.safeParse(json);
        if (common !== undefined) expect(parsed).toEqual({ success: true, data: common });
        expect(decodeMessage('notifications', body)).toEqual(
          parsed.success ? { success: true, message: parsed.data } : { success: false, problem: expect.any(String) },
        );
      }),
      { seed: 20_261_201, numRuns: 2000 },
    );
  });

  it('takes the shape ingest writes, and a producer’s with only a number and a payload, without the schema', () => {
    expect(commonNotificationMessage({ ...ingestMessage })).toEqual(ingestMessage);
    expect(commonNotificationMessage({ phoneNumber: '15550001111', payload: '{}' })).toEqual({ phoneNumber: '15550001111', payload: '{}' });
  });

  it('leaves a large payload’s reference and every mistake to the schema, which names the mistake', () => {
    expect(commonNotificationMessage({ phoneNumber: '15550001111', payloadRef: { bucket: 'b', key: 'k' } })).toBeUndefined();
    expect(decodeMessage('notifications', JSON.stringify({ ...ingestMessage, receivedAt: 1.5 }))).toEqual({
      success: false,
      problem: expect.stringMatching(/^receivedAt: /),
    });
    expect(decodeMessage('notifications', JSON.stringify({ ...ingestMessage, extra: 1 }))).toMatchObject({ success: false });
  });
});
