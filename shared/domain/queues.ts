// The queue ports: what ingest and delivery need from the notifications and retries queues.
import type { Notification, RetriesMessage } from './notification.js';

export type QueueSource = 'notifications' | 'retries';

export interface NotificationQueue {
  /** Resolves once every notification is queued; throws when any of them could not be. */
  enqueue(notifications: readonly Notification[]): Promise<void>;
}

export interface DeliveryQueue {
  /** Which queue a record came from, by its event source ARN. */
  sourceOf(eventSourceArn: string): QueueSource;
  /**
   * Sends to the retries queue (retries, the slow lane and the breakers' timers), visible after
   * `delaySeconds` (at most SQS's 15 minutes: longer waits hop, see the messages' notBefore and at).
   */
  sendRetries(messages: readonly RetriesMessage[], delaySeconds: number): Promise<void>;
  /** Moves a body to the dead-letter queue of the queue it belongs to, with the reason (and its number's fair-queue group). */
  deadLetter(source: QueueSource, body: string, reason: string, phoneNumber?: string): Promise<void>;
  /** The same for several at once, in as few requests as SQS allows; resolves once every one is in its dead-letter queue. */
  deadLetterAll(letters: readonly OutgoingDeadLetter[]): Promise<void>;
}

export interface OutgoingDeadLetter {
  source: QueueSource;
  body: string;
  reason: string;
  phoneNumber?: string;
}
