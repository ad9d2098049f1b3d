// `npm start`'s live line: what delivery did since start, printed every few seconds while it changes,
// so a developer watches the fan-out without reading logs. Silent while nothing happens.
import type { DeliveryMetrics } from '../../shared/domain/delivery-metrics.js';

export interface DeliveryTotals {
  /** Attempts answered exactly 200. */
  delivered: number;
  /** Attempts that failed (another status, a timeout, a connection error). */
  failed: number;
  /** Failed copies put back for a later attempt. */
  retrying: number;
  /** Copies parked behind an open breaker. */
  parked: number;
  /** Parked copies delivered by a probe or a drain. */
  drained: number;
  deadLettered: number;
}

/** How often the line may appear (ms); only when something changed since the last one. */
export const LIVE_SUMMARY_INTERVAL_MS = 3000;

/** The local implementation of the port the delivery function publishes to CloudWatch: totals since start. */
export class DeliveryCounts implements DeliveryMetrics {
  readonly totals: DeliveryTotals = { delivered: 0, failed: 0, retrying: 0, parked: 0, drained: 0, deadLettered: 0 };

  attempted(_role: string, delivered: boolean): void {
    this.totals[delivered ? 'delivered' : 'failed']++;
  }
  retryScheduled(): void {
    this.totals.retrying++;
  }
  parked(): void {
    this.totals.parked++;
  }
  drained(): void {
    this.totals.drained++;
  }
  deadLettered(): void {
    this.totals.deadLettered++;
  }
  breakerMoved(): void {}
  oldestParkedAge(): void {}
  publish(): void {}
}

/** "delivered 120 · failed 3 · retrying 2 · parked 5", then drained and dead-lettered once there are any. */
export function summaryLine(totals: DeliveryTotals): string {
  const parts = [`delivered ${totals.delivered}`, `failed ${totals.failed}`, `retrying ${totals.retrying}`, `parked ${totals.parked}`];
  if (totals.drained > 0) parts.push(`drained ${totals.drained}`);
  if (totals.deadLettered > 0) parts.push(`dead-lettered ${totals.deadLettered}`);
  return parts.join(' · ');
}

/** Prints the line every `intervalMs` while the totals change; `tick` is what the timer calls. */
export function liveSummary(counts: DeliveryCounts, print: (line: string) => void, intervalMs = LIVE_SUMMARY_INTERVAL_MS) {
  let last = summaryLine(counts.totals);
  const tick = () => {
    const line = summaryLine(counts.totals);
    if (line === last) return;
    last = line;
    print(line);
  };
  const timer = setInterval(tick, intervalMs).unref();
  return {
    tick,
    stop: async () => {
      clearInterval(timer);
    },
  };
}
