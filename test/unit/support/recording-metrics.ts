// A DeliveryMetrics that writes down what it is told, as short strings ("delivered primary"), and counts publishes.
import type { BreakerState } from '../../../shared/domain/destination-health.js';
import type { DeliveryMetrics, Role } from '../../../shared/domain/delivery-metrics.js';

export class RecordingMetrics implements DeliveryMetrics {
  readonly events: string[] = [];
  readonly ages: number[] = [];
  latencies: number[] = [];
  publishes = 0;

  attempted(role: Role, delivered: boolean, latencyMs: number): void {
    this.events.push(`${delivered ? 'delivered' : 'failed'} ${role}`);
    this.latencies.push(latencyMs);
  }
  retryScheduled(role: Role): void {
    this.events.push(`retry ${role}`);
  }
  parked(role: Role, oldestAgeSeconds?: number): void {
    this.events.push(`parked ${role}`);
    if (oldestAgeSeconds !== undefined) this.ages.push(oldestAgeSeconds);
  }
  drained(role: Role): void {
    this.events.push(`drained ${role}`);
  }
  deadLettered(role: Role): void {
    this.events.push(`dead-lettered ${role}`);
  }
  breakerMoved(role: Role, from: BreakerState, to: BreakerState): void {
    this.events.push(`breaker ${role} ${from}->${to}`);
  }
  oldestParkedAge(seconds: number): void {
    this.ages.push(seconds);
  }
  publish(): void {
    this.publishes++;
  }

  /** How many times each event was recorded. */
  tally(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const event of this.events) counts[event] = (counts[event] ?? 0) + 1;
    return counts;
  }
}
