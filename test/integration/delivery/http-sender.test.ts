// Outbound webhook HTTP against real loopback sinks: bytes, answers, failures, the body cap, keep-alive and the SSRF guard.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpSender, type HttpSender, type Lookup, type SenderOptions } from '../../../shared/delivery/http-sender.js';
import { startSink, type Sink, type SinkOptions } from '../../helpers/sink-server.js';

// Test-only key and self-signed certificate for the name sink.test; they protect nothing.
const SINK_TEST_TLS = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgLi9v/xKKBXUAUBcU
Z+2Z2IkBjE8jSXNj8YKQIFDHhaChRANCAASQh67dORKMhEB913WAWUYEra6kOrbP
3yIFT1wtG4DUH6jXF9ADYLs9n6Fpj+nJk/J3Ue6AyqpLbtnrcLyLAS5l
-----END PRIVATE KEY-----
`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBljCCATugAwIBAgIUAcSqnBazzZhnzkTZxFRFr+E6FgswCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJc2luay50ZXN0MCAXDTI2MTEyNzAxMjAwN1oYDzIxMjYxMTAz
MDEyMDA3WjAUMRIwEAYDVQQDDAlzaW5rLnRlc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAASQh67dORKMhEB913WAWUYEra6kOrbP3yIFT1wtG4DUH6jXF9ADYLs9
n6Fpj+nJk/J3Ue6AyqpLbtnrcLyLAS5lo2kwZzAdBgNVHQ4EFgQUj0Mkr8t7G3Ol
pOBb9mAggsyAMWYwHwYDVR0jBBgwFoAUj0Mkr8t7G3OlpOBb9mAggsyAMWYwDwYD
VR0TAQH/BAUwAwEB/zAUBgNVHREEDTALgglzaW5rLnRlc3QwCgYIKoZIzj0EAwID
SQAwRgIhAKvbX9c/oYKhV0k/1jV1RMkjorHVm/ycnI5F5mLeD465AiEA1RCpF55A
RDZ9Ro63oWWCV6/DtfxUk96lNRDWxh13f68=
-----END CERTIFICATE-----
`,
};

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sink(options?: SinkOptions): Promise<Sink> {
  const started = await startSink(options);
  cleanups.push(() => started.close());
  return started;
}

function sender(options: Partial<SenderOptions> = {}): HttpSender {
  const created = createHttpSender({ policy: 'local', timeoutMs: 5000, ...options });
  cleanups.push(() => created.close());
  return created;
}

/** A resolver the test controls: answers[n] is the answer to the n-th lookup (the last one repeats). */
function scriptedLookup(...answers: string[][]): Lookup & { names: string[] } {
  const names: string[] = [];
  const lookup = async (hostname: string) => {
    names.push(hostname);
    const addresses = answers[Math.min(names.length, answers.length) - 1] ?? [];
    return addresses.map((address) => ({ address, family: address.includes(':') ? (6 as const) : (4 as const) }));
  };
  return Object.assign(lookup, { names });
}

/** How many TCP client sockets the process opened while `action` ran. */
async function socketsOpenedDuring(action: () => Promise<unknown>): Promise<number> {
  let opened = 0;
  const count = (): void => void opened++;
  subscribe('net.client.socket', count);
  try {
    await action();
  } finally {
    unsubscribe('net.client.socket', count);
  }
  return opened;
}

const post = (url: string, body: Buffer | string = '{}', headers: Record<string, string> = {}) => ({ url, headers, body });

/** Raw headers as [name, value] pairs. */
const pairsOf = (raw: string[]) => raw.flatMap((name, index) => (index % 2 === 0 ? [[name, raw[index + 1]!]] : []));

describe('delivering', () => {
  it('posts the exact body bytes, non-ASCII included, with the given headers to the given path', async () => {
    const destination = await sink();
    const body = Buffer.concat([Buffer.from('{"text":"olá 👋 — Grüße, 你好"}', 'utf8'), Buffer.from([0xff, 0x00, 0x0a])]);
    const headers = {
      'Content-Type': 'application/json',
      'X-Hub-Signature-256': 'sha256=abc123',
      'webhook-id': 'msg_1',
      Authorization: 'Bearer t0ken',
    };

    await sender().send(post(`${destination.url}/hooks/primary?tenant=7`, body, headers));

    const [received] = await destination.waitForRequests(1);
    expect(received?.method).toBe('POST');
    expect(received?.path).toBe('/hooks/primary?tenant=7');
    expect(received?.body.equals(body)).toBe(true);
    expect(received?.headers).toMatchObject({
      'content-type': 'application/json',
      'x-hub-signature-256': 'sha256=abc123',
      'webhook-id': 'msg_1',
      authorization: 'Bearer t0ken',
      'content-length': String(body.length),
    });
  });

  it('frames a request as Node frames the same headers given as an object: Host, Content-Length, keep-alive, never chunked', async () => {
    const destination = await sink();
    const headers = { 'content-type': 'application/json', 'webhook-id': 'msg_1', Authorization: 'Bearer t0ken' };
    const body = '{"name":"José"}';

    await sender().send(post(`${destination.url}/hook`, body, headers));
    await new Promise<void>((resolve, reject) => {
      const request = httpRequest(`${destination.url}/hook`, { method: 'POST', headers, agent: new HttpAgent({ keepAlive: true }) });
      request.on('error', reject).on('response', (response) => response.resume().on('end', resolve));
      request.end(body);
    });

    const [ours, node] = (await destination.waitForRequests(2)).map((request) => pairsOf(request.rawHeaders).sort());
    expect(ours).toEqual(node);
    expect(ours).toContainEqual(['Connection', 'keep-alive']);
    expect(ours).toContainEqual(['Content-Length', String(Buffer.byteLength(body))]);
  });

  it('sends a string body as its UTF-8 bytes', async () => {
    const destination = await sink();

    await sender().send(post(destination.url, '{"name":"José"}'));

    expect(destination.requests[0]?.body.equals(Buffer.from('{"name":"José"}', 'utf8'))).toBe(true);
  });

  it.each([200, 204, 500])('reports a %i as an answer with its status and body', async (status) => {
    const destination = await sink({ reply: { status, body: status === 204 ? undefined : `status ${status}` } });

    const outcome = await sender().send(post(destination.url));

    expect(outcome).toEqual({
      kind: 'answered',
      status,
      bodyExcerpt: status === 204 ? '' : `status ${status}`,
      latencyMs: expect.any(Number),
    });
  });

  it('reports a 302 as an answer and does not follow its Location', async () => {
    const elsewhere = await sink();
    const destination = await sink({ reply: { status: 302, headers: { location: `${elsewhere.url}/moved` } } });

    const outcome = await sender().send(post(destination.url));

    expect(outcome).toMatchObject({ kind: 'answered', status: 302 });
    expect(destination.requests).toHaveLength(1);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('keeps Host and framing its own: configured Host and Content-Length headers are not sent', async () => {
    const destination = await sink();

    await sender().send(post(destination.url, 'four', { Host: 'evil.example', 'Content-Length': '999', 'x-kept': 'yes' }));

    expect(destination.requests[0]?.headers).toMatchObject({
      host: `127.0.0.1:${destination.port}`,
      'content-length': '4',
      'x-kept': 'yes',
    });
  });
});

describe('failing', () => {
  it("fails with 'timeout' when the destination takes the request but never answers", async () => {
    const destination = await sink({ reply: 'hang' });

    const outcome = await sender({ timeoutMs: 200 }).send(post(destination.url));

    expect(outcome).toMatchObject({ kind: 'failed', error: 'timeout' });
    expect(destination.requests).toHaveLength(1);
  });

  it("fails with 'timeout' when the answer's body never ends", async () => {
    const endsNever = (async function* () {
      yield 'partial';
      await new Promise(() => {});
    })();
    const destination = await sink({ reply: { status: 200, body: endsNever } });

    const outcome = await sender({ timeoutMs: 200 }).send(post(destination.url));

    expect(outcome).toMatchObject({ kind: 'failed', error: 'timeout' });
  });

  it("fails with 'timeout' when resolving the name outlasts the deadline", async () => {
    const lookup: Lookup = () => new Promise(() => {});

    const outcome = await sender({ timeoutMs: 200, lookup }).send(post('http://slow-dns.example/'));

    expect(outcome).toMatchObject({ kind: 'failed', error: 'timeout' });
  });

  it("fails with 'connection' when the destination resets the connection", async () => {
    const destination = await sink({ reply: 'reset' });

    const outcome = await sender().send(post(destination.url));

    expect(outcome).toMatchObject({ kind: 'failed', error: 'connection' });
  });

  it("fails with 'connection' when nothing listens on the port", async () => {
    const gone = await startSink();
    await gone.close();

    const outcome = await sender().send(post(gone.url));

    expect(outcome).toMatchObject({ kind: 'failed', error: 'connection', detail: expect.stringContaining('ECONNREFUSED') });
  });

  it("fails with 'dns' when the name does not resolve", async () => {
    const lookup: Lookup = () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.example'), { code: 'ENOTFOUND' }));

    const outcome = await sender({ lookup }).send(post('http://nowhere.example/'));

    expect(outcome).toEqual({
      kind: 'failed',
      error: 'dns',
      detail: 'cannot resolve nowhere.example (ENOTFOUND)',
      latencyMs: expect.any(Number),
    });
  });

  it("fails with 'dns' when the name has no address", async () => {
    const outcome = await sender({ lookup: scriptedLookup([]) }).send(post('http://empty.example/'));

    expect(outcome).toMatchObject({ kind: 'failed', error: 'dns' });
  });

  it('turns a request the HTTP client rejects into a failed outcome that does not repeat the header value', async () => {
    const destination = await sink();

    const outcome = await sender().send(post(destination.url, '{}', { 'x-secret': 'hunter2\r\ninjected: 1' }));

    expect(outcome).toMatchObject({ kind: 'failed' });
    expect(JSON.stringify(outcome)).not.toContain('hunter2');
    expect(destination.requests).toHaveLength(0);
  });
});

describe('closing', () => {
  it('ends a send still resolving its name as a failed outcome', async () => {
    const client = createHttpSender({ policy: 'local', timeoutMs: 5000, lookup: () => new Promise(() => {}) });

    const sending = client.send(post('http://never-resolves.example/'));
    await client.close();

    expect(await sending).toMatchObject({ kind: 'failed', error: 'connection', detail: 'the sender was closed' });
  });

  it('ends a send waiting for its answer and drops the connection', async () => {
    const destination = await sink({ reply: 'hang' });
    const client = createHttpSender({ policy: 'local', timeoutMs: 5000 });

    const sending = client.send(post(destination.url));
    await destination.waitForRequests(1);
    await client.close();

    expect(await sending).toMatchObject({ kind: 'failed', error: 'connection' });
    await destination.waitFor(() => destination.connections[0]?.closedAt !== undefined, 'the connection to close');
  });
});

describe('reading answers', () => {
  it('stops reading an endless answer after maxResponseBytes and closes that connection', async () => {
    const endless = (function* () {
      for (;;) yield 'a'.repeat(1024);
    })();
    const destination = await sink({ reply: { status: 200, body: endless } });

    const outcome = await sender().send(post(destination.url));

    expect(outcome).toMatchObject({ kind: 'answered', status: 200, bodyExcerpt: 'a'.repeat(4096) });
    await destination.waitFor(() => destination.connections[0]?.closedAt !== undefined, 'the connection to close');
  });

  it('drops a character the byte limit cuts in half instead of garbling it', async () => {
    const destination = await sink({ reply: { status: 400, body: 'ééé' } });

    const outcome = await sender({ maxResponseBytes: 5 }).send(post(destination.url));

    expect(outcome).toMatchObject({ kind: 'answered', status: 400, bodyExcerpt: 'éé' });
  });
});

describe('keep-alive', () => {
  it('reuses one connection for sequential sends to the same origin', async () => {
    const destination = await sink({ reply: { status: 200, body: 'ok' } });
    const client = sender();

    for (let i = 0; i < 3; i++) await client.send(post(destination.url));

    expect(destination.connections).toHaveLength(1);
    expect(new Set(destination.requests.map((request) => request.connection))).toEqual(new Set([1]));
  });

  it('re-resolves and re-checks the name for each new connection, so a later rebind to a private address is refused', async () => {
    const destination = await sink();
    destination.reply({ status: 200, close: true }); // the first answer ends its connection
    const lookup = scriptedLookup(['127.0.0.1'], ['10.0.0.5']);
    const client = sender({ lookup });

    const first = await client.send(post(`http://rebind.example:${destination.port}/`));
    const second = await client.send(post(`http://rebind.example:${destination.port}/`));

    expect(first).toMatchObject({ kind: 'answered', status: 200 });
    expect(second).toMatchObject({
      kind: 'failed',
      error: 'refused-address',
      detail: 'rebind.example resolves to 10.0.0.5, a private address',
    });
    expect(lookup.names).toEqual(['rebind.example', 'rebind.example']);
    expect(destination.requests).toHaveLength(1);
  });
});

describe('SSRF guard', () => {
  it('refuses http://127.0.0.1 under the strict policy without the sink receiving anything', async () => {
    const destination = await sink();
    const client = sender({ policy: 'strict' });

    let outcome;
    const opened = await socketsOpenedDuring(async () => (outcome = await client.send(post(destination.url))));

    expect(outcome).toMatchObject({
      kind: 'failed',
      error: 'refused-address',
      detail: 'the destination resolves to 127.0.0.1, a loopback address',
    });
    expect(opened).toBe(0);
    expect(destination.connections).toHaveLength(0);
  });

  it.each(['http://10.0.0.5/', 'http://[::1]:8080/', 'http://[::ffff:127.0.0.1]/', 'http://169.254.169.254/latest/meta-data'])(
    'checks the IP-literal host of %s directly, without a lookup, and refuses it under the strict policy',
    async (url) => {
      const lookup = scriptedLookup(['93.184.215.14']);
      const client = sender({ policy: 'strict', lookup });

      let outcome;
      const opened = await socketsOpenedDuring(async () => (outcome = await client.send(post(url))));

      expect(outcome).toMatchObject({ kind: 'failed', error: 'refused-address' });
      expect(lookup.names).toEqual([]);
      expect(opened).toBe(0);
    },
  );

  it('refuses a name that resolves to a private address without opening a socket', async () => {
    const client = sender({ policy: 'strict', lookup: scriptedLookup(['10.0.0.5']) });

    let outcome;
    const opened = await socketsOpenedDuring(async () => (outcome = await client.send(post('https://rebind.example/hook'))));

    expect(outcome).toMatchObject({
      kind: 'failed',
      error: 'refused-address',
      detail: 'rebind.example resolves to 10.0.0.5, a private address',
    });
    expect(opened).toBe(0);
  });

  it('refuses a name whose answer holds a public and then a private address, rather than picking the public one', async () => {
    const client = sender({ policy: 'strict', lookup: scriptedLookup(['93.184.215.14', '10.0.0.5']) });

    let outcome;
    const opened = await socketsOpenedDuring(async () => (outcome = await client.send(post('https://mixed.example/hook'))));

    expect(outcome).toMatchObject({
      kind: 'failed',
      error: 'refused-address',
      detail: 'mixed.example resolves to 10.0.0.5, a private address',
    });
    expect(opened).toBe(0);
  });

  it('refuses a URL that is not http or https without connecting', async () => {
    const outcome = await sender().send(post('ftp://127.0.0.1/hook'));

    expect(outcome).toMatchObject({ kind: 'failed', error: 'refused-address' });
  });

  it('connects a name resolved to loopback under the local policy, keeping the name in the Host header', async () => {
    const destination = await sink();
    const lookup = scriptedLookup(['127.0.0.1']);

    const outcome = await sender({ lookup }).send(post(`http://sink.localhost:${destination.port}/hook`));

    expect(outcome).toMatchObject({ kind: 'answered', status: 200 });
    expect(lookup.names).toEqual(['sink.localhost']);
    expect(destination.requests[0]?.headers.host).toBe(`sink.localhost:${destination.port}`);
  });

  it('tries the next checked address when the first one refuses the connection', async () => {
    const destination = await sink();
    const gone = await startSink();
    await gone.close();
    // 127.0.0.2 is loopback too, and nothing listens there on this port.
    const lookup = scriptedLookup(['127.0.0.2', '127.0.0.1']);

    const outcome = await sender({ lookup }).send(post(`http://two.localhost:${destination.port}/`));

    expect(outcome).toMatchObject({ kind: 'answered', status: 200 });
    expect(destination.requests).toHaveLength(1);
  });

  it('resolves localhost to loopback with the default resolver', async () => {
    const destination = await sink();

    const outcome = await sender().send(post(`http://localhost:${destination.port}/`));

    expect(outcome).toMatchObject({ kind: 'answered', status: 200 });
  });

  it('keeps the name for TLS while connecting to the checked address: SNI names the host and its certificate is verified', async () => {
    const destination = await sink({ tls: SINK_TEST_TLS });

    const outcome = await sender({ lookup: scriptedLookup(['127.0.0.1']) }).send(post(`https://sink.test:${destination.port}/`));

    // The certificate is self-signed, so verification (against the name) must fail the send.
    expect(outcome).toMatchObject({ kind: 'failed', error: 'connection', detail: expect.stringMatching(/self[- ]signed/) });
    expect(destination.servernames).toEqual(['sink.test']);
    expect(destination.requests).toHaveLength(0);
  });
});
