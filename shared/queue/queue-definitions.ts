// The queues' shape, read by the CDK stack and by the local runtime, so both create the same queues.

/** Longest retry window (7 days) plus room to redrive: SQS's maximum retention. */
export const QUEUE_RETENTION_SECONDS = 14 * 24 * 60 * 60;

/**
 * "Poison" only: retries are new delayed messages and failures park or dead-letter themselves, so a
 * record is received more than once only when the function crashed or timed out on it. Five such
 * receives, and SQS moves it to the dead-letter queue.
 */
export const MAX_RECEIVE_COUNT = 5;

/** SQS's limit for one message body and for the sum of the bodies of one batch (1 MiB). */
export const MAX_SQS_MESSAGE_BYTES = 1_048_576;
/** SQS's limit of entries in one SendMessageBatch. */
export const MAX_BATCH_ENTRIES = 10;
/** SQS caps a message's initial delay at 15 minutes. */
export const MAX_DELAY_SECONDS = 900;

export const queueDefinitions = {
  /** Incoming notifications, one per phone number (ingest and platform producers send here). */
  notifications: { name: 'notifications', deadLetter: 'notifications-dlq' },
  /**
   * Everything that is not a first delivery to a healthy destination (delivery sends here): retries,
   * copies for slow or failing destinations (the slow lane) and the breakers' probe and drain timers.
   */
  retries: { name: 'retries', deadLetter: 'retries-dlq' },
} as const;

export type QueueRole = keyof typeof queueDefinitions;
