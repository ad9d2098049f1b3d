// Request bodies of the management API: zod schemas built from the rules, and one sentence per refusal.
import * as z from 'zod/mini';
import type { DestinationPolicy } from './address-policy.js';
import { checkDestinationUrl } from './destination-url.js';
import { Invalid } from './errors.js';
import { MAX_HEADERS_PER_WEBHOOK, MAX_HEADERS_TOTAL_BYTES, MAX_NAME_LENGTH, MAX_URL_LENGTH } from './limits.js';
import { checkWebhookHeaders } from './webhook-headers.js';
import { checkWebhookName } from './webhook-name.js';
import type { Headers } from './webhook.js';

/** Adapts a rule (undefined or a sentence) to a zod check that reports the sentence. */
function rule<T>(check: (value: T) => string | undefined) {
  return z.superRefine<T>((value, context) => {
    const problem = check(value);
    if (problem) context.addIssue({ code: 'custom', message: problem, input: value });
  });
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// z.meta: what JSON Schema can say of a rule that a function checks (the OpenAPI document is generated from these schemas).
const NameSchema = z.string().check(
  rule(checkWebhookName),
  z.meta({
    minLength: 1,
    maxLength: MAX_NAME_LENGTH,
    description: `The webhook's name: 1 to ${MAX_NAME_LENGTH} characters without control characters, exact case ("hook" and "HOOK" are two webhooks).`,
  }),
);

// Not z.record: copying through Object.fromEntries keeps a "__proto__" header an ordinary key.
const HeadersSchema = z.pipe(
  z.custom<Record<string, unknown>>(isPlainObject, 'headers must be an object of header names to string values.').check(
    rule(checkWebhookHeaders),
    z.meta({
      type: 'object',
      additionalProperties: { type: 'string' },
      maxProperties: MAX_HEADERS_PER_WEBHOOK,
      description:
        `Header names to string values, sent with every copy to this webhook: at most ${MAX_HEADERS_PER_WEBHOOK} headers and ` +
        `${MAX_HEADERS_TOTAL_BYTES} bytes of names and values together; names are RFC 7230 tokens, unique ignoring case; ` +
        'values are printable Latin-1 without line breaks; connection headers and the ones delivery sets itself are refused.',
    }),
  ),
  z.transform((headers: Record<string, unknown>): Headers => Object.fromEntries(Object.entries(headers)) as Record<string, string>),
);

function schemasFor(policy: DestinationPolicy) {
  const UrlSchema = z.string().check(
    rule((url: string) => checkDestinationUrl(url, policy)),
    z.meta({
      maxLength: MAX_URL_LENGTH,
      description:
        `An absolute https URL of at most ${MAX_URL_LENGTH} characters on a public host: no port, no '_' in the host, ` +
        'no credentials, no fragment; loopback, private, link-local and other non-public addresses are refused. ' +
        'Local mode only (npm start, DESTINATION_POLICY=local) relaxes exactly one thing: loopback hosts (127.0.0.1, ::1, ' +
        'localhost) are allowed, over http and with a port.',
    }),
  );
  const Destination = z.pipe(
    z.strictObject({ name: NameSchema, url: UrlSchema, headers: z.optional(HeadersSchema), signing: z.optional(z.boolean()) }),
    z.transform((d) => ({ name: d.name, url: d.url, headers: d.headers ?? {}, signing: d.signing === true })),
  );
  const Destinations = z.array(Destination).check(
    rule((destinations: { name: string }[]) => {
      const seen = new Set<string>();
      for (const { name } of destinations) {
        if (seen.has(name)) return `The name "${name}" appears more than once in destinations.`;
        seen.add(name);
      }
      return undefined;
    }),
  );
  return {
    PrimaryWebhook: z.pipe(
      z.strictObject({
        url: UrlSchema,
        headers: z.optional(HeadersSchema),
        signing: z.optional(z.boolean()),
        paused: z.optional(z.boolean()),
        notices: z.optional(z.boolean()),
      }),
      z.transform((p) => ({ url: p.url, headers: p.headers ?? {}, signing: p.signing, paused: p.paused, notices: p.notices })),
    ),
    Enable: z
      .strictObject({ enabled: z.boolean(), destinations: z.optional(Destinations) })
      .check(
        rule((body: { enabled: boolean; destinations?: unknown[] }) =>
          !body.enabled && body.destinations?.length ? 'destinations can only be given when enabling (enabled: true).' : undefined,
        ),
      ),
    Append: z.strictObject({
      destinations: Destinations.check(z.minLength(1, 'destinations must hold at least one webhook.')),
    }),
    Update: z
      .strictObject({
        name: NameSchema,
        url: z.optional(UrlSchema),
        headers: z.optional(HeadersSchema),
        signing: z.optional(z.boolean()),
        paused: z.optional(z.boolean()),
      })
      .check(
        rule((body: { url?: string; headers?: unknown; signing?: boolean; paused?: boolean }) =>
          body.url === undefined && body.headers === undefined && body.signing === undefined && body.paused === undefined
            ? 'Give url, headers or both to change.'
            : undefined,
        ),
      ),
    Delete: z.strictObject({ name: NameSchema }),
    /** The webhook a route acts on by name (rotation, test event): the primary when `name` is absent. */
    Target: z.strictObject({ name: z.optional(NameSchema) }),
  };
}

export type RequestSchemas = ReturnType<typeof schemasFor>;

const byPolicy = new Map<DestinationPolicy, RequestSchemas>();

export function requestSchemas(policy: DestinationPolicy): RequestSchemas {
  let schemas = byPolicy.get(policy);
  if (!schemas) byPolicy.set(policy, (schemas = schemasFor(policy)));
  return schemas;
}

/** Validates a parsed JSON body, throwing Invalid with one sentence about the first problem. */
export function parseRequest<S extends z.ZodMiniType>(schema: S, body: unknown): z.output<S> {
  if (!isPlainObject(body)) throw new Invalid('The request body must be a JSON object.');
  const result = schema.safeParse(body);
  if (!result.success) throw new Invalid(describeIssue(result.error.issues[0]!, body));
  return result.data;
}

function describeIssue(issue: z.core.$ZodIssue, body: Record<string, unknown>): string {
  const field = issue.path.reduce<string>(
    (path, key) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${String(key)}` : String(key)),
    '',
  );
  switch (issue.code) {
    case 'custom':
      return issue.message;
    case 'unrecognized_keys':
      return `Unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}${field ? ` in ${field}` : ''}.`;
    case 'invalid_type':
      return valueAt(body, issue.path) === undefined ? `${field} is required.` : `${field} must be ${article(issue.expected)}.`;
    default:
      return !field || issue.message.startsWith(field) ? issue.message : `${field}: ${issue.message}`;
  }
}

/** The value the issue is about (zod/mini does not copy inputs into issues). */
function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let value = body;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function article(expected: string): string {
  return expected === 'array' || expected === 'object' ? `an ${expected}` : `a ${expected}`;
}
