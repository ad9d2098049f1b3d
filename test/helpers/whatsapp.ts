// Meta-shaped WhatsApp notifications and their signatures, for tests.
import { createHmac, randomUUID } from 'node:crypto';

export const sign = (body: Buffer | string, secret: string) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** A Meta-shaped notification with one change per item (same number twice means two changes of it). */
export function notificationBody(changes: { phone: string; text?: string }[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      object: 'whatsapp_business_account',
      entry: [
        {
          id: 'waba-1',
          changes: changes.map(({ phone, text = 'hello' }, index) => ({
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: phone, phone_number_id: `pnid-${index}` },
              messages: [{ id: `wamid.${randomUUID()}`, type: 'text', text: { body: text } }],
            },
          })),
        },
      ],
    }),
  );
}
