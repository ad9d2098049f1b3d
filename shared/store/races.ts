// Writers that lose a race on one item: how a transaction cancelled by another one looks, and how
// long the loser waits before it tries again.
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/**
 * Real DynamoDB cancels a transaction that meets another one in flight on the same item (a busy
 * breaker: copies of one destination parked in parallel, or a drain beside them); the SDK does not
 * retry that. DynamoDB Local serializes transactions instead, so tests inject it.
 */
export function isTransactionConflict(error: unknown): error is TransactionCanceledException {
  return (
    error instanceof TransactionCanceledException &&
    (error.CancellationReasons ?? []).some((reason) => reason.Code === 'TransactionConflict')
  );
}

/** Lost a race: a short random pause keeps the racers from colliding again in lockstep. */
export function pauseAfterLostRace(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
}

/** Runs `write` again after a lost race (a transaction conflict), up to `attempts` times in all. */
export async function retryingConflicts<T>(write: () => Promise<T>, attempts: number): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (!isTransactionConflict(error) || attempt === attempts) throw error;
      await pauseAfterLostRace(attempt);
    }
  }
}
