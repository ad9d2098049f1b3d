// The HealthStore port in memory, for the delivery service's unit tests (the DynamoDB adapter has
// its own tests against DynamoDB Local): the same contract, without a table.
import { HEALTHY, type DestinationHealth } from '../../../shared/domain/destination-health.js';
import { keyOf, type DestinationRef } from '../../../shared/domain/destination.js';
import type { HealthStore, ParkedNotification } from '../../../shared/domain/parking.js';

export class MemoryHealthStore implements HealthStore {
  readonly health = new Map<string, DestinationHealth>();
  readonly parked = new Map<string, ParkedNotification[]>();
  readonly timers = new Map<string, { at?: number; leaseUntil?: number }>();
  /** Taken out of their line and left to their TTL (which does not run here). */
  readonly expiring: ParkedNotification[] = [];

  static key(phoneNumber: string, destination: DestinationRef): string {
    return `${phoneNumber}/${keyOf(destination)}`;
  }

  of(phoneNumber: string, destination: DestinationRef): DestinationHealth {
    return this.health.get(MemoryHealthStore.key(phoneNumber, destination)) ?? HEALTHY;
  }

  parkedFor(phoneNumber: string, destination: DestinationRef): ParkedNotification[] {
    return this.parked.get(MemoryHealthStore.key(phoneNumber, destination)) ?? [];
  }

  set(phoneNumber: string, destination: DestinationRef, health: DestinationHealth): void {
    this.health.set(MemoryHealthStore.key(phoneNumber, destination), health);
  }

  async read(phoneNumber: string, destination: DestinationRef) {
    return this.of(phoneNumber, destination);
  }

  async change(phoneNumber: string, destination: DestinationRef, next: (current: DestinationHealth) => DestinationHealth) {
    const before = this.of(phoneNumber, destination);
    const after = { ...next(before), parked: before.parked };
    this.set(phoneNumber, destination, after);
    return { before, after };
  }

  async park(parked: ParkedNotification) {
    const health = this.of(parked.phoneNumber, parked.destination);
    if (health.state === 'closed' && !health.paused) return false;
    const key = MemoryHealthStore.key(parked.phoneNumber, parked.destination);
    const line = this.parked.get(key) ?? [];
    if (line.some((item) => item.id === parked.id && item.receivedAt === parked.receivedAt)) return true;
    line.push(parked);
    line.sort((a, b) => a.receivedAt - b.receivedAt || a.id.localeCompare(b.id));
    this.parked.set(key, line);
    this.set(parked.phoneNumber, parked.destination, { ...health, parked: health.parked + 1 });
    return true;
  }

  async parkAll(group: readonly ParkedNotification[]) {
    const results: boolean[] = [];
    for (const parked of group) results.push(await this.park(parked));
    return results;
  }

  async oldestParked(phoneNumber: string, destination: DestinationRef, limit: number) {
    return this.parkedFor(phoneNumber, destination).slice(0, limit);
  }

  async countAttempt(parked: ParkedNotification) {
    const item = this.parkedFor(parked.phoneNumber, parked.destination).find(
      (candidate) => candidate.id === parked.id && candidate.receivedAt === parked.receivedAt,
    );
    if (item) item.attempt++;
  }

  async unpark(parked: ParkedNotification) {
    const key = MemoryHealthStore.key(parked.phoneNumber, parked.destination);
    const line = this.parked.get(key) ?? [];
    const index = line.findIndex((item) => item.id === parked.id && item.receivedAt === parked.receivedAt);
    if (index < 0) return;
    line.splice(index, 1);
    const health = this.of(parked.phoneNumber, parked.destination);
    this.set(parked.phoneNumber, parked.destination, { ...health, parked: Math.max(0, health.parked - 1) });
  }

  async discard(parked: ParkedNotification) {
    const line = this.parkedFor(parked.phoneNumber, parked.destination);
    const index = line.findIndex((item) => item.id === parked.id && item.receivedAt === parked.receivedAt);
    if (index >= 0) line.splice(index, 1);
  }

  async leaveToExpire(head: ParkedNotification[]) {
    const [first] = head;
    if (!first) return true;
    const key = MemoryHealthStore.key(first.phoneNumber, first.destination);
    const line = this.parked.get(key) ?? [];
    if (head.some((item, i) => line[i]?.id !== item.id || line[i]?.receivedAt !== item.receivedAt)) return false;
    this.expiring.push(...line.splice(0, head.length));
    const health = this.of(first.phoneNumber, first.destination);
    this.set(first.phoneNumber, first.destination, { ...health, parked: Math.max(0, health.parked - head.length) });
    return true;
  }

  async armTimer(phoneNumber: string, destination: DestinationRef, at: number | undefined) {
    this.timers.set(MemoryHealthStore.key(phoneNumber, destination), { at });
  }

  async claimTimer(phoneNumber: string, destination: DestinationRef, at: number, now: number, leaseUntil: number) {
    const key = MemoryHealthStore.key(phoneNumber, destination);
    const timer = this.timers.get(key);
    if (timer?.at !== at) return { claimed: false as const };
    if (timer.leaseUntil !== undefined && timer.leaseUntil >= now) return { claimed: false as const, leasedUntil: timer.leaseUntil };
    this.timers.set(key, { at, leaseUntil });
    return { claimed: true as const };
  }
}
