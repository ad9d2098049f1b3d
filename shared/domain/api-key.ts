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

export interface ApiKeySummary {
  keyId: string;
  createdAt: string;
}

/** API keys by hash: the authorizer resolves them, the keys CLI and local seeding manage them. */
export interface ApiKeyStore {
  /** The phone number a key belongs to, or undefined for an unknown key. */
  resolve(key: string): Promise<string | undefined>;
  /** Creates a new key for the phone number and returns it; only its hash is stored. */
  create(phoneNumber: string): Promise<{ key: string; keyId: string }>;
  /** Stores a key chosen elsewhere (local seeding with LOCAL_API_KEYS); idempotent. */
  register(phoneNumber: string, key: string): Promise<string>;
  list(phoneNumber: string): Promise<ApiKeySummary[]>;
  revoke(phoneNumber: string, keyId: string): Promise<void>;
}
