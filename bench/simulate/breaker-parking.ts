// The design: a circuit breaker per destination, parking instead of holding, one probe at a
// time, an ordered drain, short retries as new delayed messages, a slow lane for suspect destinations
// and a cap on attempts per destination there.
import {
  admission,
  afterFailure,
  afterParked,
  afterSuccess,
  afterUnparked,
  DRAIN_BATCH_SIZE,
  DRAIN_INTERVAL_SECONDS,
  HEALTHY,
  probeDue,
  transition,
  type DestinationHealth,
} from '../../shared/domain/destination-health.js';
import { backoffSeconds, decideRetry } from '../../shared/domain/retry-schedule.js';
import { batchSendRequests } from '../lib/cost.js';
import { NOTIFICATION_ID_LOG_BYTES, queueMessageBytes, writeUnits } from '../lib/cost-scenarios.js';
import { CAP_RESEND_BASE_SECONDS, NOTIFICATION_BYTES, PARK_TTL_GRACE_SECONDS } from './config.js';
import { ParkStore } from './park-store.js';
import type { Answer } from './receivers.js';
import { RetriesSender } from './retries-sender.js';
import { AttemptSlots } from './slow-lane.js';
import type { Message } from './sqs-queue.js';
import {
  accepted,
  attempt,
  deadLetter,
  delivered,
  GROUPED_PARK_WRITE_UNITS,
  PARK_WRITE_UNITS,
  PARKED_ITEM_BYTES,
  PARKED_ITEM_WRITE_UNITS,
  overheadOf,
  sendClones,
  STORED,
  tallyOf,
  type Design,
  type RecordContext,
  type World,
} from './world.js';

/** A probe or drain step: the breaker's write, the timer's claim and the next timer (or none). */
const TIMER_STEP_WRITE_UNITS = 3;
/** A delivery-log record's update (under 1 KB). */
const DELIVERY_LOG_ENTRY_WRITE_UNITS = 1;
/** The notification the delivery log keeps at a copy's first entry. */
const KEPT_NOTIFICATION_WRITE_UNITS = writeUnits(STORED.keptNotificationBytes, false);
/** A dead letter: the notification as its queue message, and its reason and time as attributes. */
const DEAD_LETTER_BYTES = queueMessageBytes(NOTIFICATION_BYTES) + 150;
/** A failed attempt of a parked copy: its attempt record and the attempt counted on its item. */
const FAILED_PARKED_WRITE_UNITS = DELIVERY_LOG_ENTRY_WRITE_UNITS + PARKED_ITEM_WRITE_UNITS;

/** The breaker works in epoch milliseconds; the simulation starts at epoch 0. */
const ms = (seconds: number) => seconds * 1000;

export class BreakerParking implements Design {
  private readonly health: DestinationHealth[];
  private readonly store: ParkStore;
  /** One probe at a time per destination. */
  private readonly probing: Uint8Array;
  private readonly slots: AttemptSlots;
  private readonly retries: RetriesSender;
  private readonly counts = { opens: 0, probes: 0, drain_steps: 0, moved_to_slow_lane: 0, cap_resends: 0, short_retries: 0 };
  private readonly transitions = new Map<string, number>();
  /** When each destination last parked a copy (see park). */
  private readonly lastParkAt = new Map<number, number>();

  constructor(private readonly world: World) {
    const count = world.destinations.length;
    this.health = Array.from({ length: count }, () => HEALTHY);
    this.store = new ParkStore(count);
    this.probing = new Uint8Array(count);
    this.slots = new AttemptSlots(count);
    this.retries = new RetriesSender(world);
  }

  handle(message: Message, at: number, record: RecordContext): number {
    if (message.kind === 'notification') return this.notification(message, at, record);
    if (message.kind === 'probe') return this.probe(message, at);
    return message.kind === 'drain' ? this.drain(message, at) : 0;
  }

  private notification(message: Message, at: number, record: RecordContext): number {
    const id = message.dest;
    // A retry that wanted more than 900 s of delay: one more timer hop.
    if (message.dueAt > at) return this.retries.hop(message, at, message.dueAt);
    const health = this.health[id]!;
    if (admission(health) === 'park') {
      this.park(message, at);
      // Its first delivery-log entry: the record, and the notification kept for a replay.
      tallyOf(this.world, message).writeUnits += DELIVERY_LOG_ENTRY_WRITE_UNITS + KEPT_NOTIFICATION_WRITE_UNITS;
      return 0;
    }
    // A destination that failed last time or answers slowly does not hold up the fast lane's batches.
    if (record.lane === 'fast' && this.slots.suspect(id, health, at)) {
      this.counts.moved_to_slow_lane += 1;
      this.retries.send(message, 0);
      return 0;
    }
    if (record.lane === 'slow' && this.slots.atCap(id)) {
      message.resends += 1;
      this.counts.cap_resends += 1;
      const policy = { ...this.world.scenario.policy, baseSeconds: CAP_RESEND_BASE_SECONDS };
      this.retries.send(message, backoffSeconds(message.resends, policy, this.world.random.next()));
      return 0;
    }
    this.slots.started(id, at);
    const reply = attempt(this.world, message, at);
    const doneAt = at + reply.seconds;
    const clones = accepted(reply) ? sendClones(this.world, message) : 0;
    this.world.sim.at(doneAt, () => this.attempted(message, reply, doneAt));
    return reply.seconds + clones;
  }

  /** A normal attempt's answer. Only probes and the drain move an open or draining breaker. */
  private attempted(message: Message, reply: Answer, at: number): void {
    const id = message.dest;
    const world = this.world;
    this.slots.finished(id);
    message.attempts += 1;
    const health = this.health[id]!;
    if (accepted(reply)) {
      if (health.state === 'closed') this.setHealth(id, afterSuccess(health, { status: 200, latencyMs: ms(reply.seconds) }, ms(at)), at);
      delivered(world, message, at);
      return;
    }
    const tally = tallyOf(world, message);
    tally.writeUnits += DELIVERY_LOG_ENTRY_WRITE_UNITS + 1; // the attempt record and the breaker item
    // A copy's first failure keeps its notification in the delivery log.
    if (message.attempts === 1) tally.writeUnits += KEPT_NOTIFICATION_WRITE_UNITS;
    tally.logBytes += world.measured.logBytesPerNotification;
    if (health.state === 'closed')
      this.setHealth(id, afterFailure(health, outcome(reply), ms(at), world.scenario.policy, world.random.next()), at);
    if (this.health[id]!.state !== 'closed') return this.park(message, at);
    const decision = decideRetry(message.attempts, at - message.ingestedAt, world.scenario.policy, world.random.next());
    if (decision.kind === 'give-up') return deadLetter(world, message, at);
    this.counts.short_retries += 1;
    message.dueAt = at + decision.delaySeconds;
    this.retries.send(message, decision.delaySeconds);
  }

  /** A probe timer: the oldest parked notification is the probe, once the breaker's time has come. */
  private probe(timer: Message, at: number): number {
    const id = timer.dest;
    const health = this.health[id]!;
    // A timer sent again (taken as lost) may find the first one's probe under way.
    if (this.probing[id]) return 0;
    if (health.state !== 'open') {
      this.retries.probeTimerDone(id);
      return 0;
    }
    if (!probeDue(health, ms(at))) return this.retries.hop(timer, at, health.nextProbeAt! / 1000);
    this.sweep(id, at, 1);
    const head = this.store.oldest(id, 1)[0];
    if (!head) {
      // Nothing left to probe with: the next parked notification starts a timer again.
      this.retries.probeTimerDone(id);
      return 0;
    }
    // A probe is the destination's work, as its timer hops are: it tests the receiver for every copy
    // waiting, whichever copy it carries, so its cost is shared like theirs. (Billed to the head, the
    // oldest copy, it fell on the early notifications alone, which are the whole-life cohort.) The
    // head's own tally keeps what is its own: its delivery when the probe succeeds.
    const tally = overheadOf(this.world, id);
    tally.readUnits += 2; // where the line starts (its given-up head's end), then the Query of the head
    this.counts.probes += 1;
    this.slots.started(id, at);
    this.probing[id] = 1;
    const reply = attempt(this.world, head, at, tally);
    const doneAt = at + reply.seconds;
    const clones = accepted(reply) ? sendClones(this.world, head) : 0;
    this.world.sim.at(doneAt, () => {
      this.slots.finished(id);
      this.probing[id] = 0;
      head.attempts += 1;
      overheadOf(this.world, id).writeUnits += TIMER_STEP_WRITE_UNITS;
      const current = this.health[id]!;
      this.retries.probeTimerDone(id);
      if (accepted(reply)) {
        this.unpark(id, head);
        delivered(this.world, head, doneAt);
        const recovered = afterSuccess(current, { status: 200, latencyMs: ms(reply.seconds) }, ms(doneAt));
        this.setHealth(id, afterUnparked(recovered, 1, ms(doneAt)), doneAt);
        return;
      }
      tally.writeUnits += FAILED_PARKED_WRITE_UNITS;
      this.setHealth(id, afterFailure(current, outcome(reply), ms(doneAt), this.world.scenario.policy, this.world.random.next()), doneAt);
      this.ensureProbe(id, doneAt);
    });
    return reply.seconds + clones;
  }

  /** One drain step: up to DRAIN_BATCH_SIZE parked notifications, one after the other, in order. */
  private drain(step: Message, at: number): number {
    const id = step.dest;
    if (this.health[id]!.state !== 'draining') return 0;
    this.sweep(id, at, DRAIN_BATCH_SIZE);
    if (this.health[id]!.state !== 'draining') return 0;
    const overhead = overheadOf(this.world, id);
    const items = this.store.oldest(id, DRAIN_BATCH_SIZE);
    // Where the line starts, then one strongly consistent Query of the items, 4 KB per read unit.
    overhead.readUnits += 1 + Math.ceil((items.length * PARKED_ITEM_BYTES) / 4096);
    this.counts.drain_steps += 1;
    let t = at;
    const done: { item: Message; at: number; reply: Answer }[] = [];
    let failed: Answer | undefined;
    for (const item of items) {
      const reply = attempt(this.world, item, t);
      t += reply.seconds;
      if (!accepted(reply)) {
        failed = reply;
        break;
      }
      done.push({ item, at: t, reply });
      // The clones follow the primary's 200 before the next parked notification goes.
      t += sendClones(this.world, item);
    }
    this.slots.started(id, at);
    this.world.sim.at(t, () => {
      this.slots.finished(id);
      let health = this.health[id]!;
      for (const { item, at: deliveredAt, reply } of done) {
        item.attempts += 1;
        this.unpark(id, item);
        delivered(this.world, item, deliveredAt);
        health = afterSuccess(health, { status: 200, latencyMs: ms(reply.seconds) }, ms(deliveredAt));
      }
      overhead.writeUnits += TIMER_STEP_WRITE_UNITS;
      health = afterUnparked(health, done.length, ms(t));
      if (failed) {
        items[done.length]!.attempts += 1;
        tallyOf(this.world, items[done.length]!).writeUnits += FAILED_PARKED_WRITE_UNITS;
        health = afterFailure(health, outcome(failed), ms(t), this.world.scenario.policy, this.world.random.next());
      }
      const stillDraining = this.health[id]!.state === 'draining' && health.state === 'draining';
      this.setHealth(id, health, t);
      if (stillDraining) this.retries.step(id, 'drain', DRAIN_INTERVAL_SECONDS);
    });
    return t - at;
  }

  /** Stored with a TTL, its queue message deleted: nothing of a dead destination stays in flight. */
  private park(message: Message, at: number): void {
    const id = message.dest;
    this.store.add(id, message);
    this.health[id] = afterParked(this.health[id]!, 1);
    const tally = tallyOf(this.world, message);
    tally.parks += 1;
    // No line: `Copy parked behind an open breaker` is a DEBUG line (its record in the delivery log says it).
    // A batch's records share its start time: a second copy of a destination joins the first one's write.
    tally.writeUnits += this.lastParkAt.get(id) === at ? GROUPED_PARK_WRITE_UNITS : PARK_WRITE_UNITS;
    this.lastParkAt.set(id, at);
    this.world.live.delete(message);
    if (this.health[id]!.state === 'open') this.ensureProbe(id, at);
  }

  private unpark(id: number, item: Message): void {
    this.store.remove(id, item);
    // The transaction, and its delivery-log record closed as delivered.
    tallyOf(this.world, item).writeUnits += PARK_WRITE_UNITS + DELIVERY_LOG_ENTRY_WRITE_UNITS;
  }

  /**
   * Past the retry window, parked notifications go to the dead-letter queue (at a probe or drain
   * step). They are the head of the line, read `firstRead` first (a probe reads one copy), then a
   * drain step's worth per Query; each Query's given-up copies are sent together, and leave the
   * line in one breaker write. Their items wait for the TTL.
   */
  private sweep(id: number, at: number, firstRead: number): void {
    const { maxAgeSeconds } = this.world.scenario.policy;
    const expired = this.store.takeExpired(id, at, maxAgeSeconds);
    const reads = expired.length === 0 ? [] : [Math.min(firstRead, expired.length)];
    for (let left = expired.length - (reads[0] ?? 0); left > 0; left -= DRAIN_BATCH_SIZE) reads.push(Math.min(left, DRAIN_BATCH_SIZE));
    overheadOf(this.world, id).readUnits += reads.length; // where the line starts, read before each Query
    overheadOf(this.world, id).writeUnits += reads.length;
    const sends = reads.reduce((sum, read) => sum + batchSendRequests(read, DEAD_LETTER_BYTES), 0);
    // Each read's given-up copies are logged in a line per reason (their attempt count), listing their ids.
    let first = 0;
    for (const read of reads) {
      const reasons = new Set(expired.slice(first, first + read).map((item) => item.attempts)).size;
      overheadOf(this.world, id).logBytes += reasons * this.world.measured.logBytesPerNotification;
      first += read;
    }
    for (const item of expired) {
      const tally = tallyOf(this.world, item);
      // Its delivery-log record reads as dead from its window's end on: the give-up writes none.
      tally.readUnits += PARKED_ITEM_BYTES / 4096;
      // The item's TTL is the remaining window plus a grace; past it, DynamoDB may have removed it.
      if (at - item.ingestedAt > maxAgeSeconds + PARK_TTL_GRACE_SECONDS) tally.dropped += 1;
      else deadLetter(this.world, item, at, sends / expired.length, NOTIFICATION_ID_LOG_BYTES);
    }
    if (expired.length > 0) this.setHealth(id, afterUnparked(this.health[id]!, expired.length, ms(at)), at);
  }

  /** Stores the breaker's new state; a transition is logged and starts a probe timer or the drain. */
  private setHealth(id: number, next: DestinationHealth, at: number): void {
    const before = this.health[id]!;
    this.health[id] = next;
    const name = transition(before, next);
    if (!name) return;
    this.transitions.set(name, (this.transitions.get(name) ?? 0) + 1);
    overheadOf(this.world, id).logBytes += this.world.measured.logBytesPerNotification;
    if (before.state === 'closed' && next.state === 'open') this.counts.opens += 1;
    if (next.state === 'open') this.ensureProbe(id, at);
    if (before.state === 'open' && next.state === 'draining') this.retries.step(id, 'drain', DRAIN_INTERVAL_SECONDS);
  }

  private ensureProbe(id: number, at: number): void {
    this.retries.ensureProbe(id, at, this.health[id]!.nextProbeAt! / 1000);
  }

  parked(): Iterable<Message> {
    return this.store.all();
  }

  details(): Record<string, number> {
    const transitions = Object.fromEntries(
      [...this.transitions].map(([name, count]) => [`transitions_${name.replace('→', '_to_')}`, count]),
    );
    return { ...this.counts, ...this.retries.counts, parked_at_end: this.store.total, peak_parked: this.store.peak, ...transitions };
  }
}

function outcome(reply: Answer): { status?: number; error?: string; latencyMs: number } {
  return { status: reply.status, error: reply.error, latencyMs: ms(reply.seconds) };
}
