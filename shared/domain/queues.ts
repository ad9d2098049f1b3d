// The queue ports: what ingest and delivery need from the notifications and retries queues.
import type { CloneRetryMessage, Notification } from './notification.js';

export type QueueSource = 'notifications' | 'retries';

export interface NotificationQueue {
  /** Resolves once every notification is queued; throws when any of them could not be. */
  enqueue(notifications: readonly Notification[]): Promise<void>;
}

export interface DeliveryQueue {
  /** Which queue a record came from, by its event source ARN. */
  sourceOf(eventSourceArn: string): QueueSource;
  /** Keeps a failed record invisible until its next attempt is due. */
  holdBack(source: QueueSource, receiptHandle: string, seconds: number): Promise<void>;
  /** Queues failed clones on the retries queue, first attempt after `delaySeconds`. */
  scheduleCloneRetries(retries: readonly CloneRetryMessage[], delaySeconds: number): Promise<void>;
  /** Moves a record's body to the dead-letter queue of the queue it came from, with the reason. */
  deadLetter(source: QueueSource, body: string, reason: string): Promise<void>;
}
