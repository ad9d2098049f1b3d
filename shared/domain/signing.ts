// Signed deliveries (Standard Webhooks): the secret's format, the signature of one attempt, the
// rotation rule, and the port that seals secrets for storage. No secret is ever stored or logged in
// the clear: the store holds sealed secrets, and only delivery and the routes that issue one open them.
import { createHmac, randomBytes } from 'node:crypto';
import { keyOf, type DestinationRef } from './destination.js';

export const SECRET_PREFIX = 'whsec_';
/** 24 random bytes (192 bits): Standard Webhooks asks for 24 to 64. */
const SECRET_BYTES = 24;

/** A webhook's signing secrets as the store keeps them: sealed, the previous one until its grace ends. */
export interface SealedSigning {
  secret: string;
  previous?: { secret: string; until: number };
}

/**
 * What a request asks of a webhook's signing: switch it on with this newly sealed secret (kept
 * if the webhook already signs), or off. Absent: unchanged.
 */
export type SigningChange = { enable: SealedSigning } | 'off';

/** Which webhook a sealed secret belongs to: the seal binds it, so it opens for that webhook only. */
export interface SealContext {
  phoneNumber: string;
  destination: DestinationRef;
}

/** Encrypts secrets for storage (AES-256-GCM under the master key, in shared/signing/). */
export interface SecretSealer {
  seal(secret: string, context: SealContext): Promise<string>;
  /** Throws when the sealed text was not sealed for this context (another number's or webhook's). */
  open(sealed: string, context: SealContext): Promise<string>;
}

/** The additional authenticated data of a seal: the number and the webhook, so a copied seal fails. */
export function sealBinding({ phoneNumber, destination }: SealContext): string {
  return `${phoneNumber}\u0000${destination.role}\u0000${keyOf(destination)}`;
}

/** A new secret: `whsec_` and the base64 of random bytes, as Standard Webhooks' libraries read it. */
export function newSigningSecret(random: (size: number) => Buffer = randomBytes): string {
  return `${SECRET_PREFIX}${random(SECRET_BYTES).toString('base64')}`;
}

/** `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, the key being the secret's decoded bytes. */
export function signatureOf(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** The `webhook-signature` value: one signature per live secret, the newest first, space-separated. */
export function signatureHeader(secrets: readonly string[], id: string, timestamp: number, body: string): string {
  return secrets.map((secret) => signatureOf(secret, id, timestamp, body)).join(' ');
}

/** The sealed secrets that sign at `now`: the current one, and the previous one during its grace. */
export function liveSealed(signing: SealedSigning, now: number): string[] {
  return signing.previous && now < signing.previous.until ? [signing.secret, signing.previous.secret] : [signing.secret];
}

/** After a rotation: the new secret signs, the old one too until `now + graceSeconds`. */
export function rotated(current: SealedSigning, next: string, now: number, graceSeconds: number): SealedSigning {
  return { secret: next, ...(graceSeconds > 0 && { previous: { secret: current.secret, until: now + graceSeconds * 1000 } }) };
}
