// What delivery keeps per number and destination stays apart by both, and counts what it holds.
import { describe, expect, it } from 'vitest';
import { cloneRef, PRIMARY } from '../../../shared/domain/destination.js';
import { ByDestination } from '../../../shared/delivery/by-destination.js';

describe('ByDestination', () => {
  it('keeps the primary, a clone named "primary" and another number apart', () => {
    const map = new ByDestination<string>();
    map.set('15550001111', PRIMARY, 'primary');
    map.set('15550001111', cloneRef('primary'), 'clone');
    map.set('15550002222', PRIMARY, 'other number');

    expect(map.get('15550001111', PRIMARY)).toBe('primary');
    expect(map.get('15550001111', cloneRef('primary'))).toBe('clone');
    expect(map.get('15550002222', PRIMARY)).toBe('other number');
    expect(map.get('15550002222', cloneRef('primary'))).toBeUndefined();
    expect(map.size).toBe(3);
  });

  it('counts an entry set twice once, and forgets what is deleted or dropped', () => {
    const map = new ByDestination<number>();
    map.set('15550001111', PRIMARY, 1);
    map.set('15550001111', PRIMARY, 2);
    map.set('15550001111', cloneRef('crm'), 3);
    map.set('15550002222', cloneRef('crm'), 4);
    expect(map.size).toBe(3);

    map.delete('15550001111', PRIMARY);
    map.delete('15550001111', PRIMARY);
    map.deleteWhere((value) => value === 4);

    expect(map.size).toBe(1);
    expect(map.get('15550001111', cloneRef('crm'))).toBe(3);
    expect(map.get('15550002222', cloneRef('crm'))).toBeUndefined();
  });
});
