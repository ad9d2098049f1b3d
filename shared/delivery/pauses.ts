// Pausing and resuming one destination (an extension): a paused destination's copies are parked as
// behind an open breaker, with the same machinery, and drain in arrival order once it is resumed.
import { afterPaused, afterResumed } from '../domain/destination-health.js';
import { labelOf, type DestinationRef } from '../domain/destination.js';
import type { HealthStore } from '../domain/parking.js';
import type { DeliveryQueue } from '../domain/queues.js';
import { logger, maskPhone } from '../logger.js';
import { armTimer } from './breaker-timers.js';

export interface PauseDependencies {
  health: HealthStore;
  queue: Pick<DeliveryQueue, 'sendRetries'>;
  now(): number;
}

export class Pauses {
  constructor(private readonly deps: PauseDependencies) {}

  /** Pauses or resumes; resuming what was not paused changes nothing. */
  async set(phoneNumber: string, destination: DestinationRef, paused: boolean): Promise<void> {
    const { health } = this.deps;
    if (paused) {
      await health.change(phoneNumber, destination, afterPaused);
      logger.info('Destination paused', { phone: maskPhone(phoneNumber), destination: labelOf(destination) });
      return;
    }
    if (!(await health.read(phoneNumber, destination)).paused) return;
    const now = this.deps.now();
    const { after } = await health.change(phoneNumber, destination, (current) => (current.paused ? afterResumed(current, now) : current));
    logger.info('Destination resumed', { phone: maskPhone(phoneNumber), destination: labelOf(destination), parked: after.parked });
    // The park drains now (the drain timer), or an open breaker probes when its probe is due.
    if (after.state === 'draining') await armTimer(this.deps, 'drain', phoneNumber, destination, now);
    if (after.state === 'open') await armTimer(this.deps, 'probe', phoneNumber, destination, Math.max(now, after.nextProbeAt ?? now));
  }
}
