// The webhook receivers: how each kind answers an attempt, and the healthy majority in aggregate form.
import { RECEIVERS } from './config.js';
import type { Random } from './random.js';

export const FAULTY_CLASSES = ['dead', 'hung', 'slow', 'flapping'] as const;
export type FaultyClass = (typeof FAULTY_CLASSES)[number];
export type TrafficClass = 'healthy' | FaultyClass;
/** Costs that belong to no number: the injected poison records. */
export type CostClass = TrafficClass | 'poison';
export const COST_CLASSES: readonly CostClass[] = ['healthy', ...FAULTY_CLASSES, 'poison'];

/** The answer to one attempt, as the delivery client reports it. */
export interface Answer {
  /** Exactly what the receiver answered; absent when it never answered. */
  status?: number;
  error?: 'timeout' | 'connection';
  seconds: number;
  /** Whether the request reached the receiver (it then counts as data transfer out). */
  sentBytes: boolean;
}

/** A faulty number's primary; its clones answer like healthy receivers. */
export interface Destination {
  id: number;
  kind: FaultyClass;
  refuses: boolean;
  clones: number;
  /** Flapping only: the times at which it toggles between up and down, up before the first. */
  flips: Float64Array;
}

const [HEALTHY_LOW, HEALTHY_HIGH] = RECEIVERS.healthyLatencySeconds;

export function healthySeconds(random: Random): number {
  return random.between(HEALTHY_LOW, HEALTHY_HIGH);
}

/** The clones go out in parallel after the primary's 200: the slowest of them ends the copy. */
export function clonesSeconds(clones: number, random: Random): number {
  let slowest = 0;
  for (let i = 0; i < clones; i += 1) slowest = Math.max(slowest, healthySeconds(random));
  return slowest;
}

/** Builds the faulty numbers' primaries: `perClass` of each kind, ids 0.. in class order. */
export function buildDestinations(perClass: number, horizonSeconds: number, random: Random): Destination[] {
  const destinations: Destination[] = [];
  for (const kind of FAULTY_CLASSES) {
    for (let i = 0; i < perClass; i += 1) {
      destinations.push({
        id: destinations.length,
        kind,
        refuses: random.next() < 0.5,
        clones: random.index(RECEIVERS.maxClones + 1),
        flips: kind === 'flapping' ? flapSchedule(horizonSeconds, random) : new Float64Array(0),
      });
    }
  }
  return destinations;
}

function flapSchedule(horizonSeconds: number, random: Random): Float64Array {
  const [upLow, upHigh] = RECEIVERS.flappingUpSeconds;
  const [downLow, downHigh] = RECEIVERS.flappingDownSeconds;
  // Start up at a random time before 0, so the numbers do not all go down together.
  const flips: number[] = [];
  let t = -random.between(0, upHigh + downHigh);
  while (t < horizonSeconds) {
    t += random.between(upLow, upHigh);
    flips.push(t);
    t += random.between(downLow, downHigh);
    flips.push(t);
  }
  const before = flips.filter((flip) => flip <= 0).length;
  const after = flips.filter((flip) => flip > 0);
  // An odd number of flips before 0 means it is down at 0: keep that as a flip at 0.
  return Float64Array.from(before % 2 === 1 ? [0, ...after] : after);
}

export function isUp(destination: Destination, at: number): boolean {
  const flips = destination.flips;
  let low = 0;
  let high = flips.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (flips[middle]! <= at) low = middle + 1;
    else high = middle;
  }
  return low % 2 === 0;
}

/** How the destination answers an attempt that starts at `at`; `timeout` is the per-attempt limit. */
export function answer(destination: Destination, at: number, timeout: number, random: Random): Answer {
  switch (destination.kind) {
    case 'dead':
      return destination.refuses ? refused(random) : { status: 503, seconds: healthySeconds(random), sentBytes: true };
    case 'hung':
      return { error: 'timeout', seconds: timeout, sentBytes: true };
    case 'slow':
      return RECEIVERS.slowLatencySeconds < timeout
        ? { status: 200, seconds: RECEIVERS.slowLatencySeconds, sentBytes: true }
        : { error: 'timeout', seconds: timeout, sentBytes: true };
    case 'flapping':
      return isUp(destination, at) ? { status: 200, seconds: healthySeconds(random), sentBytes: true } : refused(random);
  }
}

function refused(random: Random): Answer {
  const [low, high] = RECEIVERS.refusedLatencySeconds;
  return { error: 'connection', seconds: random.between(low, high), sentBytes: false };
}

const QUANTILES = 1000;

/**
 * The healthy 96 % in aggregate: a batch's healthy records are not simulated one by one. What the
 * invocation needs from them is the slowest copy chain (primary, then its slowest clone) among k
 * records, drawn from a table of that distribution built once per run by sampling.
 */
export class HealthyBatches {
  private readonly slowestOf: Float64Array[] = [];
  /** Mean busy time of one healthy record (primary plus slowest clone), for splitting a bill. */
  readonly meanChainSeconds: number;
  /** Mean HTTP requests per healthy notification (the primary and its clones). */
  readonly requestsPerNotification = 1 + RECEIVERS.maxClones / 2;

  constructor(batchSize: number, random: Random) {
    let chainSum = 0;
    let chains = 0;
    for (let k = 1; k <= batchSize; k += 1) {
      const samples = new Float64Array(4 * QUANTILES);
      for (let s = 0; s < samples.length; s += 1) {
        let slowest = 0;
        for (let r = 0; r < k; r += 1) {
          const chain = healthySeconds(random) + clonesSeconds(random.index(RECEIVERS.maxClones + 1), random);
          chainSum += chain;
          chains += 1;
          slowest = Math.max(slowest, chain);
        }
        samples[s] = slowest;
      }
      samples.sort();
      this.slowestOf[k] = Float64Array.from(
        { length: QUANTILES },
        (_, q) => samples[Math.floor(((q + 0.5) / QUANTILES) * samples.length)]!,
      );
    }
    this.meanChainSeconds = chainSum / chains;
  }

  /** The slowest chain among `count` healthy records of one batch. */
  slowestChain(count: number, random: Random): number {
    return count === 0 ? 0 : this.slowestOf[count]![Math.floor(random.next() * QUANTILES)]!;
  }
}
