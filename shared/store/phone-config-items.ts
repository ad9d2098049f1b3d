// A phone number's configuration as one Query of its partition returns it: the config item (primary,
// enabled), its webhooks in the order they were added, and their breakers.
import type { PhoneConfig } from '../domain/webhook.js';
import { healthFromItem } from './health-items.js';
import { CONFIG_SORT_KEY, HEALTH_PREFIX, isWebhookSortKey } from './item-keys.js';
import { primaryOf, signingOf } from './signing-attributes.js';

export function phoneConfigOf(items: readonly Record<string, unknown>[]): PhoneConfig {
  const configItem = items.find((item) => item.sk === CONFIG_SORT_KEY);
  const destinations = items
    .filter((item) => isWebhookSortKey(String(item.sk)))
    .sort((a, b) => String(a.createdAt).localeCompare(String(b.createdAt)))
    .map((item) => ({
      name: String(item.sk),
      url: String(item.url),
      headers: (item.headers ?? {}) as Record<string, string>,
      ...signingOf(item.signing),
      ...addedAtOf(item.createdAt),
    }));
  const health = Object.fromEntries(
    items
      .filter((item) => String(item.sk).startsWith(HEALTH_PREFIX))
      .map((item) => [String(item.sk).slice(HEALTH_PREFIX.length), healthFromItem(item)]),
  );
  return {
    ...(Object.keys(health).length > 0 && { health }),
    primary: primaryOf(configItem),
    enabled: configItem?.enabled === true,
    destinations,
  };
}

/** createdAt is `<ISO time>#<index in its request>`. */
function addedAtOf(createdAt: unknown): { addedAt?: number } {
  const at = typeof createdAt === 'string' ? Date.parse(createdAt.split('#')[0]!) : Number.NaN;
  return Number.isFinite(at) ? { addedAt: at } : {};
}
