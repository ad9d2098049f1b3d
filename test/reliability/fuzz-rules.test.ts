// Property-based fuzzing of the pure rules (fixed seed, see support/arbitraries.ts): they never throw,
// answer undefined or one sentence, and whatever they accept can really be stored, sent and delivered.
import { validateHeaderName, validateHeaderValue } from 'node:http';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyAddress, type DestinationPolicy } from '../../shared/domain/address-policy.js';
import { checkDestinationUrl } from '../../shared/domain/destination-url.js';
import { Invalid } from '../../shared/domain/errors.js';
import { deliveryHeaders } from '../../shared/domain/fan-out.js';
import { MAX_NAME_LENGTH } from '../../shared/domain/limits.js';
import { parseRequest, requestSchemas } from '../../shared/domain/requests.js';
import { checkWebhookHeaders } from '../../shared/domain/webhook-headers.js';
import { checkWebhookName } from '../../shared/domain/webhook-name.js';
import {
  destinationUrl,
  fuzzOptions,
  headers,
  managementBodies,
  mostlyValidBodies,
  mostlyValidHeaders,
  mostlyValidUrl,
  throughJson,
  webhookName,
} from './support/arbitraries.js';
import { SENTENCE } from './support/subjects.js';

/** Runs per property; with the fixed seed the whole file stays within a few seconds. */
const RUNS = 3000;
const policies: readonly DestinationPolicy[] = ['strict', 'local'];
/** DynamoDB's limit for a sort key, which a webhook name is. */
const MAX_SORT_KEY_BYTES = 1024;

/** What the store's document client does to an item on the way in and out. */
const throughDynamo = (value: Record<string, unknown>) => unmarshall(marshall(value, { removeUndefinedValues: true }));

function expectSentenceOrUndefined(answer: unknown): void {
  if (answer !== undefined) expect(answer).toMatch(SENTENCE);
}

describe('checkWebhookName under fuzzing', () => {
  it('never throws and answers undefined or one sentence, for any value at all', () => {
    fc.assert(
      fc.property(fc.oneof(webhookName, fc.anything()), (name) => expectSentenceOrUndefined(checkWebhookName(name as string))),
      fuzzOptions(RUNS),
    );
  });

  it('accepts only names that fit a DynamoDB sort key and come back unchanged from the table and from JSON', () => {
    fc.assert(
      fc.property(webhookName, (name) => {
        fc.pre(checkWebhookName(name) === undefined);
        expect([...name].length).toBeLessThanOrEqual(MAX_NAME_LENGTH);
        expect(Buffer.byteLength(name, 'utf8')).toBeLessThanOrEqual(MAX_SORT_KEY_BYTES);
        expect(Buffer.from(name, 'utf8').toString('utf8')).toBe(name);
        expect(throughDynamo({ sk: name })).toEqual({ sk: name });
        expect(throughJson({ name })).toEqual({ name });
      }),
      fuzzOptions(RUNS),
    );
  });
});

describe('checkDestinationUrl under fuzzing', () => {
  it('never throws and answers undefined or one sentence, in both policies, for any value at all', () => {
    fc.assert(
      fc.property(fc.oneof(destinationUrl, fc.anything()), fc.constantFrom(...policies), (url, policy) =>
        expectSentenceOrUndefined(checkDestinationUrl(url as string, policy)),
      ),
      fuzzOptions(RUNS),
    );
  });

  it('relaxes exactly loopback in local policy: whatever only local accepts is a loopback host', () => {
    let localOnly = 0;
    fc.assert(
      fc.property(mostlyValidUrl, (url) => {
        const [strict, local] = [checkDestinationUrl(url, 'strict'), checkDestinationUrl(url, 'local')];
        if (strict === undefined) expect(local).toBeUndefined();
        if (local !== undefined || strict === undefined) return;
        localOnly += 1;
        const hostname = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
        expect(hostname === 'localhost' || hostname.endsWith('.localhost') || classifyAddress(hostname) === 'loopback').toBe(true);
      }),
      fuzzOptions(RUNS),
    );
    expect(localOnly).toBeGreaterThan(RUNS / 20);
  });
});

describe('checkWebhookHeaders under fuzzing', () => {
  it('never throws and answers undefined or one sentence, for any value at all', () => {
    fc.assert(
      fc.property(fc.oneof(headers, fc.anything()), (value) =>
        expectSentenceOrUndefined(checkWebhookHeaders(value as Record<string, unknown>)),
      ),
      fuzzOptions(RUNS),
    );
  });

  it('accepts only headers that Node can send, the table can store and delivery sends as configured', () => {
    const notification = { id: 'n-1', phoneNumber: '15550001111', payload: '{}', receivedAt: 1_700_000_000_000 };
    let accepted = 0;
    fc.assert(
      fc.property(mostlyValidHeaders.map(throughJson), (value) => {
        if (checkWebhookHeaders(value as Record<string, unknown>) !== undefined) return;
        accepted += 1;
        const configured = value as Record<string, string>;
        for (const [name, text] of Object.entries(configured)) {
          expect(() => validateHeaderName(name)).not.toThrow();
          expect(() => validateHeaderValue(name, text)).not.toThrow();
        }
        expect(throughDynamo({ headers: configured })).toEqual({ headers: configured });
        const sent = deliveryHeaders({ url: 'https://example.com/', headers: configured }, notification, notification.receivedAt);
        for (const [name, text] of Object.entries(configured))
          expect(Object.getOwnPropertyDescriptor(sent, name.toLowerCase())?.value).toBe(text);
      }),
      fuzzOptions(RUNS),
    );
    expect(accepted).toBeGreaterThan(RUNS / 10);
  });
});

describe('the request schemas under fuzzing', () => {
  const schemaNames = Object.keys(managementBodies) as (keyof typeof managementBodies)[];

  it.for(schemaNames)('%s throws nothing but Invalid with one sentence, in both policies', (schemaName) => {
    fc.assert(
      fc.property(managementBodies[schemaName].map(throughJson), fc.constantFrom(...policies), (body, policy) => {
        try {
          parseRequest(requestSchemas(policy)[schemaName], body);
        } catch (error) {
          expect(error).toBeInstanceOf(Invalid);
          expect((error as Invalid).message).toMatch(SENTENCE);
        }
      }),
      fuzzOptions(RUNS),
    );
  });

  it.for(schemaNames)('%s returns only what the table stores unchanged and what it would accept again', (schemaName) => {
    let accepted = 0;
    fc.assert(
      fc.property(mostlyValidBodies[schemaName].map(throughJson), fc.constantFrom(...policies), (body, policy) => {
        const schema = requestSchemas(policy)[schemaName];
        let parsed: Record<string, unknown>;
        try {
          parsed = parseRequest(schema, body) as Record<string, unknown>;
        } catch {
          return;
        }
        accepted += 1;
        expect(throughJson(parsed)).toEqual(parsed);
        expect(throughDynamo(parsed)).toEqual(parsed);
        expect(parseRequest(schema, throughJson(parsed))).toEqual(parsed);
      }),
      fuzzOptions(RUNS),
    );
    expect(accepted).toBeGreaterThan(RUNS / 20);
  });
});
