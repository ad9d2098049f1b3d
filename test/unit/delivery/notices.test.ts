import { describe, expect, it } from 'vitest';
import { BREAKER_FAILURE_THRESHOLD, HEALTHY } from '../../../shared/domain/destination-health.js';
import { cloneRef, PRIMARY } from '../../../shared/domain/destination.js';
import type { PhoneConfig } from '../../../shared/domain/webhook.js';
import { CONTROL_CONFIG, controlHarness, notificationAt, PHONE, START } from '../support/control-harness.js';

const failing = { kind: 'answered', status: 503, latencyMs: 3, bodyExcerpt: '' } as const;
const withNotices: PhoneConfig = { ...CONTROL_CONFIG, primary: { ...CONTROL_CONFIG.primary!, notices: true } };
const noticesIn = (h: ReturnType<typeof controlHarness>) =>
  h.sent
    .filter((request) => request.body.includes('"object":"multi_webhook"'))
    .map((request) => ({ ...request, json: JSON.parse(request.body) }));

/** Clone "a" one failure short of opening, then a copy that fails (on the slow lane, its one retries message): its breaker opens. */
async function openCloneBreaker(h: ReturnType<typeof controlHarness>) {
  h.health.set(PHONE, cloneRef('a'), { ...HEALTHY, consecutiveFailures: BREAKER_FAILURE_THRESHOLD - 1 });
  await h.service.deliverNotification(notificationAt(1));
  await h.runTimers(1);
}

describe('operational notices', () => {
  it("tells a primary that asked for notices when a clone's breaker opens: one request, to the primary only, marked and not counted", async () => {
    const h = controlHarness(withNotices, { a: failing });
    await openCloneBreaker(h);
    expect(h.health.of(PHONE, cloneRef('a')).state).toBe('open');
    const notices = noticesIn(h);
    expect(notices).toHaveLength(1);
    expect(notices[0]!.host).toBe('primary');
    expect(notices[0]!.json).toEqual({
      object: 'multi_webhook',
      type: 'breaker.opened',
      phone_number: PHONE,
      webhook: 'a',
      at: expect.any(String),
      breaker: { consecutive_failures: BREAKER_FAILURE_THRESHOLD, last_status: 503, next_probe_at: expect.any(String) },
    });
    expect(notices[0]!.headers).toMatchObject({
      'webhook-id': expect.stringMatching(/^notice_[0-9a-f]{32}$/),
      'x-multi-webhook-delivery': '1',
    });
    // Not a delivery: the primary's breaker learned nothing from it.
    expect(h.health.of(PHONE, PRIMARY)).toEqual(HEALTHY);
  });

  it('sends nothing to a primary that did not ask for notices', async () => {
    const h = controlHarness(CONTROL_CONFIG, { a: failing });
    await openCloneBreaker(h);
    expect(h.health.of(PHONE, cloneRef('a')).state).toBe('open');
    expect(noticesIn(h)).toEqual([]);
  });

  it('tells of a dead-lettered clone copy with its notification id and the reason', async () => {
    const h = controlHarness(withNotices, { a: failing });
    await h.service.deliverNotification(notificationAt(1));
    h.clock.now = START + 3601_000;
    await h.runTimers();
    expect(h.deadLetters).toHaveLength(1);
    expect(noticesIn(h).map((notice) => notice.json)).toEqual([
      expect.objectContaining({ type: 'notification.dead_lettered', webhook: 'a', notification_id: 'n-1', reason: h.deadLetters[0] }),
    ]);
  });

  it("never reports the primary's own breaker, and sends nothing to a primary that is paused", async () => {
    const h = controlHarness(withNotices, { primary: failing });
    h.health.set(PHONE, PRIMARY, { ...HEALTHY, consecutiveFailures: BREAKER_FAILURE_THRESHOLD - 1 });
    await h.service.deliverNotification(notificationAt(1));
    await h.runTimers(1);
    expect(h.health.of(PHONE, PRIMARY).state).toBe('open');
    expect(noticesIn(h)).toEqual([]);

    const paused = controlHarness(withNotices, { a: failing });
    await paused.pauses.set(PHONE, PRIMARY, true);
    paused.health.set(PHONE, cloneRef('a'), { ...HEALTHY, consecutiveFailures: BREAKER_FAILURE_THRESHOLD - 1 });
    await paused.service.releaseClones(
      { notification: notificationAt(2), destination: PRIMARY, attempt: 1, windowStart: START },
      { ...withNotices, health: { '': paused.health.of(PHONE, PRIMARY) } },
      'slow',
    );
    expect(paused.health.of(PHONE, cloneRef('a')).state).toBe('open');
    expect(noticesIn(paused)).toEqual([]);
  });
});
