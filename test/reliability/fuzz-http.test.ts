// Property-based fuzzing of the management API through the local server (fixed seed, see
// support/arbitraries.ts): whatever arrives, never a 5xx, always JSON, and a refusal changes nothing.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routes } from '../../infra/routes.js';
import { freshPhoneNumber } from '../helpers/dynamo.js';
import { startTestStack, type TestStack } from '../helpers/local-stack.js';
import { anyText, fuzzOptions, managementBodies, mostlyValidBodies } from './support/arbitraries.js';
import { watchAwsTraffic, type AwsTraffic } from './support/aws-traffic.js';
import { send, type RawAnswer } from './support/raw-http.js';
import { expectUnchanged, partitionReader, prepareSubject, SENTENCE, type PartitionReader, type Subject } from './support/subjects.js';

/** Runs per property, sized so the file stays around ten seconds (each run is a request and a table read). */
const RUNS = { jsonBodies: 120, textBodies: 200, byteBodies: 100, deleteQueries: 150, apiKeys: 150 } as const;

const managementRoutes = routes.filter((route) => route.auth === 'api-key');
const schemaOf: Record<string, keyof typeof managementBodies> = {
  'POST /v1/configs/webhook': 'PrimaryWebhook',
  'POST /multi_webhook': 'Enable',
  'PUT /multi_webhook': 'Append',
  'PATCH /multi_webhook': 'Update',
  'DELETE /multi_webhook': 'Delete',
};

let stack: TestStack;
let traffic: AwsTraffic;
let read: PartitionReader;
let subject: Subject;

beforeAll(async () => {
  stack = await startTestStack({ numbers: 0 });
  traffic = watchAwsTraffic(stack.services);
  read = partitionReader(stack);
  subject = await prepareSubject(stack, read, freshPhoneNumber(), 'enabled');
});
afterAll(() => stack?.stop());

/**
 * Sends as the subject (or with `key`) and checks the answer: below 500, JSON, and when refused, an
 * {"error"} sentence with the number untouched. An accepted request moves the baseline.
 */
async function expectSafeAnswer(request: { method: string; path: string; body?: string | Buffer; key?: string }): Promise<RawAnswer> {
  const mark = traffic.mark();
  const answer = await send(stack.apiUrl, {
    method: request.method,
    path: request.path,
    body: request.body,
    headers: { 'd360-api-key': request.key ?? subject.client.key! },
  });
  expect(answer.status).toBeLessThan(500);
  expect(answer.contentType).toMatch(/^application\/json/);
  expect(answer.json).not.toBeUndefined();
  if (answer.status >= 400) {
    expect(answer.json).toEqual({ error: expect.stringMatching(SENTENCE) });
    await expectUnchanged(subject, read, traffic, mark);
  } else {
    subject.stored = await read(subject.phoneNumber);
  }
  return answer;
}

/** Percent-encodes every UTF-8 byte, lone surrogates included (as U+FFFD, like a browser would). */
const percentEncode = (text: string) => [...Buffer.from(text, 'utf8')].map((byte) => `%${byte.toString(16).padStart(2, '0')}`).join('');
const queryCharacter = fc.constantFrom(..."name=%&;+?/:@!$'()*,.-_~[]abcNAME019".split(''));

describe('the management API under fuzzing', () => {
  it.for(Object.keys(schemaOf))(
    '%s never answers 5xx to a JSON body close to its request, and a refusal changes nothing',
    async (routeKey) => {
      const [method, path] = routeKey.split(' ') as [string, string];
      await fc.assert(
        fc.asyncProperty(fc.oneof(managementBodies[schemaOf[routeKey]!], mostlyValidBodies[schemaOf[routeKey]!]), async (body) => {
          await expectSafeAnswer({ method, path, body: JSON.stringify(body) ?? 'null' });
        }),
        fuzzOptions(RUNS.jsonBodies),
      );
    },
  );

  it('never answers 5xx to any text as a body on any management route, and a refusal changes nothing', async () => {
    const text = fc.oneof(
      anyText(200),
      fc.json(),
      fc.json().map((json) => json.slice(0, -1)),
      fc.string({ unit: 'binary', maxLength: 500 }),
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...managementRoutes), text, async (route, body) => {
        await expectSafeAnswer({ method: route.method, path: route.path, body });
      }),
      fuzzOptions(RUNS.textBodies),
    );
  });

  it('never answers 5xx to any bytes as a body on any management route, and a refusal changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...managementRoutes), fc.uint8Array({ maxLength: 300 }), async (route, bytes) => {
        await expectSafeAnswer({ method: route.method, path: route.path, body: Buffer.from(bytes) });
      }),
      fuzzOptions(RUNS.byteBodies),
    );
  });

  it('never answers 5xx to any query string on DELETE, and a refusal changes nothing', async () => {
    const query = fc.oneof(
      anyText(120).map((name) => `name=${percentEncode(name)}`),
      fc.string({ unit: queryCharacter, maxLength: 60 }),
      fc.tuple(anyText(20), anyText(20)).map(([a, b]) => `name=${percentEncode(a)}&name=${percentEncode(b)}`),
    );
    await fc.assert(
      fc.asyncProperty(query, async (search) => {
        await expectSafeAnswer({ method: 'DELETE', path: `/multi_webhook?${search}` });
      }),
      fuzzOptions(RUNS.deleteQueries),
    );
  });

  it('answers 401 {"error"} to any D360-API-KEY that is not a key, and the number it resembles stays untouched', async () => {
    const key = subject.client.key!;
    // What Node lets into a header value: tab, visible ASCII and Latin-1.
    const headerText = fc.string({
      unit: fc
        .integer({ min: 0x20, max: 0xff })
        .filter((c) => c !== 0x7f)
        .map((c) => String.fromCharCode(c)),
      maxLength: 120,
    });
    const nearMiss = fc.oneof(
      fc.nat(key.length - 1).map((at) => `${key.slice(0, at)}${key[at] === 'x' ? 'y' : 'x'}${key.slice(at + 1)}`),
      fc.nat(key.length - 1).map((length) => key.slice(0, length)),
      headerText.filter((suffix) => suffix.trim() !== '').map((suffix) => `${key}${suffix}`),
      fc.constant(key.toUpperCase()),
      fc.constant(`${key},${key}`),
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(headerText, nearMiss), async (candidate) => {
        fc.pre(candidate.trim() !== key);
        const answer = await expectSafeAnswer({
          method: 'POST',
          path: '/v1/configs/webhook',
          key: candidate,
          body: JSON.stringify({ url: 'https://taken-over.example.com/hook' }),
        });
        expect(answer.status).toBe(401);
      }),
      fuzzOptions(RUNS.apiKeys),
    );
  });
});
