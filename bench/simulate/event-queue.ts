// The simulated clock: a binary heap of timed callbacks, run in time order (ties in scheduling order).

type Callback = () => void;

interface Scheduled {
  at: number;
  seq: number;
  run: Callback;
}

export class Simulation {
  /** Simulated seconds since the start of the scenario. */
  now = 0;
  events = 0;
  private heap: Scheduled[] = [];
  private seq = 0;

  /** Runs `run` at simulated time `at` (never in the past). */
  at(at: number, run: Callback): void {
    const item = { at: Math.max(at, this.now), seq: this.seq++, run };
    const heap = this.heap;
    let i = heap.length;
    heap.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(item, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = item;
  }

  after(seconds: number, run: Callback): void {
    this.at(this.now + seconds, run);
  }

  /** Runs every event up to `until`, then leaves the clock there. */
  runUntil(until: number): void {
    const heap = this.heap;
    while (heap.length > 0 && heap[0]!.at <= until) {
      const top = this.pop();
      this.now = top.at;
      this.events += 1;
      top.run();
    }
    this.now = until;
  }

  private pop(): Scheduled {
    const heap = this.heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      let i = 0;
      const n = heap.length;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && earlier(heap[right]!, heap[left]!) ? right : left;
        if (!earlier(heap[child]!, last)) break;
        heap[i] = heap[child]!;
        i = child;
      }
      heap[i] = last;
    }
    return top;
  }
}

function earlier(a: Scheduled, b: Scheduled): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
