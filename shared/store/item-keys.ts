// Key formats of the single table. Webhook names are stored as the sort key exactly as given.

/**
 * Names cannot contain control characters, so a sort key that starts with one can never be a
 * webhook name: the per-number items below never collide with a webhook.
 */
const RESERVED_PREFIX = '\u0000';

export const CONFIG_SORT_KEY = `${RESERVED_PREFIX}config`;
export const API_KEY_INDEX_PREFIX = `${RESERVED_PREFIX}api-key#`;

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
