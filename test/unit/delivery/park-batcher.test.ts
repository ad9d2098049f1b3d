// The copies of one destination parked in the same turn go to the store in one write; others apart.
import { describe, expect, it } from 'vitest';
import { cloneRef, PRIMARY, type DestinationRef } from '../../../shared/domain/destination.js';
import type { ParkedNotification } from '../../../shared/domain/parking.js';
import { ParkBatcher } from '../../../shared/delivery/park-batcher.js';

function parked(phoneNumber: string, destination: DestinationRef, id: string, payload = '{}'): ParkedNotification {
  return { phoneNumber, destination, id, receivedAt: 1, payload, attempt: 1, windowStart: 1, deadline: 2 };
}

/** A store that records each write's group and answers with `answer`. */
function recordingStore(answer: (group: readonly ParkedNotification[]) => Promise<boolean[]> = async (group) => group.map(() => true)) {
  const writes: string[][] = [];
  return {
    writes,
    parkAll: (group: readonly ParkedNotification[]) => {
      writes.push(group.map((item) => item.id));
      return answer(group);
    },
  };
}

describe('ParkBatcher', () => {
  it('writes the copies of one destination parked in the same turn together, and each destination apart', async () => {
    const store = recordingStore();
    const batcher = new ParkBatcher(store);
    const results = await Promise.all([
      batcher.park(parked('491', PRIMARY, 'a')),
      batcher.park(parked('491', cloneRef('crm'), 'x')),
      batcher.park(parked('491', PRIMARY, 'b')),
      batcher.park(parked('492', PRIMARY, 'c')),
    ]);
    expect(results).toEqual([true, true, true, true]);
    expect(store.writes).toEqual([['a', 'b'], ['x'], ['c']]);
  });

  it('gives each copy its own answer from the write', async () => {
    const store = recordingStore(async (group) => group.map((item) => item.id !== 'refused'));
    const batcher = new ParkBatcher(store);
    expect(await Promise.all([batcher.park(parked('491', PRIMARY, 'refused')), batcher.park(parked('491', PRIMARY, 'ok'))])).toEqual([
      false,
      true,
    ]);
  });

  it('fails every copy of a write that failed, and writes a later turn anew', async () => {
    let fail = true;
    const store = recordingStore(async (group) => {
      if (fail) throw new Error('throttled');
      return group.map(() => true);
    });
    const batcher = new ParkBatcher(store);
    const first = [batcher.park(parked('491', PRIMARY, 'a')), batcher.park(parked('491', PRIMARY, 'b'))];
    for (const result of await Promise.allSettled(first))
      expect(result).toMatchObject({ status: 'rejected', reason: { message: 'throttled' } });
    fail = false;
    expect(await batcher.park(parked('491', PRIMARY, 'c'))).toBe(true);
    expect(store.writes).toEqual([['a', 'b'], ['c']]);
  });

  it('splits a turn past 25 copies or 1 MB of payload into several writes', async () => {
    const store = recordingStore();
    const batcher = new ParkBatcher(store);
    const many = Array.from({ length: 30 }, (_, index) => batcher.park(parked('491', PRIMARY, `n${index}`)));
    await Promise.all(many);
    expect(store.writes.map((group) => group.length)).toEqual([25, 5]);

    const big = 'x'.repeat(400 * 1024);
    await Promise.all(['p', 'q', 'r'].map((id) => batcher.park(parked('491', PRIMARY, id, big))));
    expect(store.writes.slice(2)).toEqual([['p', 'q'], ['r']]);
  });
});
