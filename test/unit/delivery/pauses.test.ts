import { describe, expect, it } from 'vitest';
import { cloneRef, PRIMARY, type DestinationRef } from '../../../shared/domain/destination.js';
import { controlHarness as harness, notificationAt, PHONE, START } from '../support/control-harness.js';

async function deliverThree(h: ReturnType<typeof harness>) {
  for (let i = 0; i < 3; i++) await h.service.deliverNotification(notificationAt(i));
}

describe('pausing a destination', () => {
  it('parks every copy for a paused primary, attempts nothing and sends no clone', async () => {
    const h = harness();
    await h.pauses.set(PHONE, PRIMARY, true);
    await deliverThree(h);
    expect(h.sent).toEqual([]);
    expect(h.health.parkedFor(PHONE, PRIMARY).map((parked) => parked.id)).toEqual(['n-0', 'n-1', 'n-2']);
    expect(h.later).toEqual([]);
  });

  it('drains a paused primary in arrival order on resume, each primary copy followed by its clones, then closes', async () => {
    const h = harness();
    await h.pauses.set(PHONE, PRIMARY, true);
    await deliverThree(h);
    await h.pauses.set(PHONE, PRIMARY, false);
    await h.runTimers();
    expect(h.to('primary')).toEqual(['n-0', 'n-1', 'n-2']);
    for (const clone of ['a', 'b']) expect(h.to(clone)).toEqual(['n-0', 'n-1', 'n-2']);
    const primaryAt = (id: string) => h.sent.findIndex((request) => request.host === 'primary' && request.id === id);
    const firstClone = (id: string) => h.sent.findIndex((request) => request.host !== 'primary' && request.id === id);
    for (const id of ['n-0', 'n-1', 'n-2']) expect(firstClone(id)).toBeGreaterThan(primaryAt(id));
    expect(h.health.of(PHONE, PRIMARY)).toMatchObject({ state: 'closed', parked: 0 });
    expect(h.health.of(PHONE, PRIMARY).paused).toBeUndefined();
  });

  it('parks only the paused clone: the primary and the other clone get every copy at once', async () => {
    const h = harness();
    const paused: DestinationRef = cloneRef('a');
    await h.pauses.set(PHONE, paused, true);
    await deliverThree(h);
    expect(h.to('primary')).toEqual(['n-0', 'n-1', 'n-2']);
    expect(h.to('b')).toEqual(['n-0', 'n-1', 'n-2']);
    expect(h.to('a')).toEqual([]);
    await h.pauses.set(PHONE, paused, false);
    await h.runTimers();
    expect(h.to('a')).toEqual(['n-0', 'n-1', 'n-2']);
    expect(h.to('primary')).toHaveLength(3);
  });

  it('neither probes nor drains while paused, even with its breaker open', async () => {
    const h = harness();
    h.health.set(PHONE, PRIMARY, {
      state: 'open',
      consecutiveFailures: 5,
      failedProbes: 0,
      parked: 0,
      openedAt: START,
      nextProbeAt: START,
    });
    await deliverThree(h);
    await h.pauses.set(PHONE, PRIMARY, true);
    h.later.push({ kind: 'probe', phoneNumber: PHONE, at: START });
    await h.health.armTimer(PHONE, PRIMARY, START);
    await h.runTimers();
    expect(h.sent).toEqual([]);
    await h.pauses.set(PHONE, PRIMARY, false);
    await h.runTimers();
    expect(h.to('primary')).toEqual(['n-0', 'n-1', 'n-2']);
  });

  it('changes nothing when a destination that is not paused is resumed', async () => {
    const h = harness();
    await h.pauses.set(PHONE, cloneRef('b'), false);
    expect([...h.health.health.keys(), h.later]).toEqual([[]]);
  });
});
