// What both designs share in one run: the clock, the queues, the receivers, and the bookkeeping of
// what happened to each notification (delivered, dead-lettered, still waiting) and what it cost.
import { releasesClones } from '../../shared/domain/fan-out.js';
import { parkedItemWriteUnits, writeUnits } from '../lib/cost-scenarios.js';
import { storedSizes } from '../lib/stored-sizes.js';
import { DEPLOYED, NOTIFICATION_BYTES, REQUEST_HEADER_BYTES, type Measured, type Scenario } from './config.js';
import type { Simulation } from './event-queue.js';
import { Histogram, type Tallies, type Tally } from './metrics.js';
import type { Random } from './random.js';
import {
  answer,
  clonesSeconds,
  type Answer,
  type CostClass,
  type Destination,
  type HealthyBatches,
  type TrafficClass,
} from './receivers.js';
import type { Message, StandardQueue } from './sqs-queue.js';

/** The notifications queue is the fast lane; the retries queue carries retries, the slow lane and timers. */
export type Lane = 'fast' | 'slow';

/** What a design may do with the record it handles, besides letting it be deleted at the end. */
export interface RecordContext {
  lane: Lane;
  /** ChangeMessageVisibility: the message stays in flight until `until`, then is visible again. */
  hold(message: Message, until: number): void;
}

/** A design's handling of listed records; the healthy majority is handled the same in both. */
export interface Design {
  /** One listed record of a batch; its attempt starts at `at`. Returns the seconds it keeps the invocation busy. */
  handle(message: Message, at: number, record: RecordContext): number;
  /** Notifications parked at the end of the run. */
  parked(): Iterable<Message>;
  details(): Record<string, number>;
}

export interface World {
  sim: Simulation;
  /** The fast lane: ingest sends here. */
  notifications: StandardQueue;
  /** The slow lane: short retries, copies moved off the fast lane, breaker timers. */
  retries: StandardQueue;
  scenario: Scenario;
  measured: Measured;
  destinations: Destination[];
  /** Costs and fates by class: the healthy, and notifications ingested after the cohort. */
  tallies: Tallies;
  /** Notifications ingested before `cohortEnd`, whose fate is decided by the end of the run: their full life cycle. */
  cohort: Tallies;
  cohortEnd: number;
  /** Work for a destination rather than a notification: probe timers, drain steps, breaker writes. */
  overhead: Tallies;
  latency: Record<TrafficClass, Histogram>;
  healthy: HealthyBatches;
  /** Receivers' answers and the designs' jitter. */
  random: Random;
  /** Notification messages somewhere in the queue (visible, delayed or in flight). */
  live: Set<Message>;
  stats: WorldStats;
}

export interface WorldStats {
  /** Longest time from the end of a notification's retry window to its dead-letter. */
  maxOverdueSeconds: number;
  poisonRedriven: number;
  poisonMaxReceives: number;
  poisonMaxSecondsToDlq: number;
  /** Notifications SQS moved to the DLQ on maxReceiveCount (without the product's reason). */
  redrivenNotifications: number;
}

export const TRAFFIC_CLASSES: TrafficClass[] = ['healthy', 'dead', 'hung', 'slow', 'flapping'];

export function emptyLatencies(): Record<TrafficClass, Histogram> {
  return Object.fromEntries(TRAFFIC_CLASSES.map((kind) => [kind, new Histogram()])) as Record<TrafficClass, Histogram>;
}

export const REQUEST_BYTES = NOTIFICATION_BYTES + REQUEST_HEADER_BYTES;
/** What the stores write for a dead copy of a NOTIFICATION_BYTES notification of statuses (bench/lib/stored-sizes.ts). */
export const STORED = storedSizes(NOTIFICATION_BYTES);
/** A parked item: the compressed payload and its metadata. */
export const PARKED_ITEM_BYTES = STORED.parkedItemBytes;
/** An update of the parked item (a failed attempt counted on it) bills its size. */
export const PARKED_ITEM_WRITE_UNITS = writeUnits(PARKED_ITEM_BYTES, false);
/** A park or an unpark: one transaction of the item's Put (or Delete) and the breaker's count (health-store.ts). */
export const PARK_WRITE_UNITS = parkedItemWriteUnits(PARKED_ITEM_BYTES);
/** A further copy of the same destination parked by the same batch: its item joins that transaction (park-batcher.ts). */
export const GROUPED_PARK_WRITE_UNITS = writeUnits(PARKED_ITEM_BYTES, true);

export function classOf(world: World, message: Message): CostClass {
  return message.dest < 0 ? 'poison' : world.destinations[message.dest]!.kind;
}

export function tallyOf(world: World, message: Message): Tally {
  const kind = classOf(world, message);
  if (message.kind === 'probe' || message.kind === 'drain') return world.overhead[kind];
  return message.ingestedAt < world.cohortEnd ? world.cohort[kind] : world.tallies[kind];
}

/** Where the work for a destination (not for one of its notifications) is counted. */
export function overheadOf(world: World, destination: number): Tally {
  return world.overhead[world.destinations[destination]!.kind];
}

/** Exactly 200 from the primary: delivered, and the clones go out. */
export function accepted(reply: Answer): boolean {
  return reply.status !== undefined && releasesClones(reply.status);
}

/** One attempt of a faulty number's notification on its primary at `at`, counted with the bytes it sent. */
export function attempt(world: World, message: Message, at: number, tally: Tally = tallyOf(world, message)): Answer {
  const reply = answer(world.destinations[message.dest]!, at, DEPLOYED.attemptTimeoutSeconds, world.random);
  tally.attempts += 1;
  if (reply.sentBytes) tally.transferBytes += REQUEST_BYTES;
  return reply;
}

/** After the primary's 200 the clones go out in parallel; returns how long the slowest takes. */
export function sendClones(world: World, message: Message): number {
  const destination = world.destinations[message.dest]!;
  tallyOf(world, message).transferBytes += destination.clones * REQUEST_BYTES;
  return clonesSeconds(destination.clones, world.random);
}

/** The primary answered 200 at `at`. */
export function delivered(world: World, message: Message, at: number): void {
  const kind = classOf(world, message) as TrafficClass;
  tallyOf(world, message).delivered += 1;
  world.latency[kind].add(at - message.ingestedAt + world.measured.ingestMs / 1000);
  world.live.delete(message);
}

/**
 * Given up: sent to the dead-letter queue with its reason (one SQS request, or its share of a
 * batch's), and logged (its own line, or its id in a line of the copies given up with it).
 */
export function deadLetter(
  world: World,
  message: Message,
  at: number,
  sqsRequests = 1,
  logBytes = world.measured.logBytesPerNotification,
): void {
  const tally = tallyOf(world, message);
  tally.deadLettered += 1;
  tally.sqsRequests += sqsRequests;
  tally.logBytes += logBytes;
  world.live.delete(message);
  const overdue = at - (message.ingestedAt + world.scenario.policy.maxAgeSeconds);
  if (overdue > world.stats.maxOverdueSeconds) world.stats.maxOverdueSeconds = overdue;
}

/** SQS moved a message to the DLQ after maxReceiveCount receives. */
export function redriven(world: World, message: Message): void {
  if (message.kind === 'poison') {
    world.stats.poisonRedriven += 1;
    world.stats.poisonMaxReceives = Math.max(world.stats.poisonMaxReceives, message.receives - 1);
    world.stats.poisonMaxSecondsToDlq = Math.max(world.stats.poisonMaxSecondsToDlq, world.sim.now - message.ingestedAt);
    return;
  }
  if (message.kind !== 'notification') return;
  world.stats.redrivenNotifications += 1;
  tallyOf(world, message).deadLettered += 1;
  world.live.delete(message);
}
