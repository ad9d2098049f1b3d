// WhatsApp Cloud API webhook samples in the shapes Meta documents, and bodies in the forms Meta sends:
// one change per sample, so a test can put any of them in any entry of any body.
import { createHmac, randomUUID } from 'node:crypto';

export interface Change {
  field: string;
  value: Record<string, unknown>;
}

export interface Sample {
  /** Says what the sample is, for test names. */
  name: string;
  change: Change;
}

/** A customer's number and name, as `contacts` and `from` carry them. */
const CUSTOMER = { wa_id: '16315551181', name: 'Kerry Fisher' };
export const EMOJI_TEXT = 'Thanks! 😮🎉👍🏽 ok';
/** Hebrew and Arabic with the right-to-left mark Meta passes through. */
export const RTL_TEXT = '\u200fשלום עולם! مرحبا بالعالم 👋';

/** Meta's escaping (and whatsapp-api-js's): every UTF-16 code unit above `~` as a lowercase \uXXXX escape. */
export const metaEscape = (text: string): string =>
  text.replace(/[^\0-~]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** X-Hub-Signature-256 as Meta computes it: over the body with non-ASCII escaped. */
export const metaSignature = (body: Buffer | string, appSecret: string): string =>
  `sha256=${createHmac('sha256', appSecret).update(metaEscape(body.toString())).digest('hex')}`;

/**
 * A notification body. 'escaped' is the form Meta usually sends (every non-ASCII character as
 * \uXXXX, so the bytes are ASCII); 'literal' is the same JSON with UTF-8 characters as they are.
 */
export function metaBody(entries: { wabaId: string; changes: Change[] }[], form: 'escaped' | 'literal' = 'escaped'): Buffer {
  const json = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: entries.map(({ wabaId, changes }) => ({ id: wabaId, time: 1749416383, changes })),
  });
  return Buffer.from(form === 'escaped' ? metaEscape(json) : json, 'utf8');
}

/** A WABA id of its own for each test, so no test sees another's memberships. */
export const freshWabaId = (): string => String(100_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e14)));

const mediaId = () => String(Math.floor(Math.random() * 1e15));
const SHA = 'a5mvVxKFpBTDdTI5qL3lPj4aDcP2rM7yYVR4iY2YOlw=';

/** A `messages` change carrying one inbound message of `phone`'s number. */
export function messageChange(phone: string, message: Record<string, unknown>): Change {
  return {
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: phone, phone_number_id: `pnid-${phone}` },
      contacts: [{ profile: { name: CUSTOMER.name }, wa_id: CUSTOMER.wa_id }],
      messages: [{ from: CUSTOMER.wa_id, id: `wamid.${randomUUID()}`, timestamp: '1749416383', ...message }],
    },
  };
}

/** A `messages` change carrying one status of a message `phone`'s number sent. */
export function statusChange(phone: string, status: Record<string, unknown>): Change {
  return {
    field: 'messages',
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: phone, phone_number_id: `pnid-${phone}` },
      ...(status.status !== 'failed' && { contacts: [{ profile: { name: CUSTOMER.name }, wa_id: CUSTOMER.wa_id }] }),
      statuses: [{ id: `wamid.${randomUUID()}`, timestamp: '1749416390', recipient_id: CUSTOMER.wa_id, ...status }],
    },
  };
}

const pricing = (category: string) => ({ billable: true, pricing_model: 'PMP', category, type: 'regular' });
const conversation = (type: string) => ({ id: randomUUID().replace(/-/g, ''), expiration_timestamp: '1749502790', origin: { type } });

/** Every inbound message type Meta documents, with emoji and right-to-left text where people write. */
export function messageSamples(phone: string): Sample[] {
  const message = (name: string, body: Record<string, unknown>): Sample => ({ name, change: messageChange(phone, body) });
  return [
    message('a text', { type: 'text', text: { body: 'Hello, is the shop open today?' } }),
    message('a text with emoji', { type: 'text', text: { body: EMOJI_TEXT } }),
    message('a right-to-left text', { type: 'text', text: { body: RTL_TEXT } }),
    message('a reply quoting an earlier message', {
      type: 'text',
      context: { from: phone, id: `wamid.${randomUUID()}` },
      text: { body: 'Yes, that one' },
    }),
    message('a text from an ad click', {
      type: 'text',
      text: { body: 'I saw your ad' },
      referral: {
        source_url: 'https://fb.me/3cr4Wqqkv',
        source_id: '120226305854810726',
        source_type: 'ad',
        headline: 'Spring sale',
        body: 'Up to 50% off',
        media_type: 'image',
        image_url: 'https://scontent.xx.fbcdn.net/v/t45.1600-4/image.jpg',
        ctwa_clid: 'ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0-eM-GABDLOPaOdRMv-_zfUQ2a',
      },
    }),
    message('an image with a caption', {
      type: 'image',
      image: { caption: 'Our new menu 🍕', mime_type: 'image/jpeg', sha256: SHA, id: mediaId() },
    }),
    message('a voice note', { type: 'audio', audio: { mime_type: 'audio/ogg; codecs=opus', sha256: SHA, id: mediaId(), voice: true } }),
    message('a video', { type: 'video', video: { caption: 'Unboxing', mime_type: 'video/mp4', sha256: SHA, id: mediaId() } }),
    message('a document', {
      type: 'document',
      document: { caption: 'Rechnung März', filename: 'Rechnung-März.pdf', mime_type: 'application/pdf', sha256: SHA, id: mediaId() },
    }),
    message('a sticker', { type: 'sticker', sticker: { mime_type: 'image/webp', sha256: SHA, id: mediaId(), animated: false } }),
    message('a location', {
      type: 'location',
      location: {
        address: '1 Hacker Way, Menlo Park, CA 94025',
        latitude: 37.48348045349121,
        longitude: -122.14839172363281,
        name: 'Meta HQ',
        url: 'https://www.meta.com',
      },
    }),
    message('a contact card', {
      type: 'contacts',
      contacts: [
        {
          name: { formatted_name: 'Zoë Müller', first_name: 'Zoë', last_name: 'Müller' },
          phones: [{ phone: '+49 151 1234567', wa_id: '491511234567', type: 'CELL' }],
          emails: [{ email: 'zoe@example.com', type: 'WORK' }],
        },
      ],
    }),
    message('a reply button press', {
      type: 'interactive',
      interactive: { type: 'button_reply', button_reply: { id: 'confirm', title: 'Confirm ✅' } },
    }),
    message('a list choice', {
      type: 'interactive',
      interactive: { type: 'list_reply', list_reply: { id: 'slot-2', title: '10:30', description: 'Tomorrow morning' } },
    }),
    message('a flow answer', {
      type: 'interactive',
      interactive: {
        type: 'nfm_reply',
        nfm_reply: { name: 'flow', body: 'Sent', response_json: '{"flow_token":"f-1","rating":"⭐⭐⭐⭐"}' },
      },
    }),
    message('a template quick-reply button', {
      type: 'button',
      context: { from: phone, id: `wamid.${randomUUID()}` },
      button: { payload: 'STOP_PROMOS', text: 'Stop promotions' },
    }),
    message('a reaction', { type: 'reaction', reaction: { message_id: `wamid.${randomUUID()}`, emoji: '❤️' } }),
    message('an order', {
      type: 'order',
      order: {
        catalog_id: '194836987003835',
        text: 'Two please',
        product_items: [{ product_retailer_id: 'di9ozbzfi4', quantity: 2, item_price: 30.5, currency: 'EUR' }],
      },
    }),
    message('a changed number', {
      type: 'system',
      system: { body: 'User A changed from 16315551181 to 16315551182', wa_id: '16315551182', type: 'user_changed_number' },
    }),
    message('a welcome request', { type: 'request_welcome' }),
    message('an unsupported message', {
      type: 'unsupported',
      unsupported: { type: 'edit' },
      errors: [
        {
          code: 131051,
          title: 'Message type unknown',
          message: 'Message type unknown',
          error_data: { details: 'Message type is currently not supported.' },
        },
      ],
    }),
  ];
}

/** Every message status, with Meta's pricing and conversation objects, and a failure with its error. */
export function statusSamples(phone: string): Sample[] {
  const status = (name: string, body: Record<string, unknown>): Sample => ({ name, change: statusChange(phone, body) });
  return [
    status('a sent status with pricing', { status: 'sent', conversation: conversation('marketing'), pricing: pricing('marketing') }),
    status('a delivered status', { status: 'delivered', conversation: conversation('utility'), pricing: pricing('utility') }),
    status('a read status', { status: 'read' }),
    status('a played status of a voice message', { status: 'played' }),
    status('a failed status with its error', {
      status: 'failed',
      errors: [
        {
          code: 131047,
          title: 'Re-engagement message',
          message: 'Re-engagement message',
          error_data: {
            details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
          },
          href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/',
        },
      ],
    }),
  ];
}

/** A `messages` change with only an `errors` array: Meta's system-level error for a number. */
export function errorsSample(phone: string): Sample {
  return {
    name: 'a system-level error',
    change: {
      field: 'messages',
      value: {
        messaging_product: 'whatsapp',
        metadata: { display_phone_number: phone, phone_number_id: `pnid-${phone}` },
        errors: [
          {
            code: 130472,
            title: "User's number is part of an experiment",
            message: "User's number is part of an experiment",
            error_data: { details: 'Failed to send message because this user is part of an experiment.' },
          },
        ],
      },
    },
  };
}

/** Events about one business number, which Meta names at `value.display_phone_number`. */
export function phoneLevelSamples(phone: string): Sample[] {
  return [
    {
      name: 'phone_number_quality_update',
      change: {
        field: 'phone_number_quality_update',
        value: { display_phone_number: phone, event: 'DOWNGRADE', current_limit: 'TIER_1K', old_limit: 'TIER_10K' },
      },
    },
    {
      name: 'phone_number_name_update',
      change: {
        field: 'phone_number_name_update',
        value: { display_phone_number: phone, decision: 'APPROVED', requested_verified_name: 'Café Zürich ☕', rejection_reason: null },
      },
    },
    {
      name: 'security',
      change: { field: 'security', value: { display_phone_number: phone, event: 'PIN_RESET_REQUEST', requester: '61555822107539' } },
    },
  ];
}

/** Events about the WABA as a whole: no number in them, only `entry[].id`. */
export function wabaLevelSamples(wabaId: string): Sample[] {
  const template = {
    message_template_id: 1689556908129832,
    message_template_name: 'order_confirmation',
    message_template_language: 'en_US',
  };
  const sample = (field: string, value: Record<string, unknown>): Sample => ({ name: field, change: { field, value } });
  return [
    sample('message_template_status_update', {
      event: 'REJECTED',
      ...template,
      reason: 'INVALID_FORMAT',
      other_info: { title: 'Template rejected', description: 'Variables can’t be at the start or end of the template.' },
    }),
    sample('message_template_quality_update', { previous_quality_score: 'GREEN', new_quality_score: 'YELLOW', ...template }),
    sample('template_category_update', { ...template, previous_category: 'UTILITY', new_category: 'MARKETING' }),
    sample('account_update', { event: 'ACCOUNT_VIOLATION', violation_info: { violation_type: 'ADULT' } }),
    sample('account_review_update', { decision: 'APPROVED' }),
    sample('account_alerts', {
      entity_type: 'WABA',
      entity_id: wabaId,
      alert_severity: 'WARNING',
      alert_status: 'ACTIVE',
      alert_type: 'INCREASED_RISK',
      alert_description: 'Your account quality dropped.',
    }),
    sample('business_capability_update', {
      max_daily_conversation_per_phone: 1000,
      max_phone_numbers_per_business: 2,
      max_phone_numbers_per_waba: 25,
    }),
  ];
}
