// What this process keeps per number and destination (attempts running, breakers learned, quick answers).
import { keyOf, type DestinationRef } from '../domain/destination.js';

/**
 * A map by number, then by destination. A look-up reads two strings that already exist (the
 * notification's number, the destination's name) where one key per look-up had to be built and
 * hashed: several look-ups per copy, each a string allocated on the hot path.
 */
export class ByDestination<V> {
  private readonly byNumber = new Map<string, Map<string, V>>();
  /** Entries in all, over every number. */
  size = 0;

  get(phoneNumber: string, destination: DestinationRef): V | undefined {
    return this.byNumber.get(phoneNumber)?.get(keyOf(destination));
  }

  set(phoneNumber: string, destination: DestinationRef, value: V): void {
    let ofNumber = this.byNumber.get(phoneNumber);
    if (!ofNumber) this.byNumber.set(phoneNumber, (ofNumber = new Map()));
    const key = keyOf(destination);
    if (!ofNumber.has(key)) this.size++;
    ofNumber.set(key, value);
  }

  delete(phoneNumber: string, destination: DestinationRef): void {
    const ofNumber = this.byNumber.get(phoneNumber);
    if (!ofNumber?.delete(keyOf(destination))) return;
    this.size--;
    if (ofNumber.size === 0) this.byNumber.delete(phoneNumber);
  }

  /** Drops the entries `drop` says to. */
  deleteWhere(drop: (value: V) => boolean): void {
    for (const [phoneNumber, ofNumber] of this.byNumber) {
      for (const [key, value] of ofNumber) {
        if (!drop(value)) continue;
        ofNumber.delete(key);
        this.size--;
      }
      if (ofNumber.size === 0) this.byNumber.delete(phoneNumber);
    }
  }

  clear(): void {
    this.byNumber.clear();
    this.size = 0;
  }
}
