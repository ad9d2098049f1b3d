// One scenario under one design: builds the world, feeds it the traffic, runs the clock, and counts
// at the end what was delivered, dead-lettered, legitimately waiting or lost.
import { MAX_BACKOFF_SECONDS } from '../../shared/domain/retry-schedule.js';
import { BreakerParking } from './breaker-parking.js';
import {
  DEPLOYED,
  DESIGNS,
  POISON_INTERVAL_SECONDS,
  PLATFORM_LOG_BYTES_PER_INVOCATION,
  RECEIVERS,
  SQS,
  type Measured,
  type Scenario,
} from './config.js';
import { Simulation } from './event-queue.js';
import { EventSourceMapping } from './event-source.js';
import { HoldInFlight } from './hold-in-flight.js';
import { runBatch } from './invocation.js';
import { emptyTallies, sumTallies, type Histogram, type Tallies } from './metrics.js';
import { Random } from './random.js';
import { buildDestinations, FAULTY_CLASSES, HealthyBatches, type TrafficClass } from './receivers.js';
import { StandardQueue, type Message } from './sqs-queue.js';
import { classOf, emptyLatencies, redriven, tallyOf, TRAFFIC_CLASSES, type World, type WorldStats } from './world.js';

export type DesignName = keyof typeof DESIGNS;

export interface DesignRun {
  design: DesignName;
  scenario: Scenario;
  tallies: Tallies;
  cohort: Tallies;
  overhead: Tallies;
  /** Ingest to primary delivered; notifications still waiting at the end enter with their age so far. */
  latency: Record<TrafficClass, Histogram>;
  /** The larger of the two queues' peaks (the quota is per queue). */
  peakInFlight: number;
  /** When either queue first reached the in-flight quota. */
  quotaReachedAt: number | undefined;
  /** Peak concurrent invocations of each queue's event source. */
  peakConcurrency: { fast: number; slow: number };
  /** Per class: waiting in a queue or parked, younger than the retry window plus one backoff step. */
  waiting: Record<TrafficClass, number>;
  /** Per class: neither delivered, nor dead-lettered, nor legitimately waiting. */
  lost: Record<TrafficClass, number>;
  /** Of the lost: still waiting although past the retry window plus one backoff step. */
  overdue: Record<TrafficClass, number>;
  stats: WorldStats;
  details: Record<string, number>;
  poisonInjected: number;
  events: number;
  wallSeconds: number;
}

export function runDesign(scenario: Scenario, design: DesignName, measured: Measured, seed: number): DesignRun {
  const began = performance.now();
  const sim = new Simulation();
  const root = new Random(seed);
  // Separate streams: the traffic and the receivers are the same for both designs.
  const traffic = root.fork(1);
  const setup = root.fork(2);
  const behaviour = root.fork(3);
  const mixing = root.fork(4);
  const perClass = Math.round(RECEIVERS.numbers * RECEIVERS.shares.dead);
  const settings = DESIGNS[design];
  const stats: WorldStats = {
    maxOverdueSeconds: 0,
    poisonRedriven: 0,
    poisonMaxReceives: 0,
    poisonMaxSecondsToDlq: 0,
    redrivenNotifications: 0,
  };
  const queue = () =>
    new StandardQueue(sim, mixing, {
      maxReceiveCount: settings.maxReceiveCount,
      fair: settings.fairQueue,
      onRedrive: (message) => redriven(world, message),
    });
  const world: World = {
    sim,
    notifications: queue(),
    retries: queue(),
    scenario,
    measured,
    destinations: buildDestinations(perClass, scenario.durationSeconds, setup),
    tallies: emptyTallies(),
    cohort: emptyTallies(),
    // Ingested early enough to be decided by the end: the retry window, one backoff step, one timer hop.
    cohortEnd: scenario.durationSeconds - scenario.policy.maxAgeSeconds - MAX_BACKOFF_SECONDS - SQS.maxDelaySeconds,
    overhead: emptyTallies(),
    latency: emptyLatencies(),
    healthy: new HealthyBatches(DEPLOYED.batchSize, root.fork(5)),
    random: behaviour,
    live: new Set(),
    stats,
  };
  const handler = design === 'old' ? new HoldInFlight(world) : new BreakerParking(world);
  // maxConcurrency applies to each queue's event source.
  const fast = new EventSourceMapping(sim, world.notifications, scenario.maxConcurrency, (batch, start) =>
    runBatch(world, handler, batch, start, world.notifications, 'fast'),
  );
  const slow = new EventSourceMapping(sim, world.retries, scenario.maxConcurrency, (batch, start) =>
    runBatch(world, handler, batch, start, world.retries, 'slow'),
  );
  const poisonInjected = feedTraffic(world, traffic);
  sim.runUntil(scenario.durationSeconds);

  const { waiting, lost, overdue } = account(world, handler.parked());
  return {
    design,
    scenario,
    tallies: world.tallies,
    cohort: world.cohort,
    overhead: world.overhead,
    latency: world.latency,
    peakInFlight: Math.max(world.notifications.peakInFlight, world.retries.peakInFlight),
    quotaReachedAt: world.notifications.quotaReachedAt ?? world.retries.quotaReachedAt,
    peakConcurrency: { fast: fast.peakBusy, slow: slow.peakBusy },
    waiting,
    lost,
    overdue,
    stats,
    details: handler.details(),
    poisonInjected: poisonInjected(),
    events: sim.events,
    wallSeconds: (performance.now() - began) / 1000,
  };
}

/**
 * Ingest, one tick at a time: the healthy 96 % as a deterministic fluid count, each faulty class as
 * Poisson arrivals on a random number of that class, and now and then a poison record.
 */
function feedTraffic(world: World, random: Random): () => number {
  const { sim, scenario, tallies, measured } = world;
  // About one batch per tick: fine enough for the batching window, coarse enough to be fast.
  const tick = Math.min(1, Math.max(0.05, 10 / scenario.rate));
  const faultyShare = FAULTY_CLASSES.reduce((sum, kind) => sum + RECEIVERS.shares[kind], 0);
  const classes = FAULTY_CLASSES.map((kind) => ({
    kind,
    ids: world.destinations.filter((destination) => destination.kind === kind).map((destination) => destination.id),
    mean: scenario.rate * RECEIVERS.shares[kind] * tick,
  }));
  const ingestBytes = measured.logBytesPerNotification + PLATFORM_LOG_BYTES_PER_INVOCATION;
  let carry = 0;
  let nextPoison = POISON_INTERVAL_SECONDS / 2;
  let poison = 0;
  const step = () => {
    carry += scenario.rate * (1 - faultyShare) * tick;
    const healthy = Math.floor(carry);
    carry -= healthy;
    tallies.healthy.notifications += healthy;
    tallies.healthy.sqsRequests += healthy;
    tallies.healthy.logBytes += healthy * ingestBytes;
    const messages: Message[] = [];
    for (const { ids, mean } of classes) {
      for (let n = random.poisson(mean); n > 0; n -= 1) {
        const message = notification(ids[random.index(ids.length)]!, sim.now);
        messages.push(message);
        world.live.add(message);
        const tally = tallyOf(world, message);
        tally.notifications += 1;
        tally.sqsRequests += 1;
        tally.logBytes += ingestBytes;
      }
    }
    if (sim.now >= nextPoison) {
      messages.push({ ...notification(-1, sim.now), kind: 'poison' });
      nextPoison += POISON_INTERVAL_SECONDS;
      poison += 1;
    }
    world.notifications.arrive(healthy, messages);
    if (sim.now + tick <= scenario.durationSeconds) sim.after(tick, step);
  };
  sim.at(0, step);
  return () => poison;
}

function notification(dest: number, at: number): Message {
  return { kind: 'notification', dest, ingestedAt: at, attempts: 0, receives: 0, dueAt: 0, resends: 0 };
}

/** The end of the run: sorts every notification not delivered and not dead-lettered. */
function account(world: World, parked: Iterable<Message>) {
  const zero = () => Object.fromEntries(TRAFFIC_CLASSES.map((kind) => [kind, 0])) as Record<TrafficClass, number>;
  const waiting = zero();
  const overdue = zero();
  const end = world.sim.now;
  // The give-up happens at the first attempt or probe after the window: at most one backoff step late.
  const limit = world.scenario.policy.maxAgeSeconds + MAX_BACKOFF_SECONDS;
  const ingest = world.measured.ingestMs / 1000;
  const count = (kind: TrafficClass, ingestedAt: number, n: number) => {
    if (end - ingestedAt < limit) waiting[kind] += n;
    else overdue[kind] += n;
  };
  for (const stretch of [...world.notifications.visibleBacklog(), ...world.retries.visibleBacklog()]) {
    if (!stretch.duplicate && stretch.healthy > 0) {
      count('healthy', stretch.ingestedAt, stretch.healthy);
      world.latency.healthy.add(end - stretch.ingestedAt + ingest, stretch.healthy);
    }
  }
  const undelivered = [...world.live, ...parked];
  for (const message of undelivered) {
    const kind = classOf(world, message) as TrafficClass;
    count(kind, message.ingestedAt, 1);
    world.latency[kind].add(end - message.ingestedAt + ingest);
  }
  const lost = zero();
  for (const kind of TRAFFIC_CLASSES) {
    const tally = sumTallies([world.tallies[kind], world.cohort[kind]]);
    lost[kind] = tally.notifications - tally.delivered - tally.deadLettered - waiting[kind];
  }
  return { waiting, lost, overdue };
}
