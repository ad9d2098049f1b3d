// API keys: generated with enough entropy to be unguessable, stored and looked up only as hashes.
import { createHash, randomBytes } from 'node:crypto';

const KEY_PREFIX = 'mwk_';

/** A new secret key; shown once, never stored. */
export function generateApiKey(): string {
  return `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** The SHA-256 of a key, hex: what the table stores and what a lookup uses. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** A short public handle of a key (a hash prefix), safe to list and to name in `keys revoke`. */
export function apiKeyId(keyHash: string): string {
  return keyHash.slice(0, 12);
}

/** Phone numbers are E.164 digits without '+': 6 to 15 digits. */
export function isPhoneNumber(value: string): boolean {
  return /^[0-9]{6,15}$/.test(value);
}
