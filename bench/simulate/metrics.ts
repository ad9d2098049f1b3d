// What a run counts: per-class tallies (for figures and for the bill) and latency histograms.
import { COST_CLASSES, type CostClass } from './receivers.js';

/** Everything one class of notifications caused; shared requests are split over a batch's records. */
export interface Tally {
  notifications: number;
  /** Primaries answered 200 (the first time; duplicates are counted apart). */
  delivered: number;
  deadLettered: number;
  /** Items that vanished without delivery or dead-letter (parked past their TTL). */
  dropped: number;
  /** HTTP attempts on the primary (probes and drain attempts included). */
  attempts: number;
  /** Copies a receiver got again after a crashed batch. */
  duplicates: number;
  parks: number;
  /** Share of delivery invocations and of their billed milliseconds. */
  invocations: number;
  billedMs: number;
  /** Billed SQS requests, ingest's send included. */
  sqsRequests: number;
  readUnits: number;
  writeUnits: number;
  logBytes: number;
  /** Bytes sent to receivers (data transfer out). */
  transferBytes: number;
}

export function emptyTally(): Tally {
  return {
    notifications: 0,
    delivered: 0,
    deadLettered: 0,
    dropped: 0,
    attempts: 0,
    duplicates: 0,
    parks: 0,
    invocations: 0,
    billedMs: 0,
    sqsRequests: 0,
    readUnits: 0,
    writeUnits: 0,
    logBytes: 0,
    transferBytes: 0,
  };
}

export type Tallies = Record<CostClass, Tally>;

export function emptyTallies(): Tallies {
  return Object.fromEntries(COST_CLASSES.map((kind) => [kind, emptyTally()])) as Tallies;
}

export function sumTallies(tallies: Tally[]): Tally {
  const sum = emptyTally();
  for (const tally of tallies) for (const key of Object.keys(sum) as (keyof Tally)[]) sum[key] += tally[key];
  return sum;
}

const SMALLEST = 0.001;
const GROWTH = Math.log(1.01);
const BINS = 2400;

/** Weighted latencies in bins 1 % wide from 1 ms up (past 10 days), so percentiles are within 1 %. */
export class Histogram {
  private readonly bins = new Float64Array(BINS);
  total = 0;

  add(seconds: number, weight = 1): void {
    const bin = seconds <= SMALLEST ? 0 : Math.min(BINS - 1, Math.ceil(Math.log(seconds / SMALLEST) / GROWTH));
    this.bins[bin]! += weight;
    this.total += weight;
  }

  /** The upper edge of the bin holding the `fraction` quantile; NaN when empty. */
  quantile(fraction: number): number {
    if (this.total === 0) return Number.NaN;
    const target = fraction * this.total;
    let seen = 0;
    for (let bin = 0; bin < BINS; bin += 1) {
      seen += this.bins[bin]!;
      if (seen >= target) return SMALLEST * Math.exp(bin * GROWTH);
    }
    return SMALLEST * Math.exp((BINS - 1) * GROWTH);
  }
}
