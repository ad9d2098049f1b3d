// POST /deliveries/{id}/retry: which copies of a logged notification a replay sends. The gate holds:
// while the primary has not answered 200, only the primary is sent (its 200 releases the clones).
import type { DeliveryRecord } from './delivery-log.js';
import { Conflict } from './errors.js';

export type ReplayPlan =
  /** The primary again: the clones follow its 200, as for any notification. */
  | { kind: 'primary'; record: DeliveryRecord }
  /** The primary has its 200: only the clones that did not get theirs. */
  | { kind: 'clones'; records: DeliveryRecord[] };

/**
 * The copies to send, or a Conflict that says why none. `configured` tells whether a clone is still
 * configured and enabled (a replay to a deleted one could never be delivered).
 */
export function planReplay(id: string, records: readonly DeliveryRecord[], configured: (name: string) => boolean): ReplayPlan {
  const primary = records.find((record) => record.destination.role === 'primary');
  if (primary && primary.status !== 'delivered') {
    refuseInProgress(id, [primary]);
    return { kind: 'primary', record: primary };
  }
  const missing = records.filter((record) => record.destination.role === 'clone' && record.status !== 'delivered');
  if (missing.length === 0) throw new Conflict(`Notification ${id} was delivered to every destination: nothing to retry.`);
  const replayable = missing.filter((record) => record.status === 'retrying' || record.status === 'dead');
  refuseInProgress(id, missing);
  const reachable = replayable.filter((record) => record.destination.role === 'clone' && configured(record.destination.name));
  if (reachable.length === 0)
    throw new Conflict(`The webhooks that did not receive notification ${id} are no longer configured or enabled.`);
  return { kind: 'clones', records: reachable };
}

/** A copy parked behind its breaker goes out with the drain; one whose replay is queued is on its way. */
function refuseInProgress(id: string, waiting: readonly DeliveryRecord[]): void {
  if (waiting.some((record) => record.replayPending))
    throw new Conflict(`A retry of notification ${id} is already queued; see its status in GET /deliveries.`);
  if (waiting.every((record) => record.status === 'parked'))
    throw new Conflict(
      `Notification ${id} is parked behind its destination's open breaker and is delivered when the destination recovers (GET /multi_webhook/status).`,
    );
}
