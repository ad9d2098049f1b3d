// A DELETE that names its webhook twice, or in two places, is refused rather than guessed; a malformed query gets a JSON 400.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshClient, startTestStack, type ApiClient, type TestStack } from '../helpers/local-stack.js';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack({ numbers: 0 });
});
afterAll(() => stack?.stop());

const hook = (name: string) => ({ name, url: `https://hooks.example.com/${encodeURIComponent(name)}`, headers: {} });
const SENTENCE = /^\S[\s\S]{7,}[.!?]$/;

async function numberWith(...names: string[]): Promise<ApiClient> {
  const client = await freshClient(stack);
  expect((await client.post('/multi_webhook', { enabled: true, destinations: names.map(hook) })).status).toBe(200);
  return client;
}

const storedNames = async (client: ApiClient) =>
  ((await client.get('/multi_webhook')).body.destinations as { name: string }[]).map(({ name }) => name).sort();

describe('DELETE /multi_webhook', () => {
  it('refuses a name in both the query and the body, with a sentence, and deletes neither', async () => {
    const client = await numberWith('a', 'b');

    const answer = await client.delete('/multi_webhook?name=a', { name: 'b' });

    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(/not both/);
    expect(await storedNames(client)).toEqual(['a', 'b']);
  });

  it('refuses ?name= given twice, with a sentence, and deletes nothing, not even a webhook named "a,b"', async () => {
    const client = await numberWith('a', 'b', 'a,b');

    const answer = await client.delete('/multi_webhook?name=a&name=b');

    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(/\?name= 2 times/);
    expect(answer.body.error).toMatch(SENTENCE);
    expect(await storedNames(client)).toEqual(['a', 'a,b', 'b']);
  });

  it('deletes a webhook whose name holds a comma, sent once as %2C', async () => {
    const client = await numberWith('a', 'a,b');

    expect((await client.delete('/multi_webhook?name=a%2Cb')).status).toBe(200);
    expect(await storedNames(client)).toEqual(['a']);
  });

  it('takes the name from the query when the body is an empty object', async () => {
    const client = await numberWith('a');

    expect((await client.delete('/multi_webhook?name=a', {})).status).toBe(200);
    expect(await storedNames(client)).toEqual([]);
  });
});

describe('the local API on a malformed query string', () => {
  it.for([
    ['a bad percent-escape', Buffer.from('/multi_webhook?name=%zz')],
    ['a stray %', Buffer.from('/multi_webhook?name=100%')],
    ['a % with one hex digit', Buffer.from('/multi_webhook?name=caf%E')],
    ['raw non-ASCII bytes', Buffer.concat([Buffer.from('/multi_webhook?name=caf'), Buffer.from('é', 'utf8')])],
  ])('answers %s with a JSON 400 {"error"} and deletes nothing', async ([, target]) => {
    const client = await numberWith('café', '100%');

    const answer = await rawRequest(stack.apiUrl, 'DELETE', target as Buffer, client.key!);

    expect(answer.status).toBe(400);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body)).toEqual({ error: expect.stringMatching(/^The (query string|request URL) is malformed: .*\.$/) });
    expect(await storedNames(client)).toEqual(['100%', 'café']);
  });
});

/** One request with the target's bytes on the request line exactly as given (fetch and http.request would escape them). */
function rawRequest(
  baseUrl: string,
  method: string,
  target: Buffer,
  key: string,
): Promise<{ status: number; contentType: string; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) }, () => {
      socket.end(
        Buffer.concat([
          Buffer.from(`${method} `),
          target,
          Buffer.from(` HTTP/1.1\r\nHost: ${hostname}\r\nD360-API-KEY: ${key}\r\nConnection: close\r\n\r\n`),
        ]),
      );
    });
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const status = Number(head.split(' ')[1]);
      const contentType = /^content-type: *(.*)$/im.exec(head)?.[1] ?? '';
      const body = rest.join('\r\n\r\n');
      resolve({ status, contentType, body: /^transfer-encoding: *chunked/im.test(head) ? unchunk(body) : body });
    });
  });
}

/** The body of a chunked answer: each chunk is its size in hex, CRLF, the bytes, CRLF; a 0 size ends it. */
function unchunk(chunked: string): string {
  let body = '';
  let rest = chunked;
  for (;;) {
    const lineEnd = rest.indexOf('\r\n');
    const size = Number.parseInt(rest.slice(0, lineEnd), 16);
    if (!(size > 0)) return body;
    body += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}
