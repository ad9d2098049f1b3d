// fast-check generators for management input: values near the rules' edges mixed with anything at all,
// and the fixed seed the fuzz suites run with.
import fc from 'fast-check';

/**
 * The fuzz suites run with a fixed seed, so a run is repeatable and a failure reproducible; set
 * FUZZ_SEED=<integer> to explore other inputs (a failure prints the seed and path to replay it).
 */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20_251_127);

export function fuzzOptions(numRuns: number): fc.Parameters<unknown> {
  return { seed: FUZZ_SEED, numRuns };
}

/** One UTF-16 code unit of any kind: lone surrogates, controls, Latin-1, the BMP. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit));
/** Any code point as a well-formed string, astral ones (emoji) included. */
const anyCodePoint = fc.integer({ min: 0, max: 0x10ffff }).map((point) => String.fromCodePoint(point));
const latin1 = fc.integer({ min: 0, max: 0xff }).map((unit) => String.fromCharCode(unit));
const tokenCharacter = fc.constantFrom(..."!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");

export const anyText = (maxLength = 40) => fc.string({ unit: fc.oneof(anyCodeUnit, anyCodePoint, latin1), maxLength });

/** Names of JavaScript object internals, which a store or a delivery built on plain objects may trip on. */
const OBJECT_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__PROTO__',
  'Constructor',
  '__defineGetter__',
];

export const webhookName = fc.oneof(
  fc.constantFrom('hook', 'HOOK', 'Hook', ' hook ', '', 'ü', '😀', '\u0000config', ...OBJECT_KEYS),
  fc.string({ unit: fc.oneof(anyCodeUnit, anyCodePoint), maxLength: 110 }),
  fc.string({ unit: 'grapheme', minLength: 95, maxLength: 105 }),
);

const host = fc.oneof(
  fc.domain(),
  fc.ipV4(),
  fc.ipV4Extended(),
  fc.ipV6().map((ip) => `[${ip}]`),
  fc.constantFrom(
    'localhost',
    'LOCALHOST.',
    'a.localhost',
    '127.0.0.1',
    '[::1]',
    '[::ffff:127.0.0.1]',
    '[::ffff:a9fe:a9fe]',
    '169.254.169.254',
    '0',
    '0x7f.1',
    '2130706433',
    'a_b.example.com',
    'example.com.',
    'xn--bcher-kva.de',
    '%31%30.0.0.1',
  ),
);
const scheme = fc.constantFrom('https://', 'http://', 'HTTPS://', 'https:', 'https:///', 'ftp://', '//', 'https:\\\\');
const userinfo = fc.constantFrom('', '', '', 'user@', 'user:pass@', ':@', '@', 'a%40b@');
const port = fc.constantFrom('', '', '', ':443', ':', ':8080', ':0', ':65536', ':-1');
const path = fc.oneof(
  fc.constantFrom('', '/', '/hook', '/a?b=c', '/#frag', '/\u0000', '/\t', '/%00', '/a b'),
  anyText(20).map((text) => `/${text}`),
);

/** URLs assembled from parts the rules care about, plus arbitrary text. */
export const destinationUrl = fc.oneof(
  fc.tuple(scheme, userinfo, host, port, path).map((parts) => parts.join('')),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  anyText(60),
);

export const headerName = fc.oneof(
  fc.constantFrom(
    'X-Token',
    'Authorization',
    'Content-Type',
    'Content-Length',
    'Host',
    'webhook-id',
    'X-Hub-Signature-256',
    'x-token',
    'X Token',
    '',
    ...OBJECT_KEYS,
  ),
  fc.string({ unit: tokenCharacter, minLength: 1, maxLength: 30 }),
  anyText(12),
);

export const headerValue = fc.oneof(
  fc.string({ unit: latin1, maxLength: 60 }),
  fc.string({ unit: tokenCharacter, maxLength: 300 }),
  anyText(30),
  fc.jsonValue({ maxDepth: 1 }),
);

/** Header objects as JSON.parse would build them: own keys, `__proto__` included. */
export const headers = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.tuple(headerName, headerValue), { maxLength: 24 }).map((entries) => Object.fromEntries(entries)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
);

/** Either the field's value from `arbitrary`, or anything JSON can hold. */
const orAnything = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });

/** A record of the given fields (each present or not), sometimes with a field no schema has. */
function bodyOf(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const record = fc.record(fields, { requiredKeys: [] });
  return fc.oneof(
    { weight: 5, arbitrary: record },
    {
      weight: 1,
      arbitrary: fc
        .tuple(record, fc.constantFrom('extra', ...OBJECT_KEYS), fc.jsonValue({ maxDepth: 1 }))
        .map(([body, key, value]) => Object.fromEntries([...Object.entries(body as object), [key, value]])),
    },
  );
}

export const destination = bodyOf({ name: orAnything(webhookName), url: orAnything(destinationUrl), headers: orAnything(headers) });
const destinations = orAnything(fc.array(destination, { maxLength: 5 }));

/** Bodies close to each management request, and any JSON value at all. */
export const managementBodies = {
  PrimaryWebhook: fc.oneof(bodyOf({ url: orAnything(destinationUrl), headers: orAnything(headers) }), fc.jsonValue()),
  Enable: fc.oneof(bodyOf({ enabled: orAnything(fc.boolean()), destinations }), fc.jsonValue()),
  Append: fc.oneof(bodyOf({ destinations }), fc.jsonValue()),
  Update: fc.oneof(
    bodyOf({ name: orAnything(webhookName), url: orAnything(destinationUrl), headers: orAnything(headers) }),
    fc.jsonValue(),
  ),
  Delete: fc.oneof(bodyOf({ name: orAnything(webhookName) }), fc.jsonValue()),
} as const;

/** What an HTTP body becomes once the server parsed it: JSON.stringify then JSON.parse. */
export function throughJson(value: unknown): unknown {
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

/** Values the rules mostly accept, so that properties about accepted input see plenty of it. */
const mostlyValidUrl = fc.oneof(
  fc.tuple(fc.domain(), fc.webPath()).map(([domain, webPath]) => `https://${domain}${webPath}`),
  fc
    .tuple(
      fc.constantFrom('http://', 'https://'),
      fc.constantFrom('127.0.0.1', '127.1.2.3', '[::1]', 'localhost', 'api.localhost', '[::ffff:127.0.0.1]', '2130706433', '0x7f.1'),
      fc.constantFrom('', ':9000', ':443'),
    )
    .map((parts) => `${parts.join('')}/hook`),
  destinationUrl,
);
const mostlyValidName = fc.oneof(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 100 }), webhookName);
const mostlyValidHeaders = fc.oneof(
  fc
    .array(fc.tuple(fc.string({ unit: tokenCharacter, minLength: 1, maxLength: 20 }), fc.string({ unit: latin1, maxLength: 40 })), {
      maxLength: 6,
    })
    .map((entries) => Object.fromEntries(entries)),
  headers,
);
const mostlyValidDestination = fc.record(
  { name: mostlyValidName, url: mostlyValidUrl, headers: mostlyValidHeaders },
  { requiredKeys: ['name', 'url'] },
);

export const mostlyValidBodies = {
  PrimaryWebhook: fc.record({ url: mostlyValidUrl, headers: mostlyValidHeaders }, { requiredKeys: ['url'] }),
  Enable: fc.record(
    { enabled: fc.boolean(), destinations: fc.array(mostlyValidDestination, { maxLength: 3 }) },
    { requiredKeys: ['enabled'] },
  ),
  Append: fc.record({ destinations: fc.array(mostlyValidDestination, { minLength: 1, maxLength: 3 }) }),
  Update: fc.record({ name: mostlyValidName, url: mostlyValidUrl, headers: mostlyValidHeaders }, { requiredKeys: ['name'] }),
  Delete: fc.record({ name: mostlyValidName }),
} as const;

export { mostlyValidUrl, mostlyValidHeaders };
