// The product's nouns and the store interface the API and delivery need.
import type { DestinationHealth } from './destination-health.js';

export type Headers = Readonly<Record<string, string>>;

/** Where a copy of a notification goes. */
export interface WebhookTarget {
  url: string;
  headers: Headers;
}

/** An additional (clone) webhook: exact-case name, unique per phone number. */
export interface Destination extends WebhookTarget {
  name: string;
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
}

/** Each method either succeeds whole or throws a domain error and changes nothing. */
export interface WebhookStore {
  readPhoneConfig(phoneNumber: string): Promise<PhoneConfig>;
  readPrimary(phoneNumber: string): Promise<WebhookTarget | undefined>;
  setPrimary(phoneNumber: string, target: WebhookTarget): Promise<void>;
  /** Enabling may bring initial destinations; they count against the cap like an append. */
  setEnabled(phoneNumber: string, enabled: boolean, destinations?: readonly Destination[], requestToken?: string): Promise<void>;
  append(phoneNumber: string, destinations: readonly Destination[], requestToken?: string): Promise<void>;
  update(phoneNumber: string, name: string, change: DestinationChange, requestToken?: string): Promise<void>;
  remove(phoneNumber: string, name: string, requestToken?: string): Promise<void>;
  /** Removes everything the number has configured (its primary, webhooks and breakers): the smoke test's cleanup. */
  forget(phoneNumber: string): Promise<void>;
}
