// What the new design sends to the retries queue: copies re-sent with DelaySeconds, timer hops for
// longer waits, drain steps, and one probe timer per open breaker.
import { PROBE_TIMER_LOST_SECONDS, SQS } from './config.js';
import type { Message } from './sqs-queue.js';
import { tallyOf, type World } from './world.js';

export class RetriesSender {
  readonly counts = { timer_hops: 0, timer_rearms: 0 };
  private readonly probePending: boolean[];

  constructor(private readonly world: World) {
    this.probePending = new Array<boolean>(world.destinations.length).fill(false);
  }

  /** A new message on the retries queue with DelaySeconds (one SendMessage request). */
  send(message: Message, delaySeconds: number): void {
    tallyOf(this.world, message).sqsRequests += 1;
    this.world.retries.send(message, delaySeconds);
  }

  /** A wait longer than SQS's 900 s: re-sent with the longest delay until it is due. */
  hop(message: Message, at: number, dueAt: number): number {
    this.counts.timer_hops += 1;
    this.send(message, Math.min(SQS.maxDelaySeconds, dueAt - at));
    return 0;
  }

  step(id: number, kind: 'probe' | 'drain', delaySeconds: number, dueAt = 0): void {
    this.send({ kind, dest: id, ingestedAt: this.world.sim.now, attempts: 0, receives: 0, dueAt, resends: 0 }, delaySeconds);
  }

  /**
   * Makes sure one probe timer is on its way. A timer is a message and can be lost (a batch-mate of
   * a poison record reaching maxReceiveCount); one not seen long after its time is sent again.
   */
  ensureProbe(id: number, at: number, due: number): void {
    if (this.probePending[id]) {
      if (at - due < PROBE_TIMER_LOST_SECONDS) return;
      this.counts.timer_rearms += 1;
    }
    this.probePending[id] = true;
    this.step(id, 'probe', due - at, due);
  }

  /** The timer arrived (and probed, or found nothing to do). */
  probeTimerDone(id: number): void {
    this.probePending[id] = false;
  }
}
