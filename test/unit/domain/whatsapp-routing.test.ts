// Which number gets which change of a body, and the notifications (whole bodies or signed copies) that makes.
import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyId, notificationId, parseWebhookBody, signatureOf } from '../../../shared/domain/whatsapp.js';
import { copyCutter, notificationsFor } from '../../../shared/domain/whatsapp-copies.js';
import { planCopies, routeChanges } from '../../../shared/domain/whatsapp-routing.js';
import { EMOJI_TEXT, messageChange, metaBody, phoneLevelSamples, wabaLevelSamples, type Change } from '../../helpers/whatsapp-samples.js';

const SECRET = 'app-secret';
const A = '15550001111';
const B = '15550002222';
const C = '15550003333';
const metaSigned = (raw: Buffer) => `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
const [templateStatus, templateQuality] = wabaLevelSamples('W1').map((sample) => sample.change);
const qualityOf = (phone: string) => phoneLevelSamples(phone)[0]!.change;

/** Routes and plans a body with the given known WABA members, and makes its notifications. */
function ingest(raw: Buffer, known: Record<string, string[]> = {}) {
  const routing = routeChanges(parseWebhookBody(raw));
  const plan = planCopies(routing, new Map(Object.entries(known)));
  const notifications = notificationsFor(
    { rawBody: raw, signature: metaSigned(raw), receivedAt: 1, totalChanges: routing.changes.length },
    plan,
    SECRET,
  );
  return { routing, plan, notifications, byNumber: new Map(notifications.map((notification) => [notification.phoneNumber, notification])) };
}

const fieldsOf = (payload: string) =>
  JSON.parse(payload).entry.map((entry: { id: string; changes: Change[] }) => [entry.id, entry.changes.map((change) => change.field)]);

describe('routing', () => {
  it("sends message changes and phone-level events to the number they name, and learns that number in its entry's WABA", () => {
    const raw = metaBody([{ wabaId: 'W1', changes: [messageChange(A, { type: 'text', text: { body: 'hi' } }), qualityOf(B)] }]);
    const { routing, plan } = ingest(raw);
    expect(routing.memberships).toEqual([
      { phoneNumber: A, wabaId: 'W1' },
      { phoneNumber: B, wabaId: 'W1' },
    ]);
    expect([...plan.copies]).toEqual([
      [A, [{ entry: 0, change: 0 }]],
      [B, [{ entry: 0, change: 1 }]],
    ]);
  });

  it('sends a WABA-level change to every known number of that WABA and to the numbers the body names in it', () => {
    const raw = metaBody([{ wabaId: 'W1', changes: [messageChange(A, { type: 'text', text: { body: 'hi' } }), templateStatus!] }]);
    const { routing, plan } = ingest(raw, { W1: [C, B], W2: ['15550009999'] });
    expect(routing.wabaLevel).toEqual(['W1']);
    expect([...plan.copies.keys()]).toEqual([A, B, C]);
    expect(plan.copies.get(B)).toEqual([{ entry: 0, change: 1 }]);
    expect(plan.unrouted).toEqual([]);
  });

  it('reports WABA-level changes of a WABA with no known number as unrouted, by WABA, with their fields and count', () => {
    const raw = metaBody([{ wabaId: 'W1', changes: [templateStatus!, templateQuality!, templateStatus!] }]);
    const { plan, notifications } = ingest(raw);
    expect(notifications).toEqual([]);
    expect(plan.unrouted).toEqual([
      { wabaId: 'W1', fields: ['message_template_status_update', 'message_template_quality_update'], changes: 3 },
    ]);
  });

  it('reports a change with neither a number nor a usable WABA id as unrouted without an id', () => {
    const raw = metaBody([{ wabaId: 'not#usable', changes: [templateStatus!] }]);
    expect(ingest(raw, { 'not#usable': [A] }).plan.unrouted).toEqual([{ fields: ['message_template_status_update'], changes: 1 }]);
  });
});

describe('notificationsFor', () => {
  it("forwards a body that goes whole to one number untouched, with Meta's signature and the id of its bytes", () => {
    const raw = metaBody([{ wabaId: 'W1', changes: [messageChange(A, { type: 'text', text: { body: EMOJI_TEXT } }), templateStatus!] }]);
    const [notification, ...others] = ingest(raw).notifications;
    expect(others).toEqual([]);
    expect(notification).toEqual({
      id: notificationId(raw),
      phoneNumber: A,
      payload: raw.toString('utf8'),
      signature: metaSigned(raw),
      receivedAt: 1,
    });
  });

  it('forwards a one-WABA event to each of its numbers as the untouched body, each copy with an id of its own', () => {
    const raw = metaBody([{ wabaId: 'W1', changes: [templateStatus!] }]);
    const { notifications } = ingest(raw, { W1: [A, B] });
    expect(
      notifications.map(({ phoneNumber, payload, signature }) => ({ phoneNumber, same: payload === raw.toString('utf8'), signature })),
    ).toEqual([
      { phoneNumber: A, same: true, signature: metaSigned(raw) },
      { phoneNumber: B, same: true, signature: metaSigned(raw) },
    ]);
    expect(notifications.map((notification) => notification.id)).toEqual([
      copyId(A, raw.toString('utf8')),
      copyId(B, raw.toString('utf8')),
    ]);
  });

  it('cuts a mixed body into one copy per number, escaped to ASCII and signed with the app secret over its exact text', () => {
    const raw = metaBody(
      [
        {
          wabaId: 'W1',
          changes: [
            messageChange(A, { type: 'text', text: { body: EMOJI_TEXT } }),
            messageChange(B, { type: 'text', text: { body: 'שלום' } }),
          ],
        },
      ],
      'literal',
    );
    const { byNumber } = ingest(raw);
    for (const [phone, text] of [
      [A, EMOJI_TEXT],
      [B, 'שלום'],
    ] as const) {
      const { payload, signature, id } = byNumber.get(phone)!;
      expect(payload).toMatch(/^[\x20-\x7e]*$/);
      expect(signature).toBe(signatureOf(payload, SECRET));
      expect(id).toBe(copyId(phone, payload));
      const changes = JSON.parse(payload).entry[0].changes;
      expect(
        changes.map((change: Change) => [
          (change.value.metadata as { display_phone_number: string }).display_phone_number,
          (change.value.messages as { text: { body: string } }[])[0]!.text.body,
        ]),
      ).toEqual([[phone, text]]);
    }
  });

  it("gives each number of a two-WABA body only its own WABA's entry", () => {
    const raw = metaBody([
      { wabaId: 'W1', changes: [messageChange(A, { type: 'text', text: { body: 'a' } }), templateStatus!] },
      { wabaId: 'W2', changes: [messageChange(B, { type: 'text', text: { body: 'b' } }), templateQuality!] },
    ]);
    const { byNumber } = ingest(raw, { W1: [C], W2: [] });
    expect(fieldsOf(byNumber.get(A)!.payload)).toEqual([['W1', ['messages', 'message_template_status_update']]]);
    expect(fieldsOf(byNumber.get(C)!.payload)).toEqual([['W1', ['message_template_status_update']]]);
    expect(fieldsOf(byNumber.get(B)!.payload)).toEqual([['W2', ['messages', 'message_template_quality_update']]]);
  });

  it('re-signs the copy of a number that gets only part of the body, even when it is the only recipient', () => {
    const raw = metaBody([
      { wabaId: 'W1', changes: [messageChange(A, { type: 'text', text: { body: 'a' } })] },
      { wabaId: 'W9', changes: [templateStatus!] },
    ]);
    const { notifications, plan } = ingest(raw);
    expect(notifications).toHaveLength(1);
    expect(notifications[0]!.signature).toBe(signatureOf(notifications[0]!.payload, SECRET));
    expect(notifications[0]!.id).toBe(notificationId(notifications[0]!.payload));
    expect(plan.unrouted).toEqual([{ wabaId: 'W9', fields: ['message_template_status_update'], changes: 1 }]);
  });
});

describe('copyCutter', () => {
  it('keeps every kept value as the sender wrote it: big integers, trailing zeros, escapes and spacing inside a change', () => {
    const text =
      '{"object":"whatsapp_business_account","entry":[{"id":"W1","changes":[ {"field":"x", "value":{"id":98765432109876543210,"price":1.50,"s":"a\\/b\\"c"}} ,{"field":"y","value":{}}],"time":1.0}]}';
    expect(copyCutter(text)([{ entry: 0, change: 0 }])).toBe(
      '{"object":"whatsapp_business_account","entry":[{"id":"W1","changes":[{"field":"x", "value":{"id":98765432109876543210,"price":1.50,"s":"a\\/b\\"c"}}],"time":1.0}]}',
    );
  });

  it('cuts any body into copies that parse to the body with only the chosen changes', () => {
    const change = fc.record({ field: fc.string(), value: fc.jsonValue() });
    const entry = fc.record({ id: fc.string(), changes: fc.array(change, { maxLength: 4 }), time: fc.integer() });
    const body = fc.record({ object: fc.string(), entry: fc.array(entry, { minLength: 1, maxLength: 4 }) });
    fc.assert(
      fc.property(body, fc.integer({ min: 0, max: 3 }), fc.boolean(), (value, seed, pretty) => {
        const text = JSON.stringify(value, null, pretty ? 2 : undefined);
        const refs = value.entry
          .flatMap((item, entryIndex) => item.changes.map((_c, change) => ({ entry: entryIndex, change })))
          .filter((_ref, index) => (index + seed) % 2 === 0);
        const expected = {
          ...value,
          entry: value.entry.flatMap((item, entryIndex) => {
            const changes = item.changes.filter((_c, change) => refs.some((ref) => ref.entry === entryIndex && ref.change === change));
            return changes.length === 0 ? [] : [{ ...item, changes }];
          }),
        };
        expect(JSON.parse(copyCutter(text)(refs))).toEqual(JSON.parse(JSON.stringify(expected)));
      }),
    );
  });
});
