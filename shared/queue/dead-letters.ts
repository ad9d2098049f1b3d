// The dead-letter queues as operators read them: every message seen once without being lost, and
// moved back to its source queue only after the source queue took it.
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { QueueSource } from '../domain/queues.js';
import type { DeliveryQueueUrls } from './delivery-queue.js';
import { MAX_BATCH_ENTRIES, MAX_RECEIVE_COUNT } from './queue-definitions.js';

export interface DeadLetter {
  source: QueueSource;
  messageId: string;
  receiptHandle: string;
  body: string;
  /** The reason delivery gave, or SQS's own for a message it moved after MAX_RECEIVE_COUNT receives. */
  reason: string;
  /** Epoch ms it was dead-lettered (for a message SQS moved: when it was first sent, which SQS keeps). */
  deadLetteredAt: number;
}

export const SQS_MOVED_REASON = `received ${MAX_RECEIVE_COUNT} times without completing (delivery crashed or timed out on it); moved by SQS`;

/**
 * Long polling asks every SQS server, so an empty answer means the queue has nothing visible left,
 * where a short poll samples some servers only.
 */
const RECEIVE_WAIT_SECONDS = 1;

export class SqsDeadLetters {
  constructor(
    private readonly sqs: SQSClient,
    private readonly urls: DeliveryQueueUrls,
  ) {}

  /**
   * Every message of a dead-letter queue, in batches, each hidden for `holdSeconds` from its receive
   * so that the scan sees it once (peek and release: `release` shows the ones not moved again at once;
   * if the process dies, they reappear when the hold ends). Stops when the queue has no message it has
   * not seen, or at `limit`.
   */
  async *scan(source: QueueSource, options: { holdSeconds: number; limit: number }): AsyncGenerator<DeadLetter[]> {
    const seen = new Set<string>();
    while (seen.size < options.limit) {
      const { Messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: this.deadLetterUrl(source),
          MaxNumberOfMessages: Math.min(MAX_BATCH_ENTRIES, options.limit - seen.size),
          VisibilityTimeout: options.holdSeconds,
          WaitTimeSeconds: RECEIVE_WAIT_SECONDS,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['SentTimestamp'],
        }),
      );
      const fresh = Messages.filter((message) => message.MessageId && !seen.has(message.MessageId));
      if (fresh.length === 0) return;
      for (const message of fresh) seen.add(message.MessageId!);
      yield fresh.map((message) => deadLetterOf(source, message));
    }
  }

  /** Sends the body to the source queue in its number's fair-queue group, then deletes the dead letter. */
  async moveBack(letter: DeadLetter, body: string, phoneNumber: string | undefined): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: letter.source === 'notifications' ? this.urls.notifications : this.urls.retries,
        MessageBody: body,
        ...(phoneNumber && { MessageGroupId: phoneNumber }),
      }),
    );
    await this.sqs.send(new DeleteMessageCommand({ QueueUrl: this.deadLetterUrl(letter.source), ReceiptHandle: letter.receiptHandle }));
  }

  /** Makes scanned messages visible again now rather than when their hold ends. */
  async release(letters: readonly DeadLetter[]): Promise<void> {
    for (let start = 0; start < letters.length; start += MAX_BATCH_ENTRIES) {
      const batch = letters.slice(start, start + MAX_BATCH_ENTRIES);
      await this.sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.deadLetterUrl(batch[0]!.source),
          Entries: batch.map((letter, index) => ({ Id: String(index), ReceiptHandle: letter.receiptHandle, VisibilityTimeout: 0 })),
        }),
      );
    }
  }

  private deadLetterUrl(source: QueueSource): string {
    return source === 'notifications' ? this.urls.notificationsDeadLetter : this.urls.retriesDeadLetter;
  }
}

function deadLetterOf(source: QueueSource, message: Message): DeadLetter {
  const attributes = message.MessageAttributes ?? {};
  const at = Date.parse(attributes.deadLetteredAt?.StringValue ?? '');
  return {
    source,
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    reason: attributes.reason?.StringValue ?? SQS_MOVED_REASON,
    deadLetteredAt: Number.isNaN(at) ? Number(message.Attributes?.SentTimestamp ?? Date.now()) : at,
  };
}
