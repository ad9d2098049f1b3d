import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { cloneRef, PRIMARY } from '../../../shared/domain/destination.js';
import { newSigningSecret, signatureOf } from '../../../shared/domain/signing.js';
import { createAesSealer } from '../../../shared/signing/aes-sealer.js';
import { SigningSecrets } from '../../../shared/signing/signing-secrets.js';

const MASTER = 'unit-test-master-key-of-32-characters';
const A = { phoneNumber: '15550001111', destination: cloneRef('crm') };
const B = { phoneNumber: '15550002222', destination: cloneRef('crm') };
const nowSeconds = () => Math.floor(Date.now() / 1000);

function verifies(secret: string, signature: string, id: string, timestamp: number, body: string): boolean {
  try {
    new Webhook(secret).verify(body, { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature });
    return true;
  } catch {
    return false;
  }
}

describe('signing secrets', () => {
  it('makes whsec_ secrets of 24 random bytes, a new one each time', () => {
    const [one, two] = [newSigningSecret(), newSigningSecret()];
    expect(one).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(one).not.toBe(two);
  });

  it('signs as Standard Webhooks does: standardwebhooks verifies the signature', () => {
    const secret = newSigningSecret();
    const timestamp = nowSeconds();
    expect(verifies(secret, signatureOf(secret, 'msg-1', timestamp, '{"a":1}'), 'msg-1', timestamp, '{"a":1}')).toBe(true);
    expect(verifies(secret, signatureOf(secret, 'msg-1', timestamp, '{"a":2}'), 'msg-1', timestamp, '{"a":1}')).toBe(false);
  });

  it('opens a sealed secret for the webhook it was sealed for, and for no other number or webhook', async () => {
    const sealer = createAesSealer(async () => MASTER);
    const sealed = await sealer.seal('whsec_abc', A);
    expect(sealed).not.toContain('whsec_abc');
    await expect(sealer.open(sealed, A)).resolves.toBe('whsec_abc');
    await expect(sealer.open(sealed, B)).rejects.toThrow(/did not open/);
    await expect(sealer.open(sealed, { ...A, destination: PRIMARY })).rejects.toThrow(/did not open/);
    await expect(sealer.open(sealed, { ...A, destination: cloneRef('CRM') })).rejects.toThrow(/did not open/);
  });

  it('does not open a seal made under another master key, and never says what the secret was', async () => {
    const sealed = await createAesSealer(async () => MASTER).seal('whsec_abc', A);
    const other = createAesSealer(async () => `${MASTER}-other`);
    await expect(other.open(sealed, A)).rejects.toThrow(expect.objectContaining({ message: expect.not.stringContaining('whsec_abc') }));
  });

  it('signs with both secrets during the grace period of a rotation, and with the new one only after it', async () => {
    const clock = { now: 1_800_000_000_000 };
    const signing = new SigningSecrets(
      createAesSealer(async () => MASTER),
      3600,
      () => clock.now,
    );
    const first = await signing.issue(A);
    const second = await signing.rotate(A, first.sealed);
    const timestamp = nowSeconds();
    const during = await signing.signatureFor(A, second.sealed, 'msg-1', timestamp, '{}', clock.now + 3599_000);
    expect(during.split(' ')).toHaveLength(2);
    expect(verifies(second.secret, during, 'msg-1', timestamp, '{}')).toBe(true);
    expect(verifies(first.secret, during, 'msg-1', timestamp, '{}')).toBe(true);
    const after = await signing.signatureFor(A, second.sealed, 'msg-1', timestamp, '{}', clock.now + 3600_000);
    expect(after.split(' ')).toHaveLength(1);
    expect(verifies(second.secret, after, 'msg-1', timestamp, '{}')).toBe(true);
    expect(verifies(first.secret, after, 'msg-1', timestamp, '{}')).toBe(false);
  });
});
