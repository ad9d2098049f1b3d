// The slow-lane model: which copies leave the fast lane, and how many attempts a destination runs.
import type { DestinationHealth } from '../../shared/domain/destination-health.js';
import { MAX_CONCURRENT_ATTEMPTS_PER_DESTINATION, SLOW_LANE_LATENCY_SECONDS, STALLED_ATTEMPT_SECONDS } from './config.js';

export class AttemptSlots {
  private readonly running: Int32Array;
  /** When the destination's running attempts began (the first of them, while any runs). */
  private readonly since: Float64Array;

  constructor(destinations: number) {
    this.running = new Int32Array(destinations);
    this.since = new Float64Array(destinations);
  }

  started(id: number, at: number): void {
    if (this.running[id] === 0) this.since[id] = at;
    this.running[id]! += 1;
  }

  finished(id: number): void {
    this.running[id]! -= 1;
  }

  /** The slow lane's cap: more attempts to this destination wait. */
  atCap(id: number): boolean {
    return this.running[id]! >= MAX_CONCURRENT_ATTEMPTS_PER_DESTINATION;
  }

  /** Failed last time, answers slowly, or has an attempt running for a while (a hung or slow receiver). */
  suspect(id: number, health: DestinationHealth, at: number): boolean {
    if (health.consecutiveFailures > 0 || (health.lastLatencyMs ?? 0) >= SLOW_LANE_LATENCY_SECONDS * 1000) return true;
    return this.running[id]! > 0 && at - this.since[id]! > STALLED_ATTEMPT_SECONDS;
  }
}
