// The write that parks copies of one destination: their items and the breaker's count in one
// transaction, admitted only behind an open (or draining) breaker or a pause, and what a
// cancellation of it says.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { keyOf } from '../domain/destination.js';
import type { ParkedNotification } from '../domain/parking.js';
import { lateSortKey, parkedItem } from './health-items.js';
import { healthSortKey, parkedSortKey } from './item-keys.js';

/** `duplicate`: one of several copies was parked already, so nothing was written. */
export type ParkResult = { kind: 'parked' | 'refused' | 'duplicate' } | { kind: 'late'; givenUpThrough: string };

/**
 * Each copy at its place by arrival or, for a single copy that arrived before the line's given-up
 * head ends (`givenUpThrough`, a clone whose window started long after its notification), right
 * after that head: still before every copy in the line, and counted as a late park so that the head
 * being given up at the same time does not cover it.
 */
export function parkTransaction(
  tableName: string,
  group: readonly ParkedNotification[],
  givenUpThrough: string | undefined,
): TransactWriteCommandInput {
  const first = group[0]!;
  const destinationKey = keyOf(first.destination);
  const sortKeys = group.map((parked) => {
    const natural = parkedSortKey(destinationKey, parked.receivedAt, parked.id);
    return givenUpThrough === undefined ? natural : lateSortKey(givenUpThrough, destinationKey, natural);
  });
  // The head ends before the earliest of them: every one is behind it.
  const earliest = sortKeys.reduce((min, key) => (key < min ? key : min));
  return {
    TransactItems: [
      {
        // Once the breaker closed or the destination resumed, the caller attempts instead.
        Update: {
          TableName: tableName,
          Key: { pk: first.phoneNumber, sk: healthSortKey(destinationKey) },
          UpdateExpression: givenUpThrough === undefined ? 'ADD parked :count' : 'ADD parked :count, lateParks :count',
          ConditionExpression: `(#state IN (:open, :draining) OR paused = :true) AND ${
            givenUpThrough === undefined ? '(attribute_not_exists(givenUpThrough) OR givenUpThrough < :sk)' : 'givenUpThrough = :head'
          }`,
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: {
            ':count': group.length,
            ':open': 'open',
            ':draining': 'draining',
            ':true': true,
            ...(givenUpThrough === undefined ? { ':sk': earliest } : { ':head': givenUpThrough }),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      ...group.map((parked, index) => ({
        Put: {
          TableName: tableName,
          Item: parkedItem(parked, sortKeys[index]!),
          // SQS may hand a message out twice: the same notification is parked once.
          ConditionExpression: 'attribute_not_exists(sk)',
        },
      })),
    ],
  };
}

/** What a failed park transaction of `copies` copies means; anything else (a conflict that never cleared) is thrown again. */
export function parkCancelled(error: unknown, copies: number): ParkResult {
  if (!(error instanceof TransactionCanceledException)) throw error;
  const [breaker, ...items] = error.CancellationReasons ?? [];
  if (breaker?.Code === 'ConditionalCheckFailed') {
    const old = breaker.Item ? unmarshall(breaker.Item) : {};
    const admits = old.state === 'open' || old.state === 'draining' || old.paused === true;
    return admits && typeof old.givenUpThrough === 'string' ? { kind: 'late', givenUpThrough: old.givenUpThrough } : { kind: 'refused' };
  }
  if (items.some((item) => item.Code === 'ConditionalCheckFailed')) return { kind: copies === 1 ? 'parked' : 'duplicate' };
  throw error;
}
