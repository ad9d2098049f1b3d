// Key formats of the single table. Webhook names are stored as the sort key exactly as given.

/**
 * Names cannot contain control characters, so a sort key that starts with one can never be a
 * webhook name: the per-number items below never collide with a webhook.
 */
const RESERVED_PREFIX = '\u0000';

export const CONFIG_SORT_KEY = `${RESERVED_PREFIX}config`;
export const API_KEY_INDEX_PREFIX = `${RESERVED_PREFIX}api-key#`;
/** A destination's breaker, in its number's partition so the configuration read brings it along. */
export const HEALTH_PREFIX = `${RESERVED_PREFIX}health#`;

/** The health item's sort key: the prefix alone for the primary, then the clone's exact name. */
export function healthSortKey(destinationKey: string): string {
  return `${HEALTH_PREFIX}${destinationKey}`;
}

export function isWebhookSortKey(sortKey: string): boolean {
  return !sortKey.startsWith(RESERVED_PREFIX);
}

/** Phone partitions are digits only, so these partition keys never collide with a phone number. */
export function apiKeyPartition(keyHash: string): string {
  return `api-key#${keyHash}`;
}

export function attemptsPartition(phoneNumber: string): string {
  return `attempts#${phoneNumber}`;
}

/** Every parked notification of a number, sorted by destination, then by arrival. */
export function parkedPartition(phoneNumber: string): string {
  return `parked#${phoneNumber}`;
}

/**
 * The sort-key prefix of one destination's parked notifications. A clone's name is length-prefixed,
 * so no name's prefix is the beginning of another's ("a" and "a#b" stay apart).
 */
export function parkedPrefix(destinationKey: string): string {
  return destinationKey === '' ? 'p#' : `c#${destinationKey.length}:${destinationKey}#`;
}

/** Arrival order within a destination: receive time (zero-padded epoch ms), then the id. */
export function parkedSortKey(destinationKey: string, receivedAt: number, id: string): string {
  return `${parkedPrefix(destinationKey)}${String(receivedAt).padStart(15, '0')}#${id}`;
}

/** The id in a parkedSortKey of that destination (what follows its prefix, the receive time and '#'). */
export function parkedIdOf(destinationKey: string, sortKey: string): string {
  return sortKey.slice(parkedPrefix(destinationKey).length + 16);
}

/** The numbers known to belong to a WABA: one item per number, whose sort key is the number. */
export function wabaNumbersPartition(wabaId: string): string {
  return `waba#${wabaId}`;
}

/** The WABA a number was last seen in, so that a number that moves leaves its old WABA's list. */
export function wabaOfPartition(phoneNumber: string): string {
  return `waba-of#${phoneNumber}`;
}

export const WABA_OF_SORT_KEY = 'waba';

/**
 * A number's delivery log: one record per notification and destination, sorted by the
 * notification's receive time (so newest first is a reverse Query and a time range is a key range),
 * and one item per notification, found by its id alone, with what a replay needs.
 */
export function deliveriesPartition(phoneNumber: string): string {
  return `deliveries#${phoneNumber}`;
}

/** Every delivery record starts with this; the notification items never do. */
export const DELIVERY_RECORD_PREFIX = 't#';

/** The receive time as it sorts in a record's key (zero-padded epoch ms). */
export function deliveryTimeKey(receivedAt: number): string {
  return `${DELIVERY_RECORD_PREFIX}${String(receivedAt).padStart(15, '0')}#`;
}

/** The records of one notification: its receive time and id, then the destination ('p' for the primary, 'c:<name>' for a clone). */
export function deliveryNotificationPrefix(receivedAt: number, id: string): string {
  return `${deliveryTimeKey(receivedAt)}${id}#`;
}

export function deliveryRecordSortKey(receivedAt: number, id: string, destinationKey: string): string {
  return `${deliveryNotificationPrefix(receivedAt, id)}${destinationKey === '' ? 'p' : `c:${destinationKey}`}`;
}

/** The notification item of the log: its receive time, signature and payload (or payloadRef), kept once for all its destinations. */
export function deliveryNotificationSortKey(id: string): string {
  return `n#${id}`;
}
