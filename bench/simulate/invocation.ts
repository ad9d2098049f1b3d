// One delivery invocation: its records run in parallel, the slowest ends it, and its bill (the
// invocation, its billed milliseconds, the receive and the delete) is split over its records.
import { DEPLOYED, PLATFORM_LOG_BYTES_PER_INVOCATION } from './config.js';
import type { Invocation } from './event-source.js';
import type { Tally } from './metrics.js';
import { healthySeconds } from './receivers.js';
import type { Batch, Message, StandardQueue } from './sqs-queue.js';
import { REQUEST_BYTES, tallyOf, type Design, type Lane, type World } from './world.js';

interface Share {
  tally: Tally;
  records: number;
  /** Seconds each of these records waits on receivers (its CPU comes on top). */
  busy: number;
}

export function runBatch(world: World, design: Design, batch: Batch, start: number, queue: StandardQueue, lane: Lane): Invocation {
  if (batch.messages.some((message) => message.kind === 'poison')) return crash(world, batch, start, queue);
  const cpu = world.measured.cpuSecondsPerRecord;
  const at = start + cpu;
  const shares: Share[] = [];
  const healthyRecords = deliverHealthy(world, batch, at);
  let slowest = world.healthy.slowestChain(healthyRecords, world.random);
  if (healthyRecords > 0) shares.push({ tally: world.tallies.healthy, records: healthyRecords, busy: slowest });

  const held = new Map<Message, number>();
  const record = { lane, hold: (message: Message, until: number) => held.set(message, until) };
  for (const message of batch.messages) {
    const busy = design.handle(message, at, record);
    slowest = Math.max(slowest, busy);
    shares.push({ tally: tallyOf(world, message), records: 1, busy });
  }
  const seconds = cpu * batch.size + slowest;
  bill(world, shares, cpu, seconds);
  return {
    seconds,
    finish: () => {
      queue.releaseHealthy(healthyRecords);
      for (const message of batch.messages) {
        const until = held.get(message);
        if (until === undefined) queue.releaseMessage(message);
        else queue.hold(message, until);
      }
    },
  };
}

/**
 * The healthy records of a batch, in aggregate: one latency sample per part (weighted by its
 * count) instead of one per record, and the bytes of their copies at the mean clone count.
 */
function deliverHealthy(world: World, batch: Batch, at: number): number {
  const tally = world.tallies.healthy;
  const ingest = world.measured.ingestMs / 1000;
  let records = 0;
  for (const part of batch.healthy) {
    records += part.count;
    tally.attempts += part.count;
    tally.transferBytes += part.count * world.healthy.requestsPerNotification * REQUEST_BYTES;
    if (part.duplicate) {
      tally.duplicates += part.count;
      continue;
    }
    tally.delivered += part.count;
    world.latency.healthy.add(at + healthySeconds(world.random) - part.ingestedAt + ingest, part.count);
  }
  return records;
}

/**
 * A poison record crashes the invocation after its batch-mates' requests went out: nothing is
 * deleted, the whole batch comes back after the visibility timeout, and the receivers of the
 * healthy batch-mates get their copies again (duplicates). Listed batch-mates count as not attempted.
 */
function crash(world: World, batch: Batch, start: number, queue: StandardQueue): Invocation {
  const cpu = world.measured.cpuSecondsPerRecord;
  const healthyRecords = deliverHealthy(world, batch, start + cpu);
  const slowest = world.healthy.slowestChain(healthyRecords, world.random);
  const seconds = cpu * batch.size + slowest;
  // They come back spread over a second, among other messages: SQS gives no order, and a batch that
  // came back whole every time would share the poison record's fate at maxReceiveCount.
  const until = () => start + DEPLOYED.visibilityTimeoutSeconds + world.random.next();
  for (const part of batch.healthy) queue.returnHealthy({ ...part, duplicate: true }, until());
  for (const message of batch.messages) queue.hold(message, until());
  const shares: Share[] = batch.messages.map((message) => ({ tally: tallyOf(world, message), records: 1, busy: 0 }));
  if (healthyRecords > 0) shares.push({ tally: world.tallies.healthy, records: healthyRecords, busy: slowest });
  bill(world, shares, cpu, seconds);
  return { seconds, finish: () => {} };
}

/**
 * One invocation, one receive and one DeleteMessageBatch, split evenly over the records. The billed
 * duration is split as the airport game splits a runway: each record pays its own CPU, and each
 * stretch of waiting is shared by the records still waiting then, so a record that holds the whole
 * batch for a 5 s timeout pays for most of it, and the quick ones are not charged for its wait.
 */
function bill(world: World, shares: Share[], cpu: number, seconds: number): void {
  const records = shares.reduce((sum, share) => sum + share.records, 0);
  const scale = Math.ceil(seconds * 1000) / seconds;
  let remaining = records;
  let level = 0;
  let perRecord = cpu;
  for (const share of [...shares].sort((a, b) => a.busy - b.busy)) {
    perRecord += (share.busy - level) / remaining;
    remaining -= share.records;
    level = share.busy;
    const tally = share.tally;
    const part = share.records / records;
    tally.invocations += part;
    tally.sqsRequests += 2 * part;
    tally.logBytes += part * PLATFORM_LOG_BYTES_PER_INVOCATION;
    tally.billedMs += share.records * perRecord * scale;
  }
}
