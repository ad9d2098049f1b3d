// What a dead-lettered message is (for `dlq list`) and the message that sends it back for delivery (for `dlq redrive`).
import { isTimer, type NotificationMessage, type RetriesMessage } from '../domain/notification.js';
import type { QueueSource } from '../domain/queues.js';
import { decodeMessage, encodeMessage } from './message-codec.js';

export interface DeadLetterContent {
  phoneNumber?: string;
  notificationId?: string;
  /** "primary", the clone's exact name, or the timer ("probe"/"drain" of a destination). */
  destination?: string;
  /** The body to send to the source queue, or undefined when it cannot be delivered as it is (see problem). */
  redriveBody?: string;
  problem?: string;
}

/**
 * Reads a dead letter and builds its redriven form. Delivery gives a copy up once its window
 * (RETRY_MAX_AGE_SECONDS) has passed since the window's start, so a redriven copy starts a new window
 * at `now` and counts its attempts from 1 again; a copy sent back unchanged would be dead-lettered
 * after one failed attempt. The notification id (`webhook-id`) stays, so receivers still de-duplicate.
 * A message without an id (a producer's) takes the dead letter's message id, which SQS keeps from the
 * original message, so the id the receiver saw does not change either.
 */
export function readDeadLetter(source: QueueSource, body: string, messageId: string, now: number): DeadLetterContent {
  if (source === 'notifications') {
    const decoded = decodeMessage('notifications', body);
    if (!decoded.success) return { problem: `not a notification message (${decoded.problem})`, ...phoneOfRaw(body) };
    const message: NotificationMessage = { ...decoded.message, id: decoded.message.id ?? messageId, receivedAt: now };
    return { phoneNumber: message.phoneNumber, notificationId: message.id, destination: 'primary', redriveBody: encodeMessage(message) };
  }
  const decoded = decodeMessage('retries', body);
  if (!decoded.success) return { problem: `not a retries message (${decoded.problem})`, ...phoneOfRaw(body) };
  const message = decoded.message;
  // A timer is its destination's token: an old one finds another set and does nothing, the current one resumes the probes.
  if (isTimer(message)) {
    const destination = `${message.kind} timer of ${message.destination ?? 'primary'}`;
    return { phoneNumber: message.phoneNumber, destination, redriveBody: encodeMessage(message) };
  }
  return {
    phoneNumber: message.phoneNumber,
    notificationId: message.id,
    destination: message.kind === 'primary' ? 'primary' : message.destination,
    redriveBody: encodeMessage(restarted(message, now)),
  };
}

function restarted(message: Exclude<RetriesMessage, { kind: 'probe' | 'drain' }>, now: number): RetriesMessage {
  const { notBefore: _notBefore, ...rest } = message;
  return rest.kind === 'primary' ? { ...rest, attempt: 1, firstAttemptAt: now } : { ...rest, attempt: 1, firstFailedAt: now };
}

/** The phone number of a body that does not decode, when it has one, so `--phone` still finds it. */
function phoneOfRaw(body: string): { phoneNumber?: string } {
  try {
    const parsed: unknown = JSON.parse(body);
    const phone = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>).phoneNumber : undefined;
    return typeof phone === 'string' ? { phoneNumber: phone } : {};
  } catch {
    return {};
  }
}
