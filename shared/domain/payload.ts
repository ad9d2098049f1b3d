// Payloads too large for a queue message wait in the payload store, one object per notification,
// under their own phone number's prefix: a message for one number can never name another's payload.

/** Where an offloaded payload waits. */
export interface PayloadRef {
  bucket: string;
  key: string;
}

/** The prefix every offloaded payload of a phone number is stored under. */
export function payloadPrefix(phoneNumber: string): string {
  return `payloads/${phoneNumber}/`;
}

export function payloadKey(phoneNumber: string, notificationId: string): string {
  return `${payloadPrefix(phoneNumber)}${notificationId}`;
}

/** A payloadRef that no attempt can ever read (not ours, another number's, or gone): retrying cannot help. */
export class PayloadUnavailable extends Error {}

export interface PayloadStore {
  /** Stores the payload of one notification and says where it is. */
  put(phoneNumber: string, notificationId: string, payload: string): Promise<PayloadRef>;
  /** The payload byte for byte; PayloadUnavailable when the ref can never be read for this number. */
  load(phoneNumber: string, ref: PayloadRef): Promise<string>;
}
