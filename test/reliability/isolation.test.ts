// Isolation between phone numbers and the handling of secrets: one number's key reaches no other
// number's webhooks on any route, keys live in the table only as hashes, secrets are compared in
// constant time, and a missing key is indistinguishable from an unknown one.
import * as crypto from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { routes } from '../../infra/routes.js';
import { hashApiKey } from '../../shared/domain/api-key.js';
import { isValidSignature, tokensMatch } from '../../shared/domain/whatsapp.js';
import { createDynamoClient } from '../../shared/aws/clients.js';
import { freshPhoneNumber } from '../helpers/dynamo.js';
import { ApiClient, startTestStack, type ApiAnswer, type TestStack } from '../helpers/local-stack.js';
import { sign } from '../helpers/whatsapp.js';
import { watchAwsTraffic, type AwsTraffic } from './support/aws-traffic.js';
import { notificationJson } from './support/door-cases.js';
import { send } from './support/raw-http.js';
import { clientFor, expectOk, SENTENCE } from './support/subjects.js';

// The real functions, watched: a comparison of secrets that bypassed timingSafeEqual would show here.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return { ...actual, timingSafeEqual: vi.fn(actual.timingSafeEqual) };
});
const timingSafeEqual = vi.mocked(crypto.timingSafeEqual);

const APP_SECRET = `isolation-app-secret-${crypto.randomUUID()}`;
const VERIFY_TOKEN = `isolation-verify-token-${crypto.randomUUID()}`;

let stack: TestStack;
let traffic: AwsTraffic;
let alice: ApiClient;
let bob: ApiClient;

const hook = (owner: string, name: string) => ({
  name,
  url: `https://${owner}.example.com/${encodeURIComponent(name)}`,
  headers: { Authorization: `Bearer ${owner}-${name}-secret` },
});

beforeAll(async () => {
  stack = await startTestStack({ numbers: 1, env: { WHATSAPP_APP_SECRET: APP_SECRET, WHATSAPP_VERIFY_TOKEN: VERIFY_TOKEN } });
  traffic = watchAwsTraffic(stack.services);
});
afterAll(() => stack?.stop());

/** Alice has "shared", "Shared" and "only-alice"; Bob has "shared" too, and "SHARED": same names, exact-case collisions. */
async function freshPair(): Promise<void> {
  [alice, bob] = await Promise.all([clientFor(stack, freshPhoneNumber()), clientFor(stack, freshPhoneNumber())]);
  await expectOk(
    alice.post('/v1/configs/webhook', {
      url: 'https://alice.example.com/primary',
      headers: { Authorization: 'Bearer alice-primary-secret' },
    }),
  );
  await expectOk(
    alice.post('/multi_webhook', { enabled: true, destinations: ['shared', 'Shared', 'only-alice'].map((name) => hook('alice', name)) }),
  );
  await expectOk(bob.post('/v1/configs/webhook', { url: 'https://bob.example.com/primary' }));
  await expectOk(bob.post('/multi_webhook', { enabled: true, destinations: ['shared', 'SHARED'].map((name) => hook('bob', name)) }));
}

interface CrossAttempt {
  what: string;
  method: string;
  path: string;
  body?: unknown;
  /** Bob's state before the attempt, when it matters. */
  bobDisabled?: boolean;
  status: number;
  /** What Bob's own answer shows, when it is a read. */
  shows?: (answer: ApiAnswer) => void;
  /** The route tried, when `path` fills in a template ("/deliveries/{id}/retry"). */
  route?: string;
  /** Builds the path from Alice's state (a cursor Alice was given, say), after the pair is fresh. */
  pathFor?: () => Promise<string>;
  /** What must still hold of Alice's data that her configuration snapshot does not show. */
  aliceAfter?: () => Promise<void>;
}

const ALICE_FAILED = 'alice-failed-notification';

/** Two failed copies in Alice's delivery log, written through the log itself (as delivery writes them). */
async function aliceFailed(): Promise<void> {
  const receivedAt = Date.now() - 60_000;
  for (const [id, name] of [
    [ALICE_FAILED, 'shared'],
    [`${ALICE_FAILED}-2`, 'only-alice'],
  ] as const) {
    await stack.services.deliveryLog.record(
      {
        phoneNumber: alice.phoneNumber,
        notificationId: id,
        receivedAt,
        destination: { role: 'clone', name },
        status: 'retrying',
        attempts: 1,
        lastStatus: 503,
        at: receivedAt,
      },
      { phoneNumber: alice.phoneNumber, id, receivedAt, payload: notificationJson(alice.phoneNumber) },
    );
  }
}

const aliceLogUntouched = async () => {
  const found = await stack.services.deliveryLog.find(alice.phoneNumber, ALICE_FAILED);
  expect(found?.records.map((record) => [record.status, record.replayPending ?? false])).toEqual([['retrying', false]]);
};

const attempts: CrossAttempt[] = [
  {
    what: "reads Bob's primary, never Alice's",
    method: 'GET',
    path: '/v1/configs/webhook',
    status: 200,
    shows: (answer) => expect(answer.body).toEqual({ url: 'https://bob.example.com/primary', headers: {} }),
  },
  {
    what: "lists Bob's webhooks only, with the same names Alice uses",
    method: 'GET',
    path: '/multi_webhook',
    status: 200,
    shows: (answer) => expect(answer.body).toEqual({ enabled: true, destinations: [hook('bob', 'shared'), hook('bob', 'SHARED')] }),
  },
  {
    what: "sets Bob's primary only",
    method: 'POST',
    path: '/v1/configs/webhook',
    body: { url: 'https://bob.example.com/new-primary' },
    status: 200,
  },
  { what: "disables Bob's clones only", method: 'POST', path: '/multi_webhook', body: { enabled: false }, status: 200 },
  {
    what: "appends to Bob's webhooks only, even a name only Alice has",
    method: 'PUT',
    path: '/multi_webhook',
    body: { destinations: [hook('bob', 'only-alice')] },
    status: 200,
  },
  {
    what: "answers 404 to a PATCH of Alice's exact-case name Bob lacks",
    method: 'PATCH',
    path: '/multi_webhook',
    body: { name: 'Shared', url: 'https://evil.example.com/x' },
    status: 404,
  },
  {
    what: "answers 404 to a PATCH of Alice's name Bob never had",
    method: 'PATCH',
    path: '/multi_webhook',
    body: { name: 'only-alice', headers: { 'X-Evil': '1' } },
    status: 404,
  },
  {
    what: 'answers 409 to a PATCH of any name while Bob is disabled',
    method: 'PATCH',
    path: '/multi_webhook',
    body: { name: 'only-alice', url: 'https://evil.example.com/x' },
    bobDisabled: true,
    status: 409,
  },
  {
    what: "changes Bob's own webhook of a name both have",
    method: 'PATCH',
    path: '/multi_webhook',
    body: { name: 'shared', url: 'https://bob.example.com/changed' },
    status: 200,
  },
  { what: "answers 404 to a DELETE ?name= of Alice's exact-case name", method: 'DELETE', path: '/multi_webhook?name=Shared', status: 404 },
  {
    what: "answers 404 to a DELETE body naming Alice's webhook",
    method: 'DELETE',
    path: '/multi_webhook',
    body: { name: 'only-alice' },
    status: 404,
  },
  { what: "deletes Bob's own webhook of a name both have", method: 'DELETE', path: '/multi_webhook?name=shared', status: 200 },
  {
    what: "lists Bob's delivery log only, empty while Alice's holds failures",
    method: 'GET',
    path: '/deliveries',
    status: 200,
    shows: (answer) => expect(answer.body).toEqual({ deliveries: [], nextCursor: null }),
    aliceAfter: aliceLogUntouched,
  },
  {
    what: "answers 400 to the cursor of a page of Alice's log",
    method: 'GET',
    path: '/deliveries',
    pathFor: async () => {
      await aliceFailed();
      const page = await alice.get('/deliveries?limit=1');
      expect(page.body.nextCursor).toEqual(expect.any(String));
      return `/deliveries?limit=1&cursor=${encodeURIComponent(page.body.nextCursor)}`;
    },
    status: 400,
  },
  {
    what: "answers 404 to a retry of a notification in Alice's log, which stays as it was",
    method: 'POST',
    path: `/deliveries/${ALICE_FAILED}/retry`,
    route: '/deliveries/{id}/retry',
    status: 404,
    aliceAfter: aliceLogUntouched,
  },
  {
    what: "shows the health of Bob's own destinations only",
    method: 'GET',
    path: '/multi_webhook/status',
    status: 200,
    shows: (answer) =>
      expect(answer.body.destinations.map((d: { destination: string }) => d.destination)).toEqual(['primary', 'shared', 'SHARED']),
  },
  {
    what: "answers 404 to a signing-secret rotation of Alice's name Bob never had",
    method: 'POST',
    path: '/multi_webhook/secret',
    body: { name: 'only-alice' },
    status: 404,
  },
  {
    what: "answers 404 to a test event for Alice's name Bob never had",
    method: 'POST',
    path: '/multi_webhook/test',
    body: { name: 'only-alice' },
    status: 404,
  },
];

describe("one number's key against another number's webhooks", () => {
  it('is tried on every management route', () => {
    const tried = new Set(attempts.map((attempt) => `${attempt.method} ${attempt.route ?? attempt.path.split('?')[0]}`));
    expect(
      routes
        .filter((route) => route.auth === 'api-key')
        .map((route) => `${route.method} ${route.path}`)
        .filter((key) => !tried.has(key)),
    ).toEqual([]);
  });

  it.for(attempts.map((attempt) => [attempt.method, attempt.route ?? attempt.path.split('?')[0], attempt.what, attempt] as const))(
    "%s %s with Bob's key %s, and Alice's configuration stays exactly as it was",
    async ([, , , attempt]) => {
      await freshPair();
      if (attempt.bobDisabled) await expectOk(bob.post('/multi_webhook', { enabled: false }));
      const path = attempt.pathFor ? await attempt.pathFor() : attempt.path;
      if (attempt.aliceAfter) await aliceFailed();
      const aliceBefore = await alice.snapshot();
      const mark = traffic.mark();

      const answer = await bob.call(attempt.method, path, attempt.body);

      expect(answer.status).toBe(attempt.status);
      if (attempt.status >= 400) expect(answer.body).toEqual({ error: expect.stringMatching(SENTENCE) });
      attempt.shows?.(answer);
      expect(JSON.stringify(answer.body)).not.toMatch(/alice\.example\.com|Bearer alice/);
      expect(traffic.writesSince(mark, alice.phoneNumber)).toEqual([]);
      expect(await alice.snapshot()).toEqual(aliceBefore);
      await attempt.aliceAfter?.();
    },
  );
});

describe('keys', () => {
  it('are stored only as hashes: no key appears anywhere in the table, each hash does', async () => {
    await freshPair();
    const keys = [alice.key!, bob.key!, ...stack.apiKeys.map(({ key }) => key)];
    const db = createDynamoClient({ endpoint: stack.config.DYNAMODB_ENDPOINT, region: stack.config.AWS_REGION });
    const items: unknown[] = [];
    let ExclusiveStartKey: Record<string, unknown> | undefined;
    do {
      const page = await db.send(new ScanCommand({ TableName: stack.config.TABLE_NAME, ExclusiveStartKey }));
      items.push(...(page.Items ?? []));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    db.destroy();
    const table = JSON.stringify(items);
    for (const key of keys) {
      expect(table).not.toContain(key);
      expect(table).toContain(hashApiKey(key));
    }
  });

  it('are looked up by their hash: the plaintext never leaves the process', async () => {
    await freshPair();
    const mark = traffic.mark();
    await bob.get('/multi_webhook');
    const sent = JSON.stringify(traffic.since(mark).map((call) => call.input));
    expect(sent).not.toContain(bob.key!);
    expect(sent).toContain(`api-key#${hashApiKey(bob.key!)}`);
  });

  it("stop working once revoked, while the number's other key keeps working", async () => {
    await freshPair();
    const revoked = await stack.services.apiKeys.create(alice.phoneNumber);
    await stack.services.apiKeys.revoke(alice.phoneNumber, revoked.keyId);
    expect(await new ApiClient(stack.apiUrl, revoked.key).get('/multi_webhook')).toEqual({
      status: 401,
      body: { error: expect.stringMatching(SENTENCE) },
    });
    expect((await alice.get('/multi_webhook')).status).toBe(200);
  });

  it.for([
    ['the hash of a real key', () => hashApiKey(alice.key!)],
    ["Alice's key and Bob's key in one header", () => `${alice.key!}, ${bob.key!}`],
    ["Alice's key with one character changed", () => `${alice.key!.slice(0, -1)}${alice.key!.endsWith('x') ? 'y' : 'x'}`],
    ["Alice's key in capitals", () => alice.key!.toUpperCase()],
    ["a prefix of Alice's key", () => alice.key!.slice(0, 20)],
  ] as const)("refuse %s with 401 and leave Alice's configuration alone", async ([, keyOf]) => {
    await freshPair();
    const before = await alice.snapshot();
    const answer = await new ApiClient(stack.apiUrl, keyOf()).post('/v1/configs/webhook', { url: 'https://taken-over.example.com/x' });
    expect(answer).toEqual({ status: 401, body: { error: expect.stringMatching(SENTENCE) } });
    expect(await alice.snapshot()).toEqual(before);
  });

  it.for(routes.filter((route) => route.auth === 'api-key').map((route) => [route.method, route.path] as const))(
    '%s %s answers a missing key and an unknown key alike: 401 with the same {"error"}',
    async ([method, path]) => {
      const body = method === 'GET' ? undefined : { name: 'x' };
      const missing = await new ApiClient(stack.apiUrl, undefined).call(method, path, body);
      const unknown = await new ApiClient(stack.apiUrl, `mwk_${crypto.randomBytes(32).toString('base64url')}`).call(method, path, body);
      expect(missing).toEqual({ status: 401, body: { error: expect.stringMatching(SENTENCE) } });
      expect(unknown).toEqual(missing);
    },
  );
});

describe('comparisons of secrets', () => {
  /** The lengths of the buffers timingSafeEqual compared since the last reset. */
  const comparedLengths = () => timingSafeEqual.mock.calls.map(([a, b]) => [(a as Buffer).length, (b as Buffer).length]);

  it('compare a verify token of any length through equal-length digests in timingSafeEqual', () => {
    for (const presented of ['', 'x', VERIFY_TOKEN.slice(0, -1), `${VERIFY_TOKEN}x`, 'y'.repeat(10_000), VERIFY_TOKEN]) {
      timingSafeEqual.mockClear();
      expect(tokensMatch(presented, VERIFY_TOKEN)).toBe(presented === VERIFY_TOKEN);
      expect(comparedLengths()).toEqual([[32, 32]]);
    }
  });

  it('compare a well-formed signature as two 32-byte digests in timingSafeEqual', () => {
    const body = Buffer.from(notificationJson('15550001111'));
    const wrong = `sha256=${'0'.repeat(64)}`;
    for (const [header, expected] of [
      [sign(body, APP_SECRET), true],
      [wrong, false],
      [sign(body, 'another-secret'), false],
    ] as const) {
      timingSafeEqual.mockClear();
      expect(isValidSignature(body, header, APP_SECRET)).toBe(expected);
      expect(comparedLengths()).toEqual([[32, 32]]);
    }
  });

  it('refuse a malformed signature on its format alone, before any secret is involved', () => {
    timingSafeEqual.mockClear();
    const body = Buffer.from('{}');
    for (const header of [undefined, '', 'sha256=', `sha256=${'0'.repeat(63)}`, `sha1=${'0'.repeat(40)}`])
      expect(isValidSignature(body, header, APP_SECRET)).toBe(false);
    expect(timingSafeEqual).not.toHaveBeenCalled();
  });

  it('go through timingSafeEqual when the subscription check and ingest run behind the HTTP API', async () => {
    timingSafeEqual.mockClear();
    const verify = await send(stack.apiUrl, {
      method: 'GET',
      path: `/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=${'z'.repeat(7)}&hub.challenge=c`,
    });
    const body = Buffer.from(notificationJson(freshPhoneNumber()));
    const ingest = await send(stack.apiUrl, {
      method: 'POST',
      path: '/webhooks/whatsapp',
      headers: { 'x-hub-signature-256': sign(body, 'not-the-app-secret') },
      body,
    });
    expect([verify.status, ingest.status]).toEqual([403, 401]);
    expect(comparedLengths()).toEqual([
      [32, 32],
      [32, 32],
    ]);
  });
});
