// Which of a number's webhooks a delivery, a breaker or a parked notification belongs to.
import type { Destination, PhoneConfig, WebhookTarget } from './webhook.js';

/** The primary, or the additional webhook with this exact-case name (a clone may be named "primary"). */
export type DestinationRef = { role: 'primary' } | { role: 'clone'; name: string };

export const PRIMARY: DestinationRef = Object.freeze({ role: 'primary' });

export const cloneRef = (name: string): DestinationRef => ({ role: 'clone', name });

/** The name of a clone, undefined for the primary (how queue messages carry it). */
export function nameOf(ref: DestinationRef): string | undefined {
  return ref.role === 'clone' ? ref.name : undefined;
}

export function refOf(name: string | undefined): DestinationRef {
  return name === undefined ? PRIMARY : cloneRef(name);
}

/** Log and attempt-record label: "primary" or the clone's name. */
export function labelOf(ref: DestinationRef): string {
  return ref.role === 'primary' ? 'primary' : ref.name;
}

/** A key unique per number: '' for the primary (names are never empty), the name for a clone. */
export function keyOf(ref: DestinationRef): string {
  return ref.role === 'primary' ? '' : ref.name;
}

/** The configured target of a destination, undefined when it is gone (or clones are disabled). */
export function targetOf(config: PhoneConfig, ref: DestinationRef): WebhookTarget | undefined {
  if (ref.role === 'primary') return config.primary;
  return config.enabled ? config.destinations.find((destination: Destination) => destination.name === ref.name) : undefined;
}
