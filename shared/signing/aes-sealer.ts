// The SecretSealer in process: AES-256-GCM under a key derived from the master key, the number and the
// webhook bound as additional authenticated data, so a sealed secret opens for its own webhook only.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { sealBinding, type SealContext, type SecretSealer } from '../domain/signing.js';

const VERSION = 'v1';
const IV_BYTES = 12;
/** Names what the derived key is for: the master key may one day derive others. */
const KEY_INFO = 'multi-webhook signing secrets v1';

/** `masterKey` is read on use (a Secrets Manager read is cached by its provider); the derived key is kept per master key. */
export function createAesSealer(masterKey: () => Promise<string>): SecretSealer {
  let derived: { from: string; key: Buffer } | undefined;
  const key = async () => {
    const master = await masterKey();
    if (derived?.from !== master) derived = { from: master, key: Buffer.from(hkdfSync('sha256', master, '', KEY_INFO, 32)) };
    return derived.key;
  };
  return {
    async seal(secret: string, context: SealContext): Promise<string> {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', await key(), iv);
      cipher.setAAD(Buffer.from(sealBinding(context)));
      const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return [VERSION, iv, sealed, cipher.getAuthTag()]
        .map((part) => (typeof part === 'string' ? part : part.toString('base64')))
        .join('.');
    },
    async open(sealed: string, context: SealContext): Promise<string> {
      const [version, iv, data, tag] = sealed.split('.');
      if (version !== VERSION || !iv || data === undefined || !tag) throw new Error('A sealed signing secret has an unknown format.');
      const decipher = createDecipheriv('aes-256-gcm', await key(), Buffer.from(iv, 'base64'));
      decipher.setAAD(Buffer.from(sealBinding(context)));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      try {
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
      } catch {
        // Never the sealed text nor the key: only that it does not belong here.
        throw new Error('A sealed signing secret did not open: it was sealed for another webhook or under another master key.');
      }
    },
  };
}
