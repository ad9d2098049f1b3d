// Phone numbers prepared for refusal tests, and the two checks every refusal gets: the answer is a
// 4xx {"error": sentence}, and the number's configuration did not move.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { expect } from 'vitest';
import { createDynamoClient } from '../../../shared/aws/clients.js';
import { ApiClient, type ApiAnswer, type TestStack } from '../../helpers/local-stack.js';
import type { AwsTraffic } from './aws-traffic.js';
import { EXISTING } from './management-cases.js';
import type { RawAnswer } from './raw-http.js';

/** One sentence for a person: starts with a visible character, ends with a full stop (or ! or ?). */
export const SENTENCE = /^\S[\s\S]{7,}[.!?]$/;

export type Snapshot = Awaited<ReturnType<ApiClient['snapshot']>>;
type Items = Record<string, unknown>[];

/** A phone number with its client, and its configuration as the API showed it and as the table holds it. */
export interface Subject {
  client: ApiClient;
  phoneNumber: string;
  /** ApiClient.snapshot() when prepared. */
  api: Snapshot;
  /** Every item of the number's partition, every attribute, after its last checked request. */
  stored: Items;
  /** Runs checks on this subject one at a time, so concurrent tests can share subjects. */
  exclusive<T>(check: () => Promise<T>): Promise<T>;
}

/** Reads a number's partition straight from the stack's table (its own client: not in the watched traffic). */
export type PartitionReader = (phoneNumber: string) => Promise<Items>;

export function partitionReader(stack: TestStack): PartitionReader {
  const db = createDynamoClient({ endpoint: stack.config.DYNAMODB_ENDPOINT, region: stack.config.AWS_REGION });
  return async (phoneNumber) => {
    const { Items = [] } = await db.send(
      new QueryCommand({
        TableName: stack.config.TABLE_NAME,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': phoneNumber },
        ConsistentRead: true,
      }),
    );
    return Items;
  };
}

/** A client for a chosen phone number (tests that name the number before the stack runs). */
export async function clientFor(stack: TestStack, phoneNumber: string): Promise<ApiClient> {
  const { key } = await stack.services.apiKeys.create(phoneNumber);
  return new ApiClient(stack.apiUrl, key, phoneNumber);
}

/**
 * A number with a primary, clones enabled and one webhook named EXISTING; 'disabled' turns the
 * clones off again afterwards (the webhook stays), so enabling requests have something to change.
 */
export async function prepareSubject(
  stack: TestStack,
  read: PartitionReader,
  phoneNumber: string,
  state: 'enabled' | 'disabled',
): Promise<Subject> {
  const client = await clientFor(stack, phoneNumber);
  await expectOk(client.post('/v1/configs/webhook', { url: 'https://primary.example.com/hook', headers: { 'X-Primary': 'p' } }));
  await expectOk(
    client.post('/multi_webhook', {
      enabled: true,
      destinations: [{ name: EXISTING, url: 'https://existing.example.com/hook', headers: { 'X-Existing': 'e' } }],
    }),
  );
  if (state === 'disabled') await expectOk(client.post('/multi_webhook', { enabled: false }));
  let tail: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(check: () => Promise<T>): Promise<T> => {
    const result = tail.then(check);
    tail = result.catch(() => undefined);
    return result;
  };
  return { client, phoneNumber, api: await client.snapshot(), stored: await read(phoneNumber), exclusive };
}

export async function expectOk(answer: Promise<ApiAnswer>): Promise<void> {
  const { status, body } = await answer;
  if (status !== 200) throw new Error(`setup request failed: ${status} ${JSON.stringify(body)}`);
}

/** The answer is `status` with a JSON body of exactly {"error": <one sentence>}. */
export function expectErrorAnswer(answer: RawAnswer, status: number): void {
  expect({ status: answer.status, body: answer.json }).toEqual({ status, body: { error: expect.stringMatching(SENTENCE) } });
  expect(answer.contentType).toMatch(/^application\/json/);
}

/**
 * Nothing of the number was written since `mark`, and its partition holds exactly what it held: a
 * stricter reading than the API's (it sees counters and timestamps too). The new reading becomes
 * the baseline, so one wrong case does not fail every later one.
 */
export async function expectUnchanged(subject: Subject, read: PartitionReader, traffic: AwsTraffic, mark: number): Promise<void> {
  const writes = traffic.writesSince(mark, subject.phoneNumber).map((call) => call.command);
  const after = await read(subject.phoneNumber);
  const before = subject.stored;
  subject.stored = after;
  expect(writes).toEqual([]);
  expect(after).toEqual(before);
}

/** What the API shows of the number now is what it showed when the number was prepared. */
export async function expectApiUnchanged(subject: Subject): Promise<void> {
  expect(await subject.client.snapshot()).toEqual(subject.api);
}
