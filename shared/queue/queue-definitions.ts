// The queues' shape, read by the CDK stack and by the local runtime, so both create the same queues.

/** Longest retry window (7 days) plus room to redrive: SQS's maximum retention. */
export const QUEUE_RETENTION_SECONDS = 14 * 24 * 60 * 60;

/**
 * Redrive safety net only: the delivery function dead-letters expired and malformed records itself,
 * so this count is reached only by a record that crashes the function again and again.
 */
export const MAX_RECEIVE_COUNT = 100;

export const queueDefinitions = {
  /** Incoming notifications, one per phone number (ingest and platform producers send here). */
  notifications: { name: 'notifications', deadLetter: 'notifications-dlq' },
  /** Clone deliveries that failed and are retried on their own schedule (delivery sends here). */
  retries: { name: 'retries', deadLetter: 'retries-dlq' },
} as const;

export type QueueRole = keyof typeof queueDefinitions;
