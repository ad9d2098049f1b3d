// A copy: one notification on its way to one destination, at some attempt of its retry window, and
// the forms it takes on the way (a retries-queue message, a parked item, a dead letter).
import { nameOf, type DestinationRef } from '../domain/destination.js';
import type { Notification, PrimaryRetryMessage, CloneRetryMessage, NotificationMessage } from '../domain/notification.js';
import type { ParkedNotification } from '../domain/parking.js';
import type { PayloadRef } from '../domain/payload.js';
import type { QueueSource } from '../domain/queues.js';
import { encodeMessage } from '../queue/message-codec.js';

export interface Copy {
  notification: Notification;
  /** Where a large payload waits: carried instead of the payload, so it is never copied into messages. */
  payloadRef?: PayloadRef;
  destination: DestinationRef;
  /** The attempt this copy makes next (1 for a first delivery). */
  attempt: number;
  /** Epoch ms the retry window counts from: the receive time for the primary, the first failure for a clone. */
  windowStart: number;
}

/** The copy as a message on the retries queue, for an attempt later or on the slow lane. */
export function retryMessageOf(copy: Copy, notBefore?: number): PrimaryRetryMessage | CloneRetryMessage {
  const { id, phoneNumber, receivedAt, signature } = copy.notification;
  const body = {
    id,
    phoneNumber,
    receivedAt,
    ...(signature && { signature }),
    ...payloadOf(copy),
    attempt: copy.attempt,
    ...(notBefore && { notBefore }),
  };
  const name = nameOf(copy.destination);
  return name === undefined
    ? { kind: 'primary', ...body, firstAttemptAt: copy.windowStart }
    : { kind: 'clone', ...body, destination: name, firstFailedAt: copy.windowStart };
}

/** The dead letter of a copy: a primary's goes to the notifications DLQ as the notification it was, a clone's to the retries DLQ. */
export function deadLetterOf(copy: Copy): { source: QueueSource; body: string } {
  if (copy.destination.role === 'clone') return { source: 'retries', body: encodeMessage(retryMessageOf(copy)) };
  const { id, phoneNumber, receivedAt, signature } = copy.notification;
  const message: NotificationMessage = { phoneNumber, id, receivedAt, ...(signature && { signature }), ...payloadOf(copy) };
  return { source: 'notifications', body: encodeMessage(message) };
}

export function parkedOf(copy: Copy, deadline: number, payloadRef: PayloadRef | undefined): ParkedNotification {
  const { id, phoneNumber, receivedAt, signature, payload } = copy.notification;
  return {
    phoneNumber,
    destination: copy.destination,
    id,
    receivedAt,
    ...(signature && { signature }),
    ...(payloadRef ? { payloadRef } : { payload }),
    attempt: copy.attempt,
    windowStart: copy.windowStart,
    deadline,
    // Its record is written parked with this deadline as giveUpAt (DeliveryService.park).
    recordDiesAtDeadline: true,
  };
}

export function copyOfParked(parked: ParkedNotification, payload: string): Copy {
  const { id, phoneNumber, receivedAt, signature } = parked;
  return {
    notification: { id, phoneNumber, receivedAt, payload, ...(signature && { signature }) },
    ...(parked.payloadRef && { payloadRef: parked.payloadRef }),
    destination: parked.destination,
    attempt: parked.attempt,
    windowStart: parked.windowStart,
  };
}

function payloadOf(copy: Copy): { payload: string } | { payloadRef: PayloadRef } {
  return copy.payloadRef ? { payloadRef: copy.payloadRef } : { payload: copy.notification.payload };
}
