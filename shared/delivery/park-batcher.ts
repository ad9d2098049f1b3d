// Parks the copies of one destination that come in the same turn of the event loop (a batch's
// records run in parallel; a flooding number fills whole batches) in one write: one transaction
// on the breaker instead of one per copy, which would otherwise collide with each other on it.
import type { DestinationRef } from '../domain/destination.js';
import type { HealthStore, ParkedNotification } from '../domain/parking.js';
import { ByDestination } from './by-destination.js';

/** Copies per write: a transaction holds at most 100 actions, and a batch has at most 10 records. */
const MAX_GROUP = 25;
/** Payload bytes per write, well inside a transaction's 4 MB (parked payloads are at most 300 KB). */
const MAX_GROUP_BYTES = 1024 * 1024;

interface Waiting {
  parked: ParkedNotification;
  resolve(parked: boolean): void;
  reject(error: unknown): void;
}

export class ParkBatcher {
  private readonly pending = new ByDestination<Waiting[]>();

  constructor(private readonly store: Pick<HealthStore, 'parkAll'>) {}

  /** As HealthStore.park, written together with the same destination's other copies of this turn. */
  park(parked: ParkedNotification): Promise<boolean> {
    const { phoneNumber, destination } = parked;
    let waiting = this.pending.get(phoneNumber, destination);
    if (!waiting) {
      waiting = [];
      this.pending.set(phoneNumber, destination, waiting);
      setImmediate(() => this.flush(phoneNumber, destination));
    }
    const queue = waiting;
    return new Promise<boolean>((resolve, reject) => queue.push({ parked, resolve, reject }));
  }

  private flush(phoneNumber: string, destination: DestinationRef): void {
    const waiting = this.pending.get(phoneNumber, destination) ?? [];
    this.pending.delete(phoneNumber, destination);
    for (const group of groupsOf(waiting)) {
      this.store.parkAll(group.map(({ parked }) => parked)).then(
        (results) => group.forEach(({ resolve }, index) => resolve(results[index] ?? false)),
        (error: unknown) => group.forEach(({ reject }) => reject(error)),
      );
    }
  }
}

function groupsOf(waiting: readonly Waiting[]): Waiting[][] {
  const groups: Waiting[][] = [];
  let bytes = 0;
  for (const entry of waiting) {
    const size = Buffer.byteLength(entry.parked.payload ?? '');
    const current = groups.at(-1);
    if (current && current.length < MAX_GROUP && bytes + size <= MAX_GROUP_BYTES) {
      current.push(entry);
      bytes += size;
    } else {
      groups.push([entry]);
      bytes = size;
    }
  }
  return groups;
}
