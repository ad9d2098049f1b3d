// An SQS standard queue: visible backlog, delayed and in-flight messages, the in-flight quota,
// maxReceiveCount redrive and (optionally) fair-queue dequeue by MessageGroupId.
import { SQS } from './config.js';
import type { Simulation } from './event-queue.js';
import type { Random } from './random.js';

/** One message simulated on its own: a faulty number's notification, a timer, a drain step, a poison record. */
export interface Message {
  kind: 'notification' | 'probe' | 'drain' | 'poison';
  /** The faulty destination (its number is the MessageGroupId); -1 for poison. */
  dest: number;
  /** When the notification was first ingested (seconds), kept across retries and re-sends. */
  ingestedAt: number;
  /** Delivery attempts so far, carried in the message by the new design. */
  attempts: number;
  /** SQS's ApproximateReceiveCount of the current message (a re-send starts again at 0). */
  receives: number;
  /** When a timer or a long retry is due; later than now means one more timer hop. */
  dueAt: number;
  /** Times the new design re-sent it because its destination was at its concurrency cap. */
  resends: number;
}

/** Healthy records of one batch that were ingested together (the healthy majority is counted, not listed). */
export interface HealthyPart {
  ingestedAt: number;
  count: number;
  /** Copies that a crashed batch already delivered once. */
  duplicate: boolean;
}

export interface Batch {
  healthy: HealthyPart[];
  messages: Message[];
  size: number;
}

/** A stretch of backlog that became visible at one time: a tick's arrivals, or messages coming back. */
interface Entry {
  visibleAt: number;
  ingestedAt: number;
  healthy: number;
  duplicate: boolean;
  messages: Message[];
  next: number;
}

export interface QueueOptions {
  maxReceiveCount: number;
  fair: boolean;
  /** SQS moved a message to the dead-letter queue after too many receives. */
  onRedrive(message: Message): void;
}

export class StandardQueue {
  inFlight = 0;
  peakInFlight = 0;
  /** When in-flight messages first reached the quota. */
  quotaReachedAt: number | undefined;
  visible = 0;
  delayed = 0;
  /** Called when messages become visible, so the event source can poll. */
  onVisible: () => void = () => {};
  private entries: Entry[] = [];
  private head = 0;
  /** Fair queues: visible messages of noisy groups, served when no quiet message waits. */
  private deferred: Message[] = [];
  private readonly groupInFlight = new Map<number, number>();

  constructor(
    private readonly sim: Simulation,
    private readonly random: Random,
    private readonly options: QueueOptions,
  ) {}

  /** Ingest: a tick's healthy notifications (counted) and faulty ones (listed), visible at once. */
  arrive(healthy: number, messages: Message[]): void {
    this.append({ visibleAt: this.sim.now, ingestedAt: this.sim.now, healthy, duplicate: false, messages, next: 0 });
  }

  /** SendMessage with DelaySeconds (at most 900): a new message, visible once the delay has passed. */
  send(message: Message, delaySeconds: number): void {
    message.receives = 0;
    const delay = Math.min(SQS.maxDelaySeconds, Math.max(0, delaySeconds));
    if (delay === 0) return this.appendMessage(message);
    this.delayed += 1;
    this.sim.after(delay, () => {
      this.delayed -= 1;
      this.appendMessage(message);
    });
  }

  /** ChangeMessageVisibility, or a crash: stays in flight until `until`, then visible again. */
  hold(message: Message, until: number): void {
    this.sim.at(until, () => {
      this.releaseMessage(message);
      this.appendMessage(message);
    });
  }

  /** A crashed batch's healthy records: in flight until the visibility timeout, then back as duplicates. */
  returnHealthy(part: HealthyPart, until: number): void {
    this.sim.at(until, () => {
      this.inFlight -= part.count;
      this.append({ visibleAt: this.sim.now, ingestedAt: part.ingestedAt, healthy: part.count, duplicate: true, messages: [], next: 0 });
    });
  }

  /** DeleteMessage of healthy records. */
  releaseHealthy(count: number): void {
    this.inFlight -= count;
  }

  /** DeleteMessage of one listed message (or the end of its hold). */
  releaseMessage(message: Message): void {
    this.inFlight -= 1;
    if (this.options.fair && message.dest >= 0) this.groupInFlight.set(message.dest, (this.groupInFlight.get(message.dest) ?? 1) - 1);
  }

  /** Receives return nothing at the in-flight quota. */
  canReceive(): boolean {
    return this.visible > 0 && this.inFlight < SQS.inFlightQuota;
  }

  /** When the oldest visible message became visible (the batching window counts from there). */
  headVisibleAt(): number {
    for (let i = this.head; i < this.entries.length; i += 1) {
      const entry = this.entries[i]!;
      if (entry.healthy + entry.messages.length - entry.next > 0) return entry.visibleAt;
    }
    return Number.NEGATIVE_INFINITY;
  }

  /**
   * ReceiveMessage of up to `max`: roughly in the order messages became visible, the healthy and the
   * listed messages of one stretch mixed at random (SQS standard queues promise no order).
   */
  receive(max: number): Batch {
    const batch: Batch = { healthy: [], messages: [], size: 0 };
    while (batch.size < max && this.head < this.entries.length) {
      const entry = this.entries[this.head]!;
      const listed = entry.messages.length - entry.next;
      const total = entry.healthy + listed;
      if (total === 0) {
        this.head += 1;
        continue;
      }
      let healthy = 0;
      let listedLeft = listed;
      while (batch.size < max && entry.healthy - healthy + listedLeft > 0) {
        if (listedLeft > 0 && this.random.next() * (entry.healthy - healthy + listedLeft) < listedLeft) {
          const message = entry.messages[entry.next++]!;
          listedLeft -= 1;
          this.visible -= 1;
          if (this.take(message)) {
            batch.messages.push(message);
            batch.size += 1;
          }
        } else {
          healthy += 1;
          batch.size += 1;
        }
      }
      if (healthy > 0) {
        entry.healthy -= healthy;
        this.visible -= healthy;
        this.inFlight += healthy;
        batch.healthy.push({ ingestedAt: entry.ingestedAt, count: healthy, duplicate: entry.duplicate });
      }
    }
    // Noisy groups' messages wait until no quiet message is visible.
    while (batch.size < max && this.head >= this.entries.length && this.deferred.length > 0) {
      const message = this.deferred.shift()!;
      this.visible -= 1;
      if (this.take(message, true)) {
        batch.messages.push(message);
        batch.size += 1;
      }
    }
    this.trackPeak();
    this.compact();
    return batch;
  }

  /** Notification messages and healthy counts still visible (for the end-of-run accounting). */
  *visibleBacklog(): Generator<{ ingestedAt: number; healthy: number; duplicate: boolean; messages: Message[] }> {
    for (let i = this.head; i < this.entries.length; i += 1) {
      const entry = this.entries[i]!;
      yield {
        ingestedAt: entry.ingestedAt,
        healthy: entry.healthy,
        duplicate: entry.duplicate,
        messages: entry.messages.slice(entry.next),
      };
    }
    yield { ingestedAt: this.sim.now, healthy: 0, duplicate: false, messages: this.deferred };
  }

  /** Takes one received message into flight, or hands it to the redrive; false if it is not in the batch. */
  private take(message: Message, fromDeferred = false): boolean {
    if (this.options.fair && !fromDeferred && message.dest >= 0 && this.isNoisy(message.dest)) {
      this.deferred.push(message);
      this.visible += 1;
      return false;
    }
    message.receives += 1;
    if (message.receives > this.options.maxReceiveCount) {
      this.options.onRedrive(message);
      return false;
    }
    this.inFlight += 1;
    if (this.options.fair && message.dest >= 0) this.groupInFlight.set(message.dest, (this.groupInFlight.get(message.dest) ?? 0) + 1);
    return true;
  }

  /** AWS's concurrency-share rule; the processing-time share rule is not modelled. */
  private isNoisy(group: number): boolean {
    const own = this.groupInFlight.get(group) ?? 0;
    return own >= SQS.fairNoisyMinInFlight && own > SQS.fairNoisyShare * this.inFlight;
  }

  private appendMessage(message: Message): void {
    const last = this.entries[this.entries.length - 1];
    if (last && this.entries.length > this.head && last.visibleAt === this.sim.now && !last.duplicate) last.messages.push(message);
    else
      this.entries.push({ visibleAt: this.sim.now, ingestedAt: this.sim.now, healthy: 0, duplicate: false, messages: [message], next: 0 });
    this.visible += 1;
    this.onVisible();
  }

  private append(entry: Entry): void {
    this.entries.push(entry);
    this.visible += entry.healthy + entry.messages.length;
    this.onVisible();
  }

  private trackPeak(): void {
    if (this.inFlight > this.peakInFlight) this.peakInFlight = this.inFlight;
    if (this.quotaReachedAt === undefined && this.inFlight >= SQS.inFlightQuota) this.quotaReachedAt = this.sim.now;
  }

  private compact(): void {
    if (this.head > 4096 && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }
}
