// A failed delivery attempt, as people looking back see it, and the port that keeps them.

export interface FailedAttempt {
  phoneNumber: string;
  notificationId: string;
  /** Exact-case name of the additional webhook, or "primary". */
  destination: string;
  /** The HTTP status the destination answered, when it answered. */
  status?: number;
  /** timeout | connection | dns | refused-address, when it did not answer. */
  error?: string;
  latencyMs: number;
  attempt: number;
  /** Epoch milliseconds of the next attempt; absent when this was the last one. */
  nextAttemptAt?: number;
  at: number;
}

export interface AttemptStore {
  recordFailure(attempt: FailedAttempt): Promise<void>;
}
