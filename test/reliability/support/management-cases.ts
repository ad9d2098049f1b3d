// The bad-input cases of the management routes: every forbidden value at every place a route takes it,
// and the body-level mistakes (malformed, truncated, wrong shape, prototype keys, too large) for every route.
import type { DestinationPolicy } from '../../../shared/domain/address-policy.js';
import { MAX_MANAGEMENT_BODY_BYTES } from '../../../shared/domain/limits.js';
import { FORBIDDEN_HEADERS, FORBIDDEN_NAMES, FORBIDDEN_QUERY_NAMES, PROTOTYPE_HEADERS, forbiddenUrls } from './forbidden-inputs.js';

/** Which prepared number a case runs against: one with clones enabled, or one with them disabled. */
export type SubjectState = 'enabled' | 'disabled';

/** A request body: JSON from a value, or text/bytes exactly as given. */
export type Body = { json: unknown } | { raw: string | Buffer };

export interface BadInput {
  /** What is wrong, read after "refuses": "an http url". */
  what: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path and query. */
  path: string;
  body?: Body;
  status: 400 | 404 | 409 | 413;
  subject: SubjectState;
  /** The route's path template, when the path fills in its parameters ("/deliveries/{id}/retry"). */
  route?: string;
}

/** The one webhook each prepared number has; PATCH and DELETE cases aim at it so a wrong acceptance shows. */
export const EXISTING = 'existing';
const OK_URL = 'https://fresh.example.com/hook';
const destination = (overrides: Record<string, unknown> = {}) => ({
  name: 'fresh',
  url: OK_URL,
  headers: { 'X-Token': 'ok' },
  ...overrides,
});

/** A route that takes a JSON body: a valid body, and where each kind of value goes in it. */
interface BodyRoute {
  method: BadInput['method'];
  path: string;
  subject: SubjectState;
  valid: unknown;
  url?: (url: unknown) => unknown;
  headers?: (headers: unknown) => unknown;
  name?: (name: unknown) => unknown;
  /** Raw JSON with a key an object literal cannot hold, inside a destination. */
  rawWith?: (key: string, json: string) => string;
}

const BODY_ROUTES: BodyRoute[] = [
  {
    method: 'POST',
    path: '/v1/configs/webhook',
    subject: 'enabled',
    valid: { url: 'https://new-primary.example.com/hook', headers: { 'X-Token': 'ok' } },
    url: (url) => ({ url }),
    headers: (headers) => ({ url: OK_URL, headers }),
  },
  {
    method: 'POST',
    path: '/multi_webhook',
    subject: 'disabled',
    valid: { enabled: true, destinations: [destination()] },
    url: (url) => ({ enabled: true, destinations: [destination({ url })] }),
    headers: (headers) => ({ enabled: true, destinations: [destination({ headers })] }),
    name: (name) => ({ enabled: true, destinations: [destination({ name })] }),
    rawWith: (key, json) => `{"enabled": true, "destinations": [{"name": "fresh", "url": "${OK_URL}", "${key}": ${json}}]}`,
  },
  {
    method: 'PUT',
    path: '/multi_webhook',
    subject: 'enabled',
    valid: { destinations: [destination()] },
    url: (url) => ({ destinations: [destination({ url })] }),
    headers: (headers) => ({ destinations: [destination({ headers })] }),
    name: (name) => ({ destinations: [destination({ name })] }),
    rawWith: (key, json) => `{"destinations": [{"name": "fresh", "url": "${OK_URL}", "${key}": ${json}}]}`,
  },
  {
    method: 'PATCH',
    path: '/multi_webhook',
    subject: 'enabled',
    valid: { name: EXISTING, url: 'https://changed.example.com/hook' },
    url: (url) => ({ name: EXISTING, url }),
    headers: (headers) => ({ name: EXISTING, headers }),
    name: (name) => ({ name, url: OK_URL }),
  },
  {
    method: 'DELETE',
    path: '/multi_webhook',
    subject: 'enabled',
    valid: { name: EXISTING },
    name: (name) => ({ name }),
  },
];

const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'];

/** Body-level mistakes that apply to any route taking a JSON body. */
function bodyMistakes(route: BodyRoute): Omit<BadInput, 'method' | 'path' | 'subject'>[] {
  const valid = JSON.stringify(route.valid);
  const [before, after] = [valid.slice(0, valid.indexOf('"', 2) + 1), valid.slice(valid.indexOf('"', 2) + 1)];
  // Inside the first string value, where a decoder that replaced the bytes would let the body through.
  const firstValueEnd = valid.indexOf('"', valid.indexOf('":"') + 3);
  const notUtf8 = Buffer.concat([
    Buffer.from(valid.slice(0, firstValueEnd)),
    Buffer.from([0xe9, 0xff]),
    Buffer.from(valid.slice(firstValueEnd)),
  ]);
  const padded = (bytes: number) => {
    const text = JSON.stringify({ ...(route.valid as object), padding: '' });
    return text.replace('"padding":""', `"padding":"${'p'.repeat(bytes - text.length)}"`);
  };
  return [
    { what: 'malformed JSON (an unclosed object)', body: { raw: '{' }, status: 400 },
    { what: 'malformed JSON (single quotes)', body: { raw: valid.replaceAll('"', "'") }, status: 400 },
    { what: 'malformed JSON (a trailing comma)', body: { raw: `${valid.slice(0, -1)},}` }, status: 400 },
    { what: 'malformed JSON (NaN)', body: { raw: 'NaN' }, status: 400 },
    { what: 'malformed JSON (a byte-order mark first)', body: { raw: `\ufeff${valid}` }, status: 400 },
    { what: 'malformed JSON (two documents)', body: { raw: `${valid}${valid}` }, status: 400 },
    { what: 'a valid body truncated after its first key', body: { raw: before }, status: 400 },
    { what: 'a valid body truncated in the middle', body: { raw: valid.slice(0, Math.floor(valid.length / 2)) }, status: 400 },
    { what: 'a valid body missing its last byte', body: { raw: valid.slice(0, -1) }, status: 400 },
    { what: 'a valid body split by a NUL byte', body: { raw: `${before}\u0000${after}` }, status: 400 },
    { what: 'a null body', body: { raw: 'null' }, status: 400 },
    { what: 'an array body', body: { raw: '[]' }, status: 400 },
    { what: 'the valid body wrapped in an array', body: { json: [route.valid] }, status: 400 },
    { what: 'a number body', body: { raw: '42' }, status: 400 },
    { what: 'a huge number body', body: { raw: '1e999' }, status: 400 },
    { what: 'a string body', body: { raw: '"hello"' }, status: 400 },
    { what: 'a boolean body', body: { raw: 'true' }, status: 400 },
    { what: 'an empty body', body: { raw: '' }, status: 400 },
    { what: 'a body that is only whitespace', body: { raw: ' \n\t ' }, status: 400 },
    { what: 'a body that is not UTF-8', body: { raw: notUtf8 }, status: 400 },
    { what: 'an unknown top-level field', body: { json: { ...(route.valid as object), extra: true } }, status: 400 },
    ...PROTOTYPE_KEYS.map((key) => ({
      what: `a top-level ${key} key`,
      body: { raw: `${valid.slice(0, -1)}, "${key}": {"pollutedByMatrix": "yes", "enabled": true, "url": "https://evil.example.com"}}` },
      status: 400 as const,
    })),
    ...(route.rawWith
      ? PROTOTYPE_KEYS.map((key) => ({
          what: `a ${key} key inside a destination`,
          body: { raw: route.rawWith!(key, '{"pollutedByMatrix": "yes"}') },
          status: 400 as const,
        }))
      : []),
    {
      what: `a body of exactly ${MAX_MANAGEMENT_BODY_BYTES} bytes (judged on content: an unknown field)`,
      body: { raw: padded(MAX_MANAGEMENT_BODY_BYTES) },
      status: 400,
    },
    { what: `a body one byte over ${MAX_MANAGEMENT_BODY_BYTES} bytes`, body: { raw: padded(MAX_MANAGEMENT_BODY_BYTES + 1) }, status: 413 },
  ];
}

/** Missing fields and wrong types, per route. */
function fieldMistakes(): Omit<BadInput, 'subject'>[] {
  const primary = { method: 'POST', path: '/v1/configs/webhook' } as const;
  const enable = { method: 'POST', path: '/multi_webhook' } as const;
  const append = { method: 'PUT', path: '/multi_webhook' } as const;
  const update = { method: 'PATCH', path: '/multi_webhook' } as const;
  const remove = { method: 'DELETE', path: '/multi_webhook' } as const;
  const rotate = { method: 'POST', path: '/multi_webhook/secret' } as const;
  const test = { method: 'POST', path: '/multi_webhook/test' } as const;
  const json = (value: unknown) => ({ json: value });
  return [
    // The extensions: their fields are booleans, their routes take a name or nothing.
    { ...primary, what: 'signing given as a string', body: json({ url: OK_URL, signing: 'yes' }), status: 400 },
    { ...primary, what: 'paused given as null', body: json({ url: OK_URL, paused: null }), status: 400 },
    { ...primary, what: 'notices given as a string', body: json({ url: OK_URL, notices: 'on' }), status: 400 },
    { ...update, what: 'paused given as 1', body: json({ name: EXISTING, paused: 1 }), status: 400 },
    { ...update, what: 'signing given as a string', body: json({ name: EXISTING, signing: 'true' }), status: 400 },
    { ...update, what: 'paused for a name that is not stored', body: json({ name: 'missing', paused: true }), status: 404 },
    {
      ...enable,
      what: 'a destination with signing as a number',
      body: json({ enabled: true, destinations: [destination({ signing: 1 })] }),
      status: 400,
    },
    { ...rotate, what: 'a name that is a number', body: json({ name: 7 }), status: 400 },
    { ...rotate, what: 'an unknown field', body: json({ name: EXISTING, grace: 0 }), status: 400 },
    { ...rotate, what: 'a name that is not stored', body: json({ name: 'missing' }), status: 404 },
    { ...rotate, what: 'a webhook that does not sign', body: json({ name: EXISTING }), status: 409 },
    { ...test, what: 'a name that is a number', body: json({ name: 7 }), status: 400 },
    { ...test, what: 'a name that is not stored', body: json({ name: 'missing' }), status: 404 },
    { ...primary, what: 'an empty object (url missing)', body: json({}), status: 400 },
    { ...primary, what: 'headers without a url', body: json({ headers: { 'X-A': '1' } }), status: 400 },
    { ...primary, what: 'a primary with a name field', body: json({ url: OK_URL, name: 'primary' }), status: 400 },
    { ...enable, what: 'an empty object (enabled missing)', body: json({}), status: 400 },
    { ...enable, what: 'destinations without enabled', body: json({ destinations: [destination()] }), status: 400 },
    ...['"true"', '1', '0', 'null', '[]', '{}'].map((value) => ({
      ...enable,
      what: `enabled given as ${value}`,
      body: { raw: `{"enabled": ${value}}` },
      status: 400 as const,
    })),
    { ...enable, what: 'destinations when disabling', body: json({ enabled: false, destinations: [destination()] }), status: 400 },
    { ...enable, what: 'destinations that are an object', body: json({ enabled: true, destinations: destination() }), status: 400 },
    { ...enable, what: 'destinations that are a string', body: json({ enabled: true, destinations: 'fresh' }), status: 400 },
    { ...enable, what: 'destinations that are null', body: json({ enabled: true, destinations: null }), status: 400 },
    { ...enable, what: 'a null destination', body: json({ enabled: true, destinations: [null] }), status: 400 },
    { ...enable, what: 'a destination that is a string', body: json({ enabled: true, destinations: [OK_URL] }), status: 400 },
    { ...enable, what: 'a destination without a url', body: json({ enabled: true, destinations: [{ name: 'fresh' }] }), status: 400 },
    { ...enable, what: 'a destination without a name', body: json({ enabled: true, destinations: [{ url: OK_URL }] }), status: 400 },
    {
      ...enable,
      what: 'a destination with an unknown field',
      body: json({ enabled: true, destinations: [destination({ enabled: true })] }),
      status: 400,
    },
    { ...enable, what: 'the same name twice', body: json({ enabled: true, destinations: [destination(), destination()] }), status: 400 },
    {
      ...enable,
      what: 'initial destinations past the cap of 3 (one is stored)',
      body: json({ enabled: true, destinations: ['a', 'b', 'c'].map((name) => destination({ name })) }),
      status: 409,
    },
    {
      ...enable,
      what: 'an initial destination named like a stored one',
      body: json({ enabled: true, destinations: [destination({ name: EXISTING })] }),
      status: 409,
    },
    {
      ...enable,
      what: '300 destinations',
      body: json({ enabled: true, destinations: Array.from({ length: 300 }, (_, i) => ({ name: `d${i}`, url: OK_URL })) }),
      status: 409,
    },
    { ...append, what: 'an empty object (destinations missing)', body: json({}), status: 400 },
    { ...append, what: 'an empty destinations list', body: json({ destinations: [] }), status: 400 },
    { ...append, what: 'destinations that are an object', body: json({ destinations: destination() }), status: 400 },
    { ...append, what: 'an enabled field', body: json({ enabled: true, destinations: [destination()] }), status: 400 },
    { ...append, what: 'a destination without a url', body: json({ destinations: [{ name: 'fresh' }] }), status: 400 },
    { ...append, what: 'a destination without a name', body: json({ destinations: [{ url: OK_URL }] }), status: 400 },
    { ...append, what: 'a nested list of destinations', body: json({ destinations: [[destination()]] }), status: 400 },
    {
      ...append,
      what: 'a valid destination followed by an invalid one (all or none)',
      body: json({ destinations: [destination(), destination({ name: 'bad', url: 'http://x.example.com' })] }),
      status: 400,
    },
    { ...append, what: 'the same name twice', body: json({ destinations: [destination(), destination()] }), status: 400 },
    {
      ...append,
      what: 'three destinations past the cap of 3 (one is stored)',
      body: json({ destinations: ['a', 'b', 'c'].map((name) => destination({ name })) }),
      status: 409,
    },
    { ...append, what: 'a name that is already stored', body: json({ destinations: [destination({ name: EXISTING })] }), status: 409 },
    { ...update, what: 'an empty object (name missing)', body: json({}), status: 400 },
    { ...update, what: 'a url without a name', body: json({ url: OK_URL }), status: 400 },
    { ...update, what: 'a name alone (nothing to change)', body: json({ name: EXISTING }), status: 400 },
    { ...update, what: 'a null url', body: json({ name: EXISTING, url: null }), status: 400 },
    { ...update, what: 'null headers and no url', body: json({ name: EXISTING, headers: null }), status: 400 },
    { ...update, what: 'an attempt to rename', body: json({ name: EXISTING, newName: 'renamed', url: OK_URL }), status: 400 },
    { ...update, what: 'an enabled field', body: json({ name: EXISTING, enabled: false, url: OK_URL }), status: 400 },
    { ...update, what: 'a name that is not stored', body: json({ name: 'missing', url: OK_URL }), status: 404 },
    { ...update, what: 'the stored name in other case', body: json({ name: EXISTING.toUpperCase(), url: OK_URL }), status: 404 },
    { ...update, what: 'the stored name with a trailing space', body: json({ name: `${EXISTING} `, url: OK_URL }), status: 404 },
    { ...remove, what: 'an empty object (name missing)', body: json({}), status: 400 },
    { ...remove, what: 'no name at all', status: 400 },
    { ...remove, what: 'an unknown field beside the stored name', body: json({ name: EXISTING, force: true }), status: 400 },
    { ...remove, what: 'a name that is not stored', body: json({ name: 'missing' }), status: 404 },
    { ...remove, path: '/multi_webhook?name=missing', what: 'a ?name= that is not stored', status: 404 },
    { ...remove, path: `/multi_webhook?name=${EXISTING.toUpperCase()}`, what: 'a ?name= in other case', status: 404 },
    { ...remove, path: `/multi_webhook?name=${EXISTING}&name=${EXISTING}`, what: 'a ?name= given twice (ambiguous)', status: 400 },
    {
      ...remove,
      path: '/multi_webhook?name=%ED%A0%80',
      what: 'a ?name= of a percent-encoded lone surrogate (decoded to U+FFFD)',
      status: 404,
    },
    {
      ...remove,
      path: '/multi_webhook?name=missing',
      what: 'a ?name= beside a body naming another (ambiguous)',
      body: json({ name: EXISTING }),
      status: 400,
    },
    {
      ...remove,
      path: `/multi_webhook?NAME=${EXISTING}`,
      what: 'the query parameter in capitals (names of parameters are exact)',
      status: 400,
    },
  ];
}

/** Every management bad-input case for a policy. */
export function managementCases(policy: DestinationPolicy): BadInput[] {
  const cases: BadInput[] = [];
  for (const route of BODY_ROUTES) {
    const at = { method: route.method, path: route.path, subject: route.subject };
    for (const mistake of bodyMistakes(route)) cases.push({ ...at, ...mistake });
    if (route.url)
      for (const { what, value, status = 400 } of forbiddenUrls(policy))
        cases.push({ ...at, what, body: { json: route.url(value) }, status });
    if (route.headers) {
      for (const { what, value, status = 400 } of FORBIDDEN_HEADERS)
        cases.push({ ...at, what, body: { json: route.headers(value) }, status });
      for (const { what, value } of PROTOTYPE_HEADERS)
        cases.push({ ...at, what, body: { raw: JSON.stringify(route.headers('HEADERS')).replace('"HEADERS"', value) }, status: 400 });
    }
    if (route.name)
      for (const { what, value } of FORBIDDEN_NAMES) cases.push({ ...at, what, body: { json: route.name(value) }, status: 400 });
  }
  for (const { what, value } of FORBIDDEN_QUERY_NAMES)
    cases.push({ method: 'DELETE', path: `/multi_webhook?name=${value}`, what, status: 400, subject: 'enabled' });
  const subjects: Record<string, SubjectState> = { 'POST /multi_webhook': 'disabled' };
  for (const mistake of fieldMistakes()) cases.push({ ...mistake, subject: subjects[`${mistake.method} ${mistake.path}`] ?? 'enabled' });
  for (const [query, what] of DELIVERY_QUERY_MISTAKES)
    cases.push({ method: 'GET', path: `/deliveries?${query}`, what, status: 400, subject: 'enabled' });
  const retry = (id: string, what: string, status: 400 | 404) =>
    cases.push({ method: 'POST', path: `/deliveries/${id}/retry`, route: '/deliveries/{id}/retry', what, status, subject: 'enabled' });
  retry('no%20such', 'a notification id with a space', 400);
  retry('x'.repeat(129), 'a notification id of 129 characters', 400);
  retry('never-received', 'a notification the log does not hold', 404);
  // GET routes parse a body too, when one is sent.
  for (const path of ['/v1/configs/webhook', '/multi_webhook', '/deliveries', '/multi_webhook/status']) {
    cases.push({ method: 'GET', path, what: 'a GET with a malformed JSON body', body: { raw: '{' }, status: 400, subject: 'enabled' });
    cases.push({
      method: 'GET',
      path,
      what: `a GET with a body over ${MAX_MANAGEMENT_BODY_BYTES} bytes`,
      body: { raw: `"${'x'.repeat(MAX_MANAGEMENT_BODY_BYTES)}"` },
      status: 413,
      subject: 'enabled',
    });
  }
  cases.push({
    method: 'PUT',
    path: '/multi_webhook',
    what: 'a body over the 10 MB the gateway takes',
    body: { raw: Buffer.alloc(10 * 1024 * 1024 + 1, 0x20) },
    status: 413,
    subject: 'enabled',
  });
  return cases;
}

/** GET /deliveries query strings that are mistakes, and what is wrong with each. */
const DELIVERY_QUERY_MISTAKES: [string, string][] = [
  ['status=lost', 'an unknown status'],
  ['status=Failed', 'a status in the wrong case'],
  ['status=failed&status=dead', 'two statuses'],
  ['destination=', 'an empty destination'],
  ['destination=a%07b', 'a destination with a control character'],
  ['from=yesterday', 'a from that is not a date and time'],
  ['to=2026-12-01', 'a to without a time and zone'],
  ['from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z', 'a from later than its to'],
  ['limit=0', 'a limit of 0'],
  ['limit=101', 'a limit over 100'],
  ['limit=1.5', 'a fractional limit'],
  ['cursor=', 'an empty cursor'],
  ['cursor=not-a-cursor', 'a cursor the API never gave'],
  [
    `cursor=${Buffer.from(JSON.stringify({ p: '15550000000', k: 't#000000000000001#x#p' })).toString('base64url')}`,
    "another number's cursor",
  ],
  ['page=2', 'an unknown parameter'],
];

export interface ControlRequest {
  what: string;
  method: BadInput['method'];
  path: string;
  body: unknown;
  subject: SubjectState;
}

/**
 * The requests the cases were made from, with every value valid: each must be accepted, or the
 * refusals above would prove nothing about the value they changed.
 */
export function controlRequests(): ControlRequest[] {
  return BODY_ROUTES.flatMap((route) => {
    const at = { method: route.method, path: route.path, subject: route.subject };
    return [
      { ...at, what: `${route.method} ${route.path}: the valid body`, body: route.valid },
      ...(route.url ? [{ ...at, what: `${route.method} ${route.path}: a valid url in place`, body: route.url(OK_URL) }] : []),
      ...(route.headers
        ? [
            {
              ...at,
              what: `${route.method} ${route.path}: valid headers in place`,
              body: route.headers({ 'X-Token': 'ok', prototype: 'p', toString: 't', hasOwnProperty: 'h', valueOf: 'v' }),
            },
          ]
        : []),
      ...(route.name
        ? [
            {
              ...at,
              what: `${route.method} ${route.path}: a valid name in place`,
              body: route.name(route.method === 'POST' || route.method === 'PUT' ? 'fresh' : EXISTING),
            },
          ]
        : []),
      ...(route.name && (route.method === 'POST' || route.method === 'PUT')
        ? [{ ...at, what: `${route.method} ${route.path}: __proto__, an ordinary webhook name`, body: route.name('__proto__') }]
        : []),
    ];
  });
}
