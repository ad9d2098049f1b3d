// Phone configurations for delivery, cached for CONFIG_CACHE_SECONDS and read once per number at a time.
import type { PhoneConfig } from '../domain/webhook.js';

/** A warm function serving very many numbers sheds expired entries past this size. */
const MAX_CACHED_NUMBERS = 10_000;

export type ConfigReader = (phoneNumber: string, options?: { fresh?: boolean }) => Promise<PhoneConfig>;

/**
 * Wraps a store read: within `ttlSeconds` a number's configuration is served from memory, and
 * concurrent deliveries for the same number share one read (a batch of 10 costs one query).
 */
export function cachedConfigReader(
  read: (phoneNumber: string) => Promise<PhoneConfig>,
  ttlSeconds: number,
  now: () => number = Date.now,
): ConfigReader {
  const entries = new Map<string, { config: Promise<PhoneConfig>; expiresAt: number }>();
  return (phoneNumber, { fresh = false } = {}) => {
    const entry = entries.get(phoneNumber);
    if (entry && !fresh && entry.expiresAt > now()) return entry.config;
    if (entries.size >= MAX_CACHED_NUMBERS) forgetExpired(entries, now());
    const config = read(phoneNumber);
    // Until the read settles, concurrent callers share it; a failed read is not cached.
    const pending = { config, expiresAt: Number.POSITIVE_INFINITY };
    entries.set(phoneNumber, pending);
    config.then(
      () => (pending.expiresAt = now() + ttlSeconds * 1000),
      () => entries.get(phoneNumber) === pending && entries.delete(phoneNumber),
    );
    return config;
  };
}

function forgetExpired(entries: Map<string, { expiresAt: number }>, at: number): void {
  for (const [phoneNumber, entry] of entries) if (entry.expiresAt <= at) entries.delete(phoneNumber);
}
