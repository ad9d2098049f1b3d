// Lambda's reading of a ReportBatchItemFailures answer, as the local event source applies it.
import type { SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { readBatchResponse } from '../../../infra/local/sqs-records.js';

const records = [{ messageId: 'm1' }, { messageId: 'm2' }] as SQSRecord[];

describe('reading a batch response', () => {
  it.each([undefined, null, {}, { batchItemFailures: null }, { batchItemFailures: [] }])(
    'treats %j as success of every record',
    (response) => {
      expect(readBatchResponse(response, records)).toEqual({ ok: true, failedIds: new Set() });
    },
  );

  it('fails exactly the records it names', () => {
    expect(readBatchResponse({ batchItemFailures: [{ itemIdentifier: 'm2' }] }, records)).toEqual({ ok: true, failedIds: new Set(['m2']) });
  });

  it.each([
    ['an empty identifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null identifier', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a misnamed key', { batchItemFailures: [{ id: 'm1' }] }],
    ['a message of another batch', { batchItemFailures: [{ itemIdentifier: 'm3' }] }],
    ['a list that is not a list', { batchItemFailures: 'm1' }],
    ['an answer that is not an object', 'ok'],
  ])('fails the whole batch for %s', (_case, response) => {
    expect(readBatchResponse(response, records)).toMatchObject({ ok: false });
  });
});
