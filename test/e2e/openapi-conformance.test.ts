// Real answers of the local stack, for every route, success and error alike, validated against the
// response schema their operation declares in the OpenAPI document; and every status an operation
// declares is one the stack was seen to give.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeKey, routes } from '../../infra/routes.js';
import { DELIVERY_MARKER_HEADER } from '../../shared/domain/fan-out.js';
import { MAX_MANAGEMENT_BODY_BYTES } from '../../shared/domain/limits.js';
import { openApiDocument } from '../../shared/openapi/document.js';
import { freshPhoneNumber } from '../helpers/dynamo.js';
import { freshClient, startTestStack, type TestStack } from '../helpers/local-stack.js';
import { OpenApiChecker, type Exchange } from '../helpers/openapi.js';
import { sign } from '../helpers/whatsapp.js';
import { VERIFY_CASES, ingestCases, ingestSignature, notificationJson, verifyQuery } from '../reliability/support/door-cases.js';
import { EXISTING, controlRequests, managementCases } from '../reliability/support/management-cases.js';
import { send, type RawRequest } from '../reliability/support/raw-http.js';
import { partitionReader, prepareSubject, type PartitionReader, type Subject } from '../reliability/support/subjects.js';

const POLICY = 'local';
const appSecret = `app-secret-${randomUUID()}`;
const verifyToken = `verify-token-${randomUUID()}`;

/**
 * Whose key a request carries: a shared prepared number (primary, clones enabled or disabled, one
 * webhook named EXISTING; refusals leave it as it is), a new such number for a request that changes
 * it, a number with a key and nothing configured, an unknown key, or none.
 */
type Caller = 'enabled' | 'disabled' | 'new enabled' | 'new disabled' | 'unconfigured' | 'unknown' | 'none';

interface Probe extends RawRequest {
  what: string;
  caller: Caller;
}

/** Statuses an operation declares that no request here can bring about on demand. */
const NOT_PROVOKED: Record<string, string[]> = {
  // Another transaction on the same number in flight at that instant.
  'DELETE /multi_webhook': ['409'],
  // The same notification being accepted at this very moment by another request.
  'POST /webhooks/whatsapp': ['409'],
  // A retry needs a failed delivery first: test/e2e/delivery-log.test.ts checks those answers against the document.
  'POST /deliveries/{id}/retry': ['202', '409'],
  // A rotation needs a webhook that signs: test/e2e/signing.test.ts checks its answer against the document.
  'POST /multi_webhook/secret': ['200'],
};

let stack: TestStack;
let read: PartitionReader;
const shared: Partial<Record<'enabled' | 'disabled', Subject>> = {};
const checker = new OpenApiChecker();

beforeAll(async () => {
  stack = await startTestStack({
    numbers: 0,
    env: { DESTINATION_POLICY: POLICY, WHATSAPP_APP_SECRET: appSecret, WHATSAPP_VERIFY_TOKEN: verifyToken },
  });
  read = partitionReader(stack);
  shared.enabled = await prepareSubject(stack, read, freshPhoneNumber(), 'enabled');
  shared.disabled = await prepareSubject(stack, read, freshPhoneNumber(), 'disabled');
});
afterAll(() => stack?.stop());

async function keyOf(caller: Caller): Promise<string | undefined> {
  switch (caller) {
    case 'enabled':
    case 'disabled':
      return shared[caller]!.client.key;
    case 'new enabled':
    case 'new disabled':
      return (await prepareSubject(stack, read, freshPhoneNumber(), caller === 'new enabled' ? 'enabled' : 'disabled')).client.key;
    case 'unconfigured':
      return (await freshClient(stack)).key;
    case 'unknown':
      return 'not-a-key';
    case 'none':
      return undefined;
  }
}

const asBody = (body: { json: unknown } | { raw: string | Buffer } | undefined) =>
  body === undefined ? undefined : 'json' in body ? JSON.stringify(body.json) : body.raw;

/** Every request this file sends to one route: the bad-input suites' cases and controls, and what they leave out. */
function probesOf(key: string): Probe[] {
  const route = routes.find((candidate) => routeKey(candidate) === key)!;
  const { method } = route;
  // A path parameter gets a value no item has.
  const path = route.path.replaceAll(/\{[^}]+\}/g, 'unknown');
  const at = { method, path };
  const probes: Probe[] = [
    { ...at, path: `${path}?x=%ZZ`, what: 'a malformed query string', caller: 'enabled' },
    { ...at, what: 'a body over the management limit', body: `"${'x'.repeat(MAX_MANAGEMENT_BODY_BYTES)}"`, caller: 'enabled' },
  ];
  // A plain GET is a success on most routes that read (a shared number's, where a key is asked for).
  if (method === 'GET') probes.push({ ...at, what: 'a plain GET', caller: route.auth === 'api-key' ? 'enabled' : 'none' });
  if (route.auth === 'api-key') {
    const body = method === 'GET' ? undefined : JSON.stringify({ name: 'x' });
    probes.push({ ...at, what: 'no key', body, caller: 'none' }, { ...at, what: 'an unknown key', body, caller: 'unknown' });
  }
  for (const c of managementCases(POLICY).filter((c) => `${c.method} ${c.path.split('?')[0]}` === key))
    probes.push({ method: c.method, path: c.path, what: c.what, body: asBody(c.body), caller: c.subject });
  for (const c of controlRequests().filter((c) => `${c.method} ${c.path}` === key))
    probes.push({ ...at, what: c.what, body: JSON.stringify(c.body), caller: c.subject === 'enabled' ? 'new enabled' : 'new disabled' });
  probes.push(...extraProbes(key));
  return probes;
}

/** Successes and refusals the bad-input suites do not send. */
function extraProbes(key: string): Probe[] {
  const [method, path] = key.split(' ') as [string, string];
  const at = { method, path };
  switch (key) {
    case 'GET /health':
    case 'GET /openapi.json':
      return [{ ...at, what: 'a malformed JSON body', body: '{', caller: 'none' }];
    case 'GET /v1/configs/webhook':
      return [{ ...at, what: 'a number without a primary', caller: 'unconfigured' }];
    case 'GET /multi_webhook':
      return [{ ...at, what: 'a number never configured', caller: 'unconfigured' }];
    case 'POST /multi_webhook/test':
      return [{ ...at, what: 'the primary, a receiver no one answers', body: '{}', caller: 'new enabled' }];
    case 'POST /deliveries/{id}/retry':
      return [{ ...at, path: '/deliveries/never-logged/retry', what: 'an id the log does not hold', caller: 'new enabled' }];
    case 'PATCH /multi_webhook':
      return [
        { ...at, what: 'clones disabled', body: JSON.stringify({ name: EXISTING, url: 'https://x.example.com/h' }), caller: 'disabled' },
      ];
    case 'DELETE /multi_webhook':
      return [{ ...at, path: `${path}?name=${EXISTING}`, what: 'a stored ?name=', caller: 'new enabled' }];
    case 'GET /webhooks/whatsapp':
      return [
        ...VERIFY_CASES.map((c) => ({
          ...at,
          path: `${path}?${verifyQuery(c.query, verifyToken)}`,
          what: c.what,
          caller: 'none' as const,
        })),
        {
          ...at,
          path: `${path}?${verifyQuery('hub.mode=subscribe&hub.verify_token=TOKEN&hub.challenge=c1', verifyToken)}`,
          what: 'the right token',
          caller: 'none',
        },
      ];
    case 'POST /webhooks/whatsapp': {
      const signed = (what: string, body: string, headers: Record<string, string> = {}): Probe => ({
        ...at,
        what,
        body,
        headers: { 'x-hub-signature-256': sign(body, appSecret), ...headers },
        caller: 'none',
      });
      const notification = notificationJson(freshPhoneNumber());
      return [
        ...ingestCases(freshPhoneNumber()).map((c) => {
          const signature = ingestSignature(c, appSecret);
          return {
            ...at,
            what: c.what,
            body: c.body,
            headers: signature === undefined ? undefined : { 'x-hub-signature-256': signature },
            caller: 'none' as const,
          };
        }),
        signed('a notification', notification),
        signed('the same notification again', notification),
        signed('a notification naming no phone number', JSON.stringify({ object: 'whatsapp_business_account', entry: [] })),
        signed('a delivery of this service coming back', notificationJson(freshPhoneNumber()), { [DELIVERY_MARKER_HEADER]: '1' }),
      ];
    }
    default:
      return [];
  }
}

async function exchange(probe: Probe): Promise<Exchange & { what: string }> {
  const key = await keyOf(probe.caller);
  const headers = { 'content-type': 'application/json', ...probe.headers, ...(key !== undefined && { 'd360-api-key': key }) };
  const answer = await send(stack.apiUrl, { method: probe.method, path: probe.path, headers, body: probe.body });
  return { what: probe.what, method: probe.method, path: probe.path, ...answer };
}

describe('answers against the OpenAPI document', () => {
  it.for(routes.map(routeKey))('%s answers only as its operation declares, and gives every status it declares', async (key) => {
    const exchanges = [];
    // One at a time: the shared numbers' refusals must not race each other into a different status.
    for (const probe of probesOf(key)) exchanges.push(await exchange(probe));
    expect(exchanges.flatMap((e) => checker.problems(e).map((problem) => `${e.what}: ${problem}`))).toEqual([]);

    const seen = new Set(exchanges.map((e) => String(e.status)));
    const [method, path] = key.split(' ') as [string, string];
    const declared = Object.keys(checker.operation(method, path)!.responses).filter(
      (status) => status !== '500' && !NOT_PROVOKED[key]?.includes(status),
    );
    expect(declared.filter((status) => !seen.has(status))).toEqual([]);
    // Every operation's success is seen here, or (listed in NOT_PROVOKED) by the test that can provoke it.
    expect([...seen, ...(NOT_PROVOKED[key] ?? [])].some((status) => status.startsWith('2'))).toBe(true);
  });

  it('serves the document itself at GET /openapi.json, without a key', async () => {
    const answer = await send(stack.apiUrl, { method: 'GET', path: '/openapi.json' });
    expect({ status: answer.status, contentType: answer.contentType, body: answer.json }).toEqual({
      status: 200,
      contentType: expect.stringMatching(/^application\/json/),
      body: JSON.parse(JSON.stringify(openApiDocument())),
    });
  });

  it('finds a mismatch when an answer breaks its schema (the control for the checks above)', () => {
    const at = { method: 'GET', path: '/multi_webhook', contentType: 'application/json' };
    expect(checker.problems({ ...at, status: 200, text: '{"enabled":true,"destinations":[{"name":"a"}]}' })).toHaveLength(1);
    expect(checker.problems({ ...at, status: 200, text: '{"enabled":false,"destinations":[],"extra":1}' })).toHaveLength(1);
    expect(checker.problems({ ...at, status: 418, text: '{"error":"I am a teapot."}' })).toHaveLength(1);
    expect(checker.problems({ ...at, status: 401, text: '{"message":"Unauthorized"}' })).toHaveLength(1);
    expect(checker.problems({ ...at, status: 200, contentType: 'text/plain', text: 'ok' })).toHaveLength(1);
    expect(checker.problems({ ...at, status: 200, text: '{"enabled":false,"destinations":[]}' })).toEqual([]);
  });
});
