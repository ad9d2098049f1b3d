// Seeded random numbers, so a run is reproducible and both designs see exactly the same traffic.

/** A small, fast PRNG (mulberry32): one 32-bit state, good enough for a simulation's sampling. */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  between(low: number, high: number): number {
    return low + (high - low) * this.next();
  }

  /** An integer in [0, count). */
  index(count: number): number {
    return Math.floor(this.next() * count);
  }

  /** Poisson-distributed count with mean `mean` (Knuth; the means here are small, below 30). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    const limit = Math.exp(-mean);
    let count = 0;
    let product = this.next();
    while (product > limit) {
      count += 1;
      product *= this.next();
    }
    return count;
  }

  /** A fresh generator derived from this one, for an independent stream (traffic, receivers, decisions). */
  fork(salt: number): Random {
    return new Random(Math.floor(this.next() * 4294967296) ^ Math.imul(salt, 0x9e3779b1));
  }
}
