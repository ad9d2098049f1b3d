// Ingest takes each notification once per window: Meta's re-sends and replays of a delivery that
// someone saw are answered without queuing anything again.
import { Conflict } from './errors.js';

export type Verdict = 'accepted' | 'duplicate';

/** The invocation's time budget: a record left in progress by a crash expires with it, so the retry is taken. */
export interface TimeBudget {
  getRemainingTimeInMillis(): number;
}

export interface Deduplication {
  /**
   * Runs `accept` unless `key` was accepted within the window (then 'duplicate'). A failed
   * `accept` forgets the key, so the sender's retry is taken; a concurrent run of the same key
   * throws AcceptInProgress.
   */
  once(key: string, accept: () => Promise<void>, budget: TimeBudget): Promise<Verdict>;
}

/** The same notification is being accepted at this moment: the sender should try again (Meta does on any non-200). */
export class AcceptInProgress extends Conflict {
  constructor() {
    super('The same notification is being accepted at this moment; send it again.');
  }
}

/** One number's copy of a notification: the id is derived from the content, the number keeps copies of a split body apart. */
export function deduplicationKey(phoneNumber: string, notificationId: string): string {
  return `${phoneNumber}#${notificationId}`;
}
