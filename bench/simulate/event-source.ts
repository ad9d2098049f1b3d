// Lambda's SQS event source mapping: batches of up to 10, a batching window, at most maxConcurrency
// invocations at once; an invocation holds its slot until its slowest record is done.
import { DEPLOYED, SQS } from './config.js';
import type { Simulation } from './event-queue.js';
import type { Batch, StandardQueue } from './sqs-queue.js';

export interface Invocation {
  /** Wall time of the invocation: the records run in parallel, so the slowest ends it. */
  seconds: number;
  /** At the end: the event source deletes the records that succeeded. */
  finish(): void;
}

export type BatchHandler = (batch: Batch, start: number) => Invocation;

export class EventSourceMapping {
  busy = 0;
  peakBusy = 0;
  invocations = 0;
  private wakeAt = Number.POSITIVE_INFINITY;
  private pumping = false;

  constructor(
    private readonly sim: Simulation,
    private readonly queue: StandardQueue,
    private readonly maxConcurrency: number,
    private readonly handle: BatchHandler,
  ) {
    queue.onVisible = () => this.pump();
  }

  /**
   * Starts invocations while a slot is free and the queue returns messages. A partial batch waits
   * for the batching window, counted from the oldest visible message. Scaling is instant up to
   * maxConcurrency (Lambda's ramp of up to 300 more a minute is not modelled).
   */
  pump(): void {
    if (this.pumping) return;
    this.pumping = true;
    try {
      const queue = this.queue;
      while (this.busy < this.maxConcurrency && queue.canReceive()) {
        if (queue.visible < DEPLOYED.batchSize) {
          const ready = queue.headVisibleAt() + DEPLOYED.batchingWindowSeconds;
          if (ready > this.sim.now) {
            this.wake(ready);
            return;
          }
        }
        const batch = queue.receive(Math.min(DEPLOYED.batchSize, SQS.inFlightQuota - queue.inFlight));
        if (batch.size === 0) continue;
        this.start(batch);
      }
    } finally {
      this.pumping = false;
    }
  }

  private start(batch: Batch): void {
    if (batch.size > DEPLOYED.batchSize) throw new Error(`a batch of ${batch.size} records: the queue model is broken`);
    this.busy += 1;
    this.invocations += 1;
    if (this.busy > this.peakBusy) this.peakBusy = this.busy;
    const invocation = this.handle(batch, this.sim.now);
    this.sim.after(invocation.seconds, () => {
      invocation.finish();
      this.busy -= 1;
      this.pump();
    });
  }

  private wake(at: number): void {
    if (this.wakeAt > this.sim.now && this.wakeAt <= at) return;
    this.wakeAt = at;
    this.sim.at(at, () => {
      this.wakeAt = Number.POSITIVE_INFINITY;
      this.pump();
    });
  }
}
