// The product's nouns and the store interface the API and delivery need.
import type { DestinationHealth } from './destination-health.js';
import type { DestinationRef } from './destination.js';
import type { SealedSigning, SigningChange } from './signing.js';

export type Headers = Readonly<Record<string, string>>;

/** Where a copy of a notification goes. */
export interface WebhookTarget {
  url: string;
  headers: Headers;
  /** Present when its deliveries are signed (an extension): the sealed secrets, never shown by a GET. */
  signing?: SealedSigning;
  /** The primary only: it receives operational notices (an extension, docs/extensions.md). */
  notices?: true;
}

/** An additional (clone) webhook: exact-case name, unique per phone number. */
export interface Destination extends WebhookTarget {
  name: string;
  /** When this webhook was added under its name (epoch ms, as stored; absent in hand-built configs). */
  addedAt?: number;
}

/** Everything delivery and the API need to know about one phone number, read at once. */
export interface PhoneConfig {
  primary?: WebhookTarget;
  enabled: boolean;
  destinations: Destination[];
  /**
   * The breakers of the number's destinations that have one, by destination key ('' for the
   * primary, the name for a clone): read with the configuration, at no extra cost.
   */
  health?: Readonly<Record<string, DestinationHealth>>;
}

export interface DestinationChange {
  url?: string;
  headers?: Headers;
  signing?: SigningChange;
}

/** Each method either succeeds whole or throws a domain error and changes nothing. */
export interface WebhookStore {
  readPhoneConfig(phoneNumber: string): Promise<PhoneConfig>;
  readPrimary(phoneNumber: string): Promise<WebhookTarget | undefined>;
  /**
   * Sets the primary's url and headers; its signing and notices change only as asked (absent:
   * unchanged). Answers what holds now, and whether the offered secret was stored.
   */
  setPrimary(phoneNumber: string, target: WebhookTarget, signing?: SigningChange, notices?: boolean): Promise<PrimaryOutcome>;
  /** Enabling may bring initial destinations; they count against the cap like an append. */
  setEnabled(phoneNumber: string, enabled: boolean, destinations?: readonly Destination[], requestToken?: string): Promise<void>;
  append(phoneNumber: string, destinations: readonly Destination[], requestToken?: string): Promise<void>;
  /** Answers whether a secret offered by `change.signing` was stored (false when it signed already). */
  update(phoneNumber: string, name: string, change: DestinationChange, requestToken?: string): Promise<SigningOutcome>;
  /** Replaces a signing webhook's secrets with what `rotate` makes of them; NotFound or Conflict (not signing) otherwise. */
  rotateSigning(
    phoneNumber: string,
    destination: DestinationRef,
    rotate: (current: SealedSigning) => Promise<SealedSigning>,
  ): Promise<void>;
  remove(phoneNumber: string, name: string, requestToken?: string): Promise<void>;
  /** Removes everything the number has configured (its primary, webhooks and breakers): the smoke test's cleanup. */
  forget(phoneNumber: string): Promise<void>;
}

export interface PrimaryOutcome extends SigningOutcome {
  /** Whether the primary receives operational notices after the change. */
  notices: boolean;
}

export interface SigningOutcome {
  /** Whether the webhook signs its deliveries after the change. */
  signing: boolean;
  /** Whether the secret the change offered is the one stored now. */
  issued: boolean;
}
