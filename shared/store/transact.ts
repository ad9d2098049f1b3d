// A transaction whose cancellation by failed conditions becomes the domain error a caller picks from
// which of its items failed. The request token makes the SDK's own retries of it idempotent.
import { randomUUID } from 'node:crypto';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isTransactionConflict } from './races.js';

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

export async function transactOrExplain(
  db: DynamoDBDocumentClient,
  requestToken: string | undefined,
  items: TransactItem[],
  explain: (failed: boolean[], oldItems: (Record<string, unknown> | undefined)[]) => Error,
  /** The error when another transaction on the same items was in flight: the client may simply try again. */
  conflict: () => Error,
): Promise<void> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: items, ClientRequestToken: requestToken ?? randomUUID() }));
  } catch (error) {
    if (!(error instanceof TransactionCanceledException)) throw error;
    const reasons = error.CancellationReasons ?? [];
    const failed = reasons.map((reason) => reason.Code === 'ConditionalCheckFailed');
    if (!failed.some(Boolean)) {
      if (isTransactionConflict(error)) throw conflict();
      throw error;
    }
    // The document client does not unmarshall items carried by the error.
    throw explain(
      failed,
      reasons.map((reason) => (reason.Item ? unmarshall(reason.Item) : undefined)),
    );
  }
}
