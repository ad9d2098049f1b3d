// Turns one SQS record into a delivery. Every outcome of a delivery is queue work the service does
// itself (a new delayed message, a parked item, a dead letter), so a record that returns is done; a
// record that throws is received again, and after MAX_RECEIVE_COUNT receives SQS dead-letters it.
import type { SQSRecord } from 'aws-lambda';
import { deduplicationKey, type Deduplication, type TimeBudget } from '../domain/deduplication.js';
import { isTimer, type Notification, type NotificationMessage, type RetriesMessage } from '../domain/notification.js';
import { PayloadUnavailable, type PayloadStore } from '../domain/payload.js';
import type { DeliveryQueue, QueueSource } from '../domain/queues.js';
import { logger } from '../logger.js';
import { decodeMessage } from '../queue/message-codec.js';
import type { DeliveryService } from './delivery-service.js';

export interface RecordHandlerDependencies {
  service: DeliveryService;
  /** Producers' notifications on the queue door are taken once per id and window, like ingest's. */
  deduplication: Deduplication;
  queue: Pick<DeliveryQueue, 'sourceOf' | 'deadLetter'>;
  payloads: PayloadStore;
}

export type RecordHandler = (record: SQSRecord, context: TimeBudget) => Promise<void>;

export function createRecordHandler(deps: RecordHandlerDependencies): RecordHandler {
  return async (record, context) => {
    const source = deps.queue.sourceOf(record.eventSourceARN);
    const reading = readMessage(source, record, deps.payloads);
    const read = reading instanceof Promise ? await reading : reading;
    if (!read.success) {
      // A malformed message can never succeed: straight to the dead-letter queue, no retry loop.
      logger.error('Malformed queue message dead-lettered', { source, messageId: record.messageId, problem: read.problem });
      await deps.queue.deadLetter(source, record.body, `malformed: ${read.problem}`);
      return;
    }
    const { message, notification } = read;
    if (source === 'notifications') {
      const { payloadRef, id, receivedAt } = message as NotificationMessage;
      const deliver = () => deps.service.deliverNotification(notification!, payloadRef);
      // Ingest de-duplicated its own messages (they carry the receive time); a producer's carry its
      // id, if any, as the key. A failed delivery forgets it, so the record's next receive delivers.
      if (receivedAt !== undefined || id === undefined) return deliver();
      const verdict = await deps.deduplication.once(deduplicationKey(notification!.phoneNumber, id), deliver, context);
      if (verdict === 'duplicate') logger.info('Producer notification already delivered: dropped', { notificationId: id });
      return;
    }
    return deps.service.handleRetry(message as RetriesMessage, notification);
  };
}

type Read =
  { success: true; message: NotificationMessage | RetriesMessage; notification?: Notification } | { success: false; problem: string };

/** A message that carries a notification: every one but a breaker's timer. */
type CopyMessage = Exclude<RetriesMessage, { kind: 'probe' | 'drain' }> | NotificationMessage;

/**
 * The message with its notification (payload included), or why no attempt can ever have them. Only
 * a payload in the payload store is waited for: an inline one (nearly all) costs no promise.
 */
function readMessage(source: QueueSource, record: SQSRecord, payloads: PayloadStore): Read | Promise<Read> {
  const decoded = decodeMessage(source, record.body);
  if (!decoded.success) return decoded;
  const { message } = decoded;
  if (isTimer(message as RetriesMessage)) return { success: true, message };
  const copy = message as CopyMessage;
  if (!copy.payloadRef) return withPayload(message, copy, record, copy.payload);
  return withStoredPayload(message, copy, record, payloads);
}

async function withStoredPayload(
  message: NotificationMessage | RetriesMessage,
  copy: CopyMessage,
  record: SQSRecord,
  payloads: PayloadStore,
): Promise<Read> {
  try {
    return withPayload(message, copy, record, await payloads.load(copy.phoneNumber, copy.payloadRef!));
  } catch (error) {
    if (error instanceof PayloadUnavailable) return { success: false, problem: error.message };
    throw error;
  }
}

function withPayload(
  message: NotificationMessage | RetriesMessage,
  copy: CopyMessage,
  record: SQSRecord,
  payload: string | undefined,
): Read {
  if (payload === undefined) return { success: false, problem: 'the message carries neither payload nor payloadRef' };
  const notification: Notification = {
    id: copy.id ?? record.messageId,
    phoneNumber: copy.phoneNumber,
    payload,
    signature: copy.signature,
    receivedAt: copy.receivedAt ?? Number(record.attributes.SentTimestamp),
  };
  return { success: true, message, notification };
}
