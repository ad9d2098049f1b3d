import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../infra/routes.js';
import { ApiClient, freshClient, startTestStack, type TestStack } from '../helpers/local-stack.js';

let stack: TestStack;
let alice: ApiClient;
let bob: ApiClient;

const hook = (name: string, url = 'https://hooks.example.com/' + encodeURIComponent(name)) => ({
  name,
  url,
  headers: { 'X-Token': `t-${name}` },
});

beforeAll(async () => {
  stack = await startTestStack({ numbers: 2 });
  [alice, bob] = stack.clients as [ApiClient, ApiClient];
});
afterAll(() => stack?.stop());

/** A client for a number of its own with multiple webhooks enabled and these destinations. */
async function enabledWith(...names: string[]): Promise<ApiClient> {
  const fresh = await startFreshNumber();
  expect(
    (await fresh.post('/multi_webhook', { enabled: true, ...(names.length && { destinations: names.map((n) => hook(n)) }) })).status,
  ).toBe(200);
  return fresh;
}

const startFreshNumber = () => freshClient(stack);

const names = async (client: ApiClient) =>
  ((await client.get('/multi_webhook')).body.destinations as { name: string }[]).map((d) => d.name);

describe('health', () => {
  it('answers ok without a key', async () => {
    expect(await new ApiClient(stack.apiUrl, undefined).get('/health')).toEqual({ status: 200, body: { status: 'ok' } });
  });
});

describe('authentication', () => {
  const managementRoutes = routes.filter((route) => route.auth === 'api-key');

  it.each(managementRoutes.map((r) => [r.method, r.path]))('%s %s answers 401 without a key', async (method, path) => {
    const answer = await new ApiClient(stack.apiUrl, undefined).call(method, path, method === 'GET' ? undefined : { name: 'x' });
    expect(answer.status).toBe(401);
    expect(answer.body.error).toMatch(/D360-API-KEY/);
  });

  it.each(managementRoutes.map((r) => [r.method, r.path]))('%s %s answers 401 for an unknown key', async (method, path) => {
    const answer = await new ApiClient(stack.apiUrl, 'not-a-key').call(method, path, method === 'GET' ? undefined : { name: 'x' });
    expect(answer).toEqual({ status: 401, body: { error: expect.any(String) } });
  });

  it('answers 404 with an error for a path that is no route', async () => {
    expect((await alice.get('/nope')).status).toBe(404);
  });
});

describe('primary webhook', () => {
  it('answers 404 before one is set, then returns what was set', async () => {
    const client = await startFreshNumber();
    expect((await client.get('/v1/configs/webhook')).status).toBe(404);
    const primary = { url: 'https://primary.example.com/wa', headers: { Authorization: 'Bearer abc' } };
    expect(await client.post('/v1/configs/webhook', primary)).toEqual({ status: 200, body: primary });
    expect(await client.get('/v1/configs/webhook')).toEqual({ status: 200, body: primary });
  });

  it('defaults headers to an empty object', async () => {
    const client = await startFreshNumber();
    expect((await client.post('/v1/configs/webhook', { url: 'https://primary.example.com' })).body).toEqual({
      url: 'https://primary.example.com',
      headers: {},
    });
  });

  it('refuses a bad url with 400 and keeps the stored one', async () => {
    const client = await startFreshNumber();
    await client.post('/v1/configs/webhook', { url: 'https://primary.example.com' });
    const answer = await client.post('/v1/configs/webhook', { url: 'https://sub.example.com:3000/x' });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(/port/);
    expect((await client.get('/v1/configs/webhook')).body.url).toBe('https://primary.example.com');
  });
});

describe('multi_webhook', () => {
  it('reads a never configured number as disabled with no destinations', async () => {
    expect(await (await startFreshNumber()).get('/multi_webhook')).toEqual({ status: 200, body: { enabled: false, destinations: [] } });
  });

  it('enables with initial destinations and lists them with their headers', async () => {
    const client = await enabledWith('NewWebhook');
    expect((await client.get('/multi_webhook')).body).toEqual({ enabled: true, destinations: [hook('NewWebhook')] });
  });

  it('answers 409 to enabling with destinations when already enabled, and adds nothing', async () => {
    const client = await enabledWith('a');
    const answer = await client.post('/multi_webhook', { enabled: true, destinations: [hook('b')] });
    expect(answer.status).toBe(409);
    expect(await names(client)).toEqual(['a']);
  });

  it('re-enabling without destinations is harmless', async () => {
    const client = await enabledWith('a');
    expect((await client.post('/multi_webhook', { enabled: true })).status).toBe(200);
    expect(await names(client)).toEqual(['a']);
  });

  it('disabling keeps the destinations', async () => {
    const client = await enabledWith('a', 'b');
    expect((await client.post('/multi_webhook', { enabled: false })).body.message).toMatch(/disabled/);
    expect((await client.get('/multi_webhook')).body).toMatchObject({ enabled: false, destinations: [{ name: 'a' }, { name: 'b' }] });
  });

  it('appends with PUT and refuses PUT while disabled with 409', async () => {
    const client = await startFreshNumber();
    expect((await client.put('/multi_webhook', { destinations: [hook('a')] })).status).toBe(409);
    await client.post('/multi_webhook', { enabled: true });
    expect(await client.put('/multi_webhook', { destinations: [hook('a'), hook('b')] })).toEqual({
      status: 200,
      body: { message: 'Added 2 webhook(s).' },
    });
    expect(await names(client)).toEqual(['a', 'b']);
  });

  it('answers 400 to a PUT with an empty list', async () => {
    const client = await enabledWith();
    expect((await client.put('/multi_webhook', { destinations: [] })).status).toBe(400);
  });

  it('adds none of a PUT that would exceed the cap of 3', async () => {
    const client = await enabledWith('a', 'b');
    const answer = await client.put('/multi_webhook', { destinations: [hook('c'), hook('d')] });
    expect(answer.status).toBe(409);
    expect(answer.body.error).toMatch(/at most 3/);
    expect(await names(client)).toEqual(['a', 'b']);
  });

  it('answers 409 to a fourth webhook', async () => {
    const client = await enabledWith('a', 'b', 'c');
    expect((await client.put('/multi_webhook', { destinations: [hook('d')] })).status).toBe(409);
  });

  it('answers 409 to a duplicate name', async () => {
    const client = await enabledWith('a');
    const answer = await client.put('/multi_webhook', { destinations: [hook('a')] });
    expect(answer.status).toBe(409);
    expect(answer.body.error).toMatch(/already exists/);
  });

  it('keeps "hook", "HOOK" and "Hook" as three webhooks', async () => {
    const client = await enabledWith('hook', 'HOOK', 'Hook');
    expect(await names(client)).toEqual(['hook', 'HOOK', 'Hook']);
  });

  it('updates the url and headers of the exact name only', async () => {
    const client = await enabledWith('hook', 'HOOK');
    expect((await client.patch('/multi_webhook', { name: 'HOOK', url: 'https://new.example.com/x' })).status).toBe(200);
    expect((await client.patch('/multi_webhook', { name: 'HOOK', headers: { 'X-New': '1' } })).status).toBe(200);
    const { destinations } = (await client.get('/multi_webhook')).body;
    expect(destinations).toEqual([hook('hook'), { name: 'HOOK', url: 'https://new.example.com/x', headers: { 'X-New': '1' } }]);
  });

  it('answers 404 to PATCH or DELETE with the wrong case and changes nothing', async () => {
    const client = await enabledWith('Hook');
    const before = await client.snapshot();
    expect((await client.patch('/multi_webhook', { name: 'hook', url: 'https://x.example.com' })).status).toBe(404);
    expect((await client.delete('/multi_webhook?name=HOOK')).status).toBe(404);
    expect(await client.snapshot()).toEqual(before);
  });

  it('answers 400 to a PATCH that changes neither url nor headers', async () => {
    const client = await enabledWith('a');
    expect((await client.patch('/multi_webhook', { name: 'a' })).status).toBe(400);
  });

  it('answers 409 to a PATCH while disabled', async () => {
    const client = await enabledWith('a');
    await client.post('/multi_webhook', { enabled: false });
    expect((await client.patch('/multi_webhook', { name: 'a', url: 'https://x.example.com' })).status).toBe(409);
  });

  it('deletes by ?name= and by a JSON body', async () => {
    const client = await enabledWith('by query', 'by-body', 'keep');
    expect((await client.delete(`/multi_webhook?name=${encodeURIComponent('by query')}`)).status).toBe(200);
    expect((await client.delete('/multi_webhook', { name: 'by-body' })).status).toBe(200);
    expect(await names(client)).toEqual(['keep']);
  });

  it('answers 400 to a DELETE without a name', async () => {
    expect((await (await enabledWith('a')).delete('/multi_webhook')).status).toBe(400);
  });
});

describe('isolation between phone numbers', () => {
  it("never shows or changes another number's webhooks", async () => {
    await alice.post('/multi_webhook', { enabled: true, destinations: [hook('shared-name')] });
    const aliceBefore = await alice.snapshot();
    expect((await bob.get('/multi_webhook')).body).toEqual({ enabled: false, destinations: [] });
    expect((await bob.patch('/multi_webhook', { name: 'shared-name', url: 'https://evil.example.com' })).status).toBe(409);
    await bob.post('/multi_webhook', { enabled: true });
    expect((await bob.patch('/multi_webhook', { name: 'shared-name', url: 'https://evil.example.com' })).status).toBe(404);
    expect((await bob.delete('/multi_webhook?name=shared-name')).status).toBe(404);
    expect(await alice.snapshot()).toEqual(aliceBefore);
  });
});

describe('refused requests', () => {
  const cases: [string, string, string, unknown, number][] = [
    ['malformed JSON', 'PUT', '/multi_webhook', '{"destinations": [', 400],
    ['a null body', 'PUT', '/multi_webhook', 'null', 400],
    ['an array body', 'POST', '/multi_webhook', '[]', 400],
    ['a wrong type', 'POST', '/multi_webhook', { enabled: 'yes' }, 400],
    ['an unknown field', 'PUT', '/multi_webhook', { destinations: [hook('x')], extra: 1 }, 400],
    ['a missing url', 'PUT', '/multi_webhook', { destinations: [{ name: 'x' }] }, 400],
    ['an http url', 'PUT', '/multi_webhook', { destinations: [hook('x', 'http://hooks.example.com')] }, 400],
    ['an underscore host', 'PUT', '/multi_webhook', { destinations: [hook('x', 'https://your_webhook.example.com')] }, 400],
    ['a private address', 'PUT', '/multi_webhook', { destinations: [hook('x', 'https://10.0.0.1/hook')] }, 400],
    ['a framing header', 'PUT', '/multi_webhook', { destinations: [{ ...hook('x'), headers: { 'Content-Length': '1' } }] }, 400],
    ['a header with CR/LF', 'PUT', '/multi_webhook', { destinations: [{ ...hook('x'), headers: { 'X-A': 'a\r\nX-B: b' } }] }, 400],
    ['a 101-character name', 'PUT', '/multi_webhook', { destinations: [hook('n'.repeat(101))] }, 400],
    ['a name given twice', 'PUT', '/multi_webhook', { destinations: [hook('x'), hook('x')] }, 400],
    ['destinations when disabling', 'POST', '/multi_webhook', { enabled: false, destinations: [hook('x')] }, 400],
    ['a body over the limit', 'PUT', '/multi_webhook', { destinations: [{ ...hook('x'), headers: { 'X-Big': 'a'.repeat(40_000) } }] }, 413],
  ];

  it.each(cases)('answers %s with the right status and changes nothing', async (_, method, path, body, status) => {
    const client = await enabledWith('existing');
    const before = await client.snapshot();
    const answer = await client.call(method, path, body);
    expect(answer.status).toBe(status);
    expect(answer.body).toEqual({ error: expect.stringMatching(/\S/) });
    expect(await client.snapshot()).toEqual(before);
  });
});

describe('the cap under concurrency', () => {
  it('lets exactly 3 of 30 concurrent appends win, and frees exactly 3 slots after deleting them', async () => {
    const client = await enabledWith();
    const race = () =>
      Promise.all(
        Array.from({ length: 30 }, (_, i) => client.put('/multi_webhook', { destinations: [hook(`race-${Math.random()}-${i}`)] })),
      );

    const first = await race();
    expect(first.filter((a) => a.status === 200)).toHaveLength(3);
    expect(first.filter((a) => a.status === 409)).toHaveLength(27);
    const stored = await names(client);
    expect(stored).toHaveLength(3);

    for (const name of stored) expect((await client.delete(`/multi_webhook?name=${encodeURIComponent(name)}`)).status).toBe(200);
    const second = await race();
    expect(second.filter((a) => a.status === 200)).toHaveLength(3);
    expect(await names(client)).toHaveLength(3);
  });
});

describe('local destination policy', () => {
  it('allows loopback destinations over http with a port', async () => {
    const client = await enabledWith();
    expect((await client.put('/multi_webhook', { destinations: [hook('local', 'http://127.0.0.1:9001/hook')] })).status).toBe(200);
  });
});

describe('no delivery loops', () => {
  it('refuses, with 400 and a sentence, a webhook that points at the service itself, on every route that sets one, and stores nothing', async () => {
    const client = await enabledWith('kept');
    const port = new URL(stack.apiUrl).port;
    const before = await client.snapshot();
    for (const own of [
      `${stack.apiUrl}/webhooks/whatsapp`,
      `http://localhost:${port}/webhooks/whatsapp`,
      `http://127.0.0.1:${port}/multi_webhook`,
    ]) {
      const answers = [
        await client.post('/v1/configs/webhook', { url: own }),
        await client.put('/multi_webhook', { destinations: [hook('loop', own)] }),
        await client.patch('/multi_webhook', { name: 'kept', url: own }),
      ];
      for (const answer of answers)
        expect(answer).toEqual({ status: 400, body: { error: expect.stringMatching(/this service itself.*loop/) } });
    }
    expect(await client.snapshot()).toEqual(before);
  });

  it('still accepts a loopback receiver on another port under the local policy', async () => {
    const client = await enabledWith();
    expect((await client.put('/multi_webhook', { destinations: [hook('sink', 'http://127.0.0.1:9/hook')] })).status).toBe(200);
  });
});
