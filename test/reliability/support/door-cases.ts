// Bad input at the doors that are not the management API: signed ingest, the subscription check, and
// the notifications queue that producers inside the platform write to.
import { MAX_NOTIFICATION_BYTES } from '../../../shared/domain/limits.js';
import { sign } from '../../helpers/whatsapp.js';

export interface IngestCase {
  what: string;
  body: Buffer;
  /** The X-Hub-Signature-256 to send: 'valid' signs the body with the app secret; null sends none. */
  signature: 'valid' | null | ((body: Buffer, appSecret: string) => string);
  status: 400 | 401 | 413;
}

/** A Meta-shaped notification for `phone`, as JSON text. */
export function notificationJson(phone: string, text = 'hello'): string {
  return JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: 'waba-1',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: phone, phone_number_id: 'pnid' },
              messages: [{ id: 'wamid.1', type: 'text', text: { body: text } }],
            },
          },
        ],
      },
    ],
  });
}

/** The X-Hub-Signature-256 header value a case sends, undefined for none. */
export function ingestSignature(c: IngestCase, appSecret: string): string | undefined {
  return c.signature === null ? undefined : c.signature === 'valid' ? sign(c.body, appSecret) : c.signature(c.body, appSecret);
}

export function ingestCases(phone: string): IngestCase[] {
  const good = notificationJson(phone);
  const raw = (text: string) => Buffer.from(text, 'utf8');
  const signedWith = (secret: string) => (body: Buffer) => sign(body, secret);
  return [
    { what: 'a notification without a signature', body: raw(good), signature: null, status: 401 },
    { what: 'a notification signed with another secret', body: raw(good), signature: signedWith('not-the-app-secret'), status: 401 },
    {
      what: 'a signature of another body',
      body: raw(good),
      signature: (_, secret) => sign(notificationJson(phone, 'other'), secret),
      status: 401,
    },
    {
      what: 'a signature in uppercase hex',
      body: raw(good),
      signature: (body, secret) => sign(body, secret).toUpperCase().replace('SHA256=', 'sha256='),
      status: 401,
    },
    {
      what: 'a signature without its sha256= prefix',
      body: raw(good),
      signature: (body, secret) => sign(body, secret).slice('sha256='.length),
      status: 401,
    },
    { what: 'a sha1 signature', body: raw(good), signature: (body, secret) => sign(body, secret).replace('sha256=', 'sha1='), status: 401 },
    { what: 'a signature cut short', body: raw(good), signature: (body, secret) => sign(body, secret).slice(0, -2), status: 401 },
    { what: 'a signature with extra hex digits', body: raw(good), signature: (body, secret) => `${sign(body, secret)}00`, status: 401 },
    { what: 'an empty signature', body: raw(good), signature: () => '', status: 401 },
    { what: 'a signature of the body signed with an empty secret', body: raw(good), signature: signedWith(''), status: 401 },
    { what: 'a correctly signed body that is malformed JSON', body: raw('{"entry": ['), signature: 'valid', status: 400 },
    {
      what: 'a correctly signed notification truncated in the middle',
      body: raw(good.slice(0, Math.floor(good.length / 2))),
      signature: 'valid',
      status: 400,
    },
    { what: 'a correctly signed notification missing its last byte', body: raw(good.slice(0, -1)), signature: 'valid', status: 400 },
    { what: 'a correctly signed null', body: raw('null'), signature: 'valid', status: 400 },
    { what: 'a correctly signed array', body: raw(`[${good}]`), signature: 'valid', status: 400 },
    { what: 'a correctly signed number', body: raw('42'), signature: 'valid', status: 400 },
    { what: 'a correctly signed string', body: raw('"hello"'), signature: 'valid', status: 400 },
    { what: 'a correctly signed empty body', body: raw(''), signature: 'valid', status: 400 },
    {
      what: 'a correctly signed object without entry',
      body: raw('{"object": "whatsapp_business_account"}'),
      signature: 'valid',
      status: 400,
    },
    { what: 'a correctly signed entry that is an object', body: raw('{"entry": {"changes": []}}'), signature: 'valid', status: 400 },
    { what: 'a correctly signed entry that is a string', body: raw('{"entry": "x"}'), signature: 'valid', status: 400 },
    {
      what: 'a correctly signed entry smuggled in through __proto__',
      body: raw(`{"__proto__": {"entry": [], "pollutedByMatrix": "yes"}}`),
      signature: 'valid',
      status: 400,
    },
    {
      what: 'a correctly signed entry smuggled in through constructor.prototype',
      body: raw('{"constructor": {"prototype": {"entry": [], "pollutedByMatrix": "yes"}}}'),
      signature: 'valid',
      status: 400,
    },
    {
      what: 'a correctly signed body that is not UTF-8',
      body: Buffer.concat([raw(good.slice(0, 20)), Buffer.from([0xc3, 0x28, 0xff]), raw(good.slice(20))]),
      signature: 'valid',
      status: 400,
    },
    { what: 'a correctly signed body with a byte-order mark first', body: raw(`\ufeff${good}`), signature: 'valid', status: 400 },
    {
      what: `a correctly signed body one byte over ${MAX_NOTIFICATION_BYTES} bytes`,
      body: Buffer.alloc(MAX_NOTIFICATION_BYTES + 1, 0x20),
      signature: 'valid',
      status: 413,
    },
    {
      what: 'an unsigned body over the 10 MB the gateway takes',
      body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x20),
      signature: null,
      status: 413,
    },
  ];
}

export interface VerifyCase {
  what: string;
  /** The query string, with TOKEN standing for the verify token. */
  query: string;
  status: 400 | 403;
}

export const VERIFY_CASES: VerifyCase[] = [
  { what: 'no parameters at all', query: '', status: 403 },
  { what: 'hub.mode alone', query: 'hub.mode=subscribe', status: 403 },
  { what: 'the right token without hub.mode', query: 'hub.verify_token=TOKEN&hub.challenge=c1', status: 403 },
  { what: 'hub.mode=unsubscribe', query: 'hub.mode=unsubscribe&hub.verify_token=TOKEN&hub.challenge=c1', status: 403 },
  { what: 'hub.mode in capitals', query: 'hub.mode=SUBSCRIBE&hub.verify_token=TOKEN&hub.challenge=c1', status: 403 },
  { what: 'a wrong token of the same length', query: 'hub.mode=subscribe&hub.verify_token=WRONG&hub.challenge=c1', status: 403 },
  { what: 'a prefix of the token', query: 'hub.mode=subscribe&hub.verify_token=PREFIX&hub.challenge=c1', status: 403 },
  { what: 'the token with one more character', query: 'hub.mode=subscribe&hub.verify_token=TOKENx&hub.challenge=c1', status: 403 },
  { what: 'the token with a trailing space', query: 'hub.mode=subscribe&hub.verify_token=TOKEN%20&hub.challenge=c1', status: 403 },
  { what: 'the token in other case', query: 'hub.mode=subscribe&hub.verify_token=UPPER&hub.challenge=c1', status: 403 },
  {
    what: 'the token given twice',
    query: 'hub.mode=subscribe&hub.verify_token=TOKEN&hub.verify_token=TOKEN&hub.challenge=c1',
    status: 403,
  },
  { what: 'an empty token', query: 'hub.mode=subscribe&hub.verify_token=&hub.challenge=c1', status: 403 },
  { what: 'the right token without hub.challenge', query: 'hub.mode=subscribe&hub.verify_token=TOKEN', status: 400 },
];

/** The query of a verify case for the stack's token (TOKEN, WRONG, PREFIX and UPPER derive from it). */
export function verifyQuery(query: string, token: string): string {
  const wrong = [...token].map((c) => (c === 'x' ? 'y' : 'x')).join('');
  return query
    .replace('TOKEN', encodeURIComponent(token))
    .replace('TOKEN', encodeURIComponent(token))
    .replace('WRONG', encodeURIComponent(wrong))
    .replace('PREFIX', encodeURIComponent(token.slice(0, -1)))
    .replace('UPPER', encodeURIComponent(token.toUpperCase()));
}

export interface DoorCase {
  what: string;
  /** The SQS message body exactly as sent. */
  body: string;
}

/** Messages a producer might put on the notifications queue that can never be delivered. */
export function queueDoorCases(phone: string, bucket: string): DoorCase[] {
  const ok = { phoneNumber: phone, payload: notificationJson(phone) };
  const json = (value: unknown) => JSON.stringify(value);
  const payloadRef = { bucket, key: 'payloads/never-written' };
  return [
    { what: 'a body that is not JSON', body: 'hello' },
    { what: 'a truncated message', body: json(ok).slice(0, 30) },
    { what: 'a null message', body: 'null' },
    { what: 'an array message', body: json([ok]) },
    { what: 'a number message', body: '42' },
    { what: 'a string message', body: '"hello"' },
    { what: 'an empty object', body: '{}' },
    { what: 'a message without phoneNumber', body: json({ payload: ok.payload }) },
    { what: 'a message without payload', body: json({ phoneNumber: phone }) },
    { what: 'a phoneNumber that is a number', body: json({ ...ok, phoneNumber: Number(phone) }) },
    { what: 'a phoneNumber with + and spaces', body: json({ ...ok, phoneNumber: `+${phone.slice(0, 2)} ${phone.slice(2)}` }) },
    { what: 'a phoneNumber of 16 digits', body: json({ ...ok, phoneNumber: `${phone}0000`.slice(0, 16) }) },
    { what: 'a payload that is an object', body: json({ ...ok, payload: JSON.parse(ok.payload) }) },
    { what: 'a null payload', body: json({ ...ok, payload: null }) },
    { what: 'both payload and payloadRef', body: json({ ...ok, payloadRef }) },
    { what: 'an unknown field', body: json({ ...ok, priority: 'high' }) },
    {
      what: 'a clone-retry message on the notifications queue',
      body: json({ ...ok, id: 'n-1', receivedAt: Date.now(), destination: 'a', firstFailedAt: Date.now() }),
    },
    { what: 'a __proto__ key', body: `${json(ok).slice(0, -1)}, "__proto__": {"pollutedByMatrix": "yes"}}` },
    { what: 'a constructor key', body: `${json(ok).slice(0, -1)}, "constructor": {"prototype": {"pollutedByMatrix": "yes"}}}` },
    { what: 'an id with a space', body: json({ ...ok, id: 'two words' }) },
    { what: 'an empty id', body: json({ ...ok, id: '' }) },
    { what: 'an id of 129 characters', body: json({ ...ok, id: 'i'.repeat(129) }) },
    { what: 'a signature that is not sha256=<hex>', body: json({ ...ok, signature: 'sha256=XYZ' }) },
    { what: 'a negative receivedAt', body: json({ ...ok, receivedAt: -1 }) },
    { what: 'a receivedAt that is a string', body: json({ ...ok, receivedAt: '2024-01-01' }) },
    { what: 'a payloadRef with an empty key', body: json({ phoneNumber: phone, payloadRef: { bucket, key: '' } }) },
    { what: 'a payloadRef with an unknown field', body: json({ phoneNumber: phone, payloadRef: { ...payloadRef, region: 'us-east-1' } }) },
    { what: 'a payloadRef naming an object that does not exist', body: json({ phoneNumber: phone, payloadRef }) },
    {
      what: 'a payloadRef naming another bucket',
      body: json({ phoneNumber: phone, payloadRef: { bucket: `${bucket}-elsewhere`, key: 'payloads/x' } }),
    },
  ];
}
