// Parks the copies of one destination that come in the same turn of the event loop (a batch's
// records run in parallel; a flooding number fills whole batches) in one write: one transaction
// on the breaker instead of one per copy, which would otherwise collide with each other on it.
import { keyOf } from '../domain/destination.js';
import type { HealthStore, ParkedNotification } from '../domain/parking.js';

/** Copies per write: a transaction holds at most 100 actions, and a batch has at most 10 records. */
const MAX_GROUP = 25;
/** Payload bytes per write, well inside a transaction's 4 MB (parked payloads are at most 300 KB). */
const MAX_GROUP_BYTES = 1024 * 1024;

interface Waiting {
  parked: ParkedNotification;
  settle(result: Promise<boolean>): void;
}

export class ParkBatcher {
  private readonly pending = new Map<string, Waiting[]>();

  constructor(private readonly store: Pick<HealthStore, 'parkAll'>) {}

  /** As HealthStore.park, written together with the same destination's other copies of this turn. */
  park(parked: ParkedNotification): Promise<boolean> {
    const key = `${parked.phoneNumber}\n${keyOf(parked.destination)}`;
    let waiting = this.pending.get(key);
    if (!waiting) {
      waiting = [];
      this.pending.set(key, waiting);
      setImmediate(() => this.flush(key));
    }
    const queue = waiting;
    return new Promise<boolean>((resolve, reject) => queue.push({ parked, settle: (result) => result.then(resolve, reject) }));
  }

  private flush(key: string): void {
    const waiting = this.pending.get(key) ?? [];
    this.pending.delete(key);
    for (const group of groupsOf(waiting)) {
      const written = this.store.parkAll(group.map(({ parked }) => parked));
      group.forEach(({ settle }, index) => settle(written.then((results) => results[index] ?? false)));
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
