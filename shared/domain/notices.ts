// Operational notices (an extension): when a destination's breaker opens or a notification is
// dead-lettered, the number's primary may be told, so nobody is surprised. The shapes live here.
import { randomBytes } from 'node:crypto';
import type { DestinationHealth } from './destination-health.js';
import type { Notification } from './notification.js';

/** A notice's `webhook-id`: `notice_` and 32 hex digits, never a notification's id. */
export const NOTICE_ID_PREFIX = 'notice_';

export type NoticeEvent =
  | { type: 'breaker.opened'; webhook: string; health: DestinationHealth }
  | { type: 'notification.dead_lettered'; webhook: string; notificationId: string; reason: string };

/**
 * `{"object":"multi_webhook","type":"breaker.opened","phone_number","webhook","at","breaker":{...}}` or
 * `{"object":"multi_webhook","type":"notification.dead_lettered","phone_number","webhook","at","notification_id","reason"}`.
 */
export function noticeOf(phoneNumber: string, event: NoticeEvent, now: number): Notification {
  const common = { object: 'multi_webhook', type: event.type, phone_number: phoneNumber, webhook: event.webhook, at: iso(now) };
  const body =
    event.type === 'breaker.opened'
      ? {
          ...common,
          breaker: {
            consecutive_failures: event.health.consecutiveFailures,
            ...(event.health.lastStatus !== undefined && { last_status: event.health.lastStatus }),
            ...(event.health.lastError !== undefined && { last_error: event.health.lastError }),
            ...(event.health.nextProbeAt !== undefined && { next_probe_at: iso(event.health.nextProbeAt) }),
          },
        }
      : { ...common, notification_id: event.notificationId, reason: event.reason };
  return { id: `${NOTICE_ID_PREFIX}${randomBytes(16).toString('hex')}`, phoneNumber, payload: JSON.stringify(body), receivedAt: now };
}

/**
 * Whether the primary may get a notice now: it asked for them, is neither paused nor behind a breaker
 * that is not closed (a notice never goes to a primary that is down: that includes its own breaker).
 */
export function takesNotices(primaryNotices: boolean, primaryHealth: DestinationHealth | undefined): boolean {
  return primaryNotices && !primaryHealth?.paused && (primaryHealth?.state ?? 'closed') === 'closed';
}

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
