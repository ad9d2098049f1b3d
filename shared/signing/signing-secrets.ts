// What the routes and delivery do with signing secrets: issue one (returned once, stored sealed),
// rotate with a grace period, and sign an attempt with every live secret.
import { cloneRef, PRIMARY } from '../domain/destination.js';
import type { Destination, Headers } from '../domain/webhook.js';
import {
  liveSealed,
  newSigningSecret,
  rotated,
  signatureHeader,
  type SealContext,
  type SealedSigning,
  type SecretSealer,
  type SigningChange,
} from '../domain/signing.js';

export class SigningSecrets {
  constructor(
    private readonly sealer: SecretSealer,
    /** How long a rotated-out secret keeps signing (SIGNING_ROTATION_GRACE_SECONDS). */
    readonly graceSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new secret for the caller (once) and its sealed form for the store. */
  async issue(context: SealContext): Promise<{ secret: string; sealed: SealedSigning }> {
    const secret = newSigningSecret();
    return { secret, sealed: { secret: await this.sealer.seal(secret, context) } };
  }

  /** The signing after a rotation of `current`, and the new secret for the caller. */
  async rotate(context: SealContext, current: SealedSigning): Promise<{ secret: string; sealed: SealedSigning }> {
    const secret = newSigningSecret();
    const next = await this.sealer.seal(secret, context);
    return { secret, sealed: rotated(current, next, this.now(), this.graceSeconds) };
  }

  /**
   * Destinations as requested (`signing: true` or not) as the store takes them: a new sealed secret
   * for each that signs, and the secrets themselves, by name, to return once.
   */
  async sealRequested(
    phoneNumber: string,
    requested: readonly { name: string; url: string; headers: Headers; signing: boolean }[],
  ): Promise<{ destinations: Destination[]; secrets: Record<string, string> }> {
    const secrets: Record<string, string> = {};
    const destinations = await Promise.all(
      requested.map(async ({ signing, ...destination }) => {
        if (!signing) return destination;
        const issued = await this.issue({ phoneNumber, destination: cloneRef(destination.name) });
        secrets[destination.name] = issued.secret;
        return { ...destination, signing: issued.sealed };
      }),
    );
    return { destinations, secrets };
  }

  /** A signing change as a request asks it (true, false, absent), with the secret a `true` would store. */
  async changeFor(
    phoneNumber: string,
    name: string | undefined,
    signing: boolean | undefined,
  ): Promise<{ change?: SigningChange; secret?: string }> {
    if (signing === undefined) return {};
    if (!signing) return { change: 'off' };
    const issued = await this.issue({ phoneNumber, destination: name === undefined ? PRIMARY : cloneRef(name) });
    return { change: { enable: issued.sealed }, secret: issued.secret };
  }

  /** The `webhook-signature` of one attempt, signed by each secret live at `at`. */
  async signatureFor(
    context: SealContext,
    signing: SealedSigning,
    id: string,
    timestamp: number,
    body: string,
    at: number,
  ): Promise<string> {
    const secrets = await Promise.all(liveSealed(signing, at).map((sealed) => this.sealer.open(sealed, context)));
    return signatureHeader(secrets, id, timestamp, body);
  }
}
