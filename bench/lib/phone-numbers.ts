// Phone numbers configured through the real store: a primary and N clones, each destination on its own sink origin.
import { randomInt } from 'node:crypto';
import type { WebhookStore } from '../../shared/domain/webhook.js';

/** A random 12-digit number, so runs never share data. */
export function benchPhoneNumber(): string {
  return `49${String(randomInt(1e9, 1e10))}`;
}

export const cloneName = (index: number): string => `clone-${index + 1}`;

/** origins[0] takes the primaries, origins[1 + i] the i-th clone of every number. */
export async function configureNumbers(
  store: WebhookStore,
  options: { count: number; clones: number; origins: readonly string[] },
): Promise<string[]> {
  const numbers = Array.from({ length: options.count }, benchPhoneNumber);
  for (const phoneNumber of numbers) {
    await store.setPrimary(phoneNumber, { url: `${options.origins[0]}/${phoneNumber}/primary`, headers: { 'X-Primary-Token': 'bench' } });
    const destinations = Array.from({ length: options.clones }, (_, index) => ({
      name: cloneName(index),
      url: `${options.origins[1 + index]}/${phoneNumber}/${cloneName(index)}`,
      headers: { 'X-Clone': cloneName(index) },
    }));
    if (destinations.length > 0) await store.setEnabled(phoneNumber, true, destinations);
  }
  return numbers;
}
