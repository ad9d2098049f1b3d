import { describe, expect, it, vi } from 'vitest';
import { DeliveryService } from '../../../shared/delivery/delivery-service.js';
import { DestinationAttempts } from '../../../shared/delivery/destination-attempts.js';
import type { Delivery, Outcome } from '../../../shared/delivery/http-sender.js';
import type { FailedAttempt } from '../../../shared/domain/delivery-attempt.js';
import { standingAt, type DeliveryOutcome, type KeptNotification } from '../../../shared/domain/delivery-log.js';
import { BREAKER_FAILURE_THRESHOLD, DRAIN_BATCH_SIZE, HEALTHY } from '../../../shared/domain/destination-health.js';
import { cloneRef, PRIMARY } from '../../../shared/domain/destination.js';
import { isTimer, type RetriesMessage } from '../../../shared/domain/notification.js';
import type { OutgoingDeadLetter } from '../../../shared/domain/queues.js';
import type { PhoneConfig } from '../../../shared/domain/webhook.js';
import { logger, maskPhone } from '../../../shared/logger.js';
import { createAesSealer } from '../../../shared/signing/aes-sealer.js';
import { SigningSecrets } from '../../../shared/signing/signing-secrets.js';
import { MemoryHealthStore } from '../support/memory-health-store.js';
import { RecordingMetrics } from '../support/recording-metrics.js';

const START = 1_800_000_000_000;
const PHONE = '15550001111';
const notificationAt = (receivedAt: number, id = 'n-1') => ({ id, phoneNumber: PHONE, payload: `{"entry":["${id}"]}`, receivedAt });
const notification = notificationAt(START - 1000);
const target = (name: string) => ({ name, url: `https://${name}.example.com/`, headers: {} });
const configured = (overrides: Partial<PhoneConfig> = {}): PhoneConfig => ({
  primary: { url: 'https://primary.example.com/', headers: {} },
  enabled: true,
  destinations: [target('a'), target('b'), target('c')],
  ...overrides,
});
const answered = (status: number, latencyMs = 3): Outcome => ({ kind: 'answered', status, latencyMs, bodyExcerpt: '' });
const timedOut: Outcome = { kind: 'failed', error: 'timeout', detail: '', latencyMs: 5000 };
/** Past what an item holds inline (300 KB): stored in the payload store, which answers with this reference. */
const largePayload = `{"entry":["${'x'.repeat(310 * 1024)}"]}`;
const STORED = { bucket: 'b', key: 'k' };

/** A delivery service over in-memory ports: the sender answers by host, the queue and dead letters are recorded. */
function harness(config: PhoneConfig, answers: Record<string, Outcome> = {}) {
  const clock = { now: START };
  const sent: { host: string; body: string }[] = [];
  const later: { message: RetriesMessage; delaySeconds: number }[] = [];
  const deadLetters: { source: string; body: any; reason: string }[] = [];
  /** Each send to the dead-letter queues: how many letters, and how many copies the primary's line still held then. */
  const deadLetterSends: { letters: number; parkedMeanwhile: number }[] = [];
  const failures: FailedAttempt[] = [];
  const logged: { outcome: DeliveryOutcome; kept?: KeptNotification }[] = [];
  const health = new MemoryHealthStore();
  const metrics = new RecordingMetrics();
  const policy = { baseSeconds: 5, maxAgeSeconds: 3600 };
  // The configuration read brings the number's breakers along, as the store's query does.
  const withHealth = (): PhoneConfig => ({
    ...config,
    health: Object.fromEntries(
      [...health.health].filter(([key]) => key.startsWith(`${PHONE}/`)).map(([key, value]) => [key.slice(PHONE.length + 1), value]),
    ),
  });
  const deps = {
    readConfig: async () => withHealth(),
    health,
    queue: {
      sendRetries: async (messages: readonly RetriesMessage[], delaySeconds: number) =>
        void later.push(...messages.map((message) => ({ message, delaySeconds }))),
      deadLetterAll: async (letters: readonly OutgoingDeadLetter[]) => {
        deadLetterSends.push({ letters: letters.length, parkedMeanwhile: health.parkedFor(PHONE, PRIMARY).length });
        deadLetters.push(...letters.map(({ source, body, reason }) => ({ source, body: JSON.parse(body), reason })));
      },
    },
    payloads: { put: async () => STORED, load: async () => 'loaded' },
    policy,
    now: () => clock.now,
    random: () => 0.999999,
  };
  const attempts = new DestinationAttempts({
    sender: {
      send: async (delivery: Delivery) => {
        const host = new URL(delivery.url).hostname.split('.')[0]!;
        sent.push({ host, body: String(delivery.body) });
        return answers[host] ?? answered(200);
      },
      close: async () => undefined,
    },
    health,
    recordFailure: async (attempt) => void failures.push(attempt),
    deliveryLog: { record: async (outcome, kept) => void logged.push({ outcome, ...(kept && { kept }) }) },
    policy,
    knownHealthSeconds: 0,
    now: deps.now,
    random: deps.random,
    metrics,
    signing: new SigningSecrets(
      createAesSealer(async () => 'unit-test-master-key-of-32-characters'),
      60,
      deps.now,
    ),
  });
  const service = new DeliveryService({ ...deps, attempts });
  const hosts = () => sent.map((request) => request.host);
  /**
   * Hands back what the service sent to the retries queue (timers, deferred and moved copies), as the
   * queue would, until nothing is left; the clock moves to each timer's time. Failed copies'
   * retries are run too, so only use it once the receivers answer as the test wants.
   */
  const runTimers = async (limit = 500) => {
    for (let i = 0; i < limit && later.length > 0; i++) {
      const { message } = later.shift()!;
      if (isTimer(message)) {
        clock.now = Math.max(clock.now, message.at);
        await service.handleRetry(message);
      } else {
        const { id, phoneNumber, payload, signature, receivedAt } = message;
        await service.handleRetry(message, { id, phoneNumber, payload: payload!, receivedAt, ...(signature && { signature }) });
      }
    }
  };
  /** Runs only the first timer waiting on the queue. */
  const runNextTimer = async () => {
    const index = later.findIndex(({ message }) => isTimer(message));
    const { message } = later.splice(index, 1)[0]!;
    if (isTimer(message)) clock.now = Math.max(clock.now, message.at);
    await service.handleRetry(message);
  };
  return {
    service,
    health,
    sent,
    hosts,
    later,
    deadLetters,
    deadLetterSends,
    failures,
    logged,
    clock,
    answers,
    runTimers,
    runNextTimer,
    metrics,
  };
}

/**
 * Fails the primary until its breaker opens: the first failure on the fast lane, the next ones on the
 * slow lane (where a destination that failed last time goes). Returns the harness, breaker open.
 */
async function withOpenPrimary(answers: Record<string, Outcome> = {}) {
  const h = harness(configured(), { primary: answered(503), ...answers });
  await h.service.deliverNotification(notificationAt(START - 1000, 'n-0'));
  for (let i = 1; i < BREAKER_FAILURE_THRESHOLD; i++) {
    const next = notificationAt(START - 1000 + i, `n-${i}`);
    await h.service.handleRetry({ kind: 'primary', ...next, attempt: 1, firstAttemptAt: next.receivedAt }, next);
  }
  return h;
}

describe('DeliveryService: the gate', () => {
  it('sends to the primary, then to every clone, and writes and queues nothing on success', async () => {
    const h = harness(configured());
    await h.service.deliverNotification(notification);
    expect(h.hosts()[0]).toBe('primary');
    expect(h.hosts().slice(1).sort()).toEqual(['a', 'b', 'c']);
    expect([h.failures, h.later, h.deadLetters, [...h.health.health.values()]]).toEqual([[], [], [], []]);
  });

  it.each([204, 201, 302, 500])('holds every clone when the primary answers %i and retries it as a new delayed message', async (status) => {
    const h = harness(configured(), { primary: answered(status) });
    await h.service.deliverNotification(notification);
    expect(h.hosts()).toEqual(['primary']);
    expect(h.later).toEqual([
      {
        message: expect.objectContaining({ kind: 'primary', id: 'n-1', attempt: 2, firstAttemptAt: notification.receivedAt }),
        delaySeconds: 5,
      },
    ]);
    expect(h.failures).toMatchObject([{ destination: 'primary', status, attempt: 1 }]);
  });

  it('holds the clones on a timeout of the primary', async () => {
    const h = harness(configured(), { primary: timedOut });
    await h.service.deliverNotification(notification);
    expect(h.hosts()).toEqual(['primary']);
    expect(h.failures[0]).toMatchObject({ error: 'timeout', attempt: 1 });
  });

  it('sends only to the primary while multiple webhooks are disabled, and nothing to a number without a primary', async () => {
    const disabled = harness(configured({ enabled: false }));
    await disabled.service.deliverNotification(notification);
    const none = harness(configured({ primary: undefined }));
    await none.service.deliverNotification(notification);
    expect([disabled.hosts(), none.hosts()]).toEqual([['primary'], []]);
  });

  it('releases the clones when a retried primary answers 200 on the slow lane', async () => {
    const h = harness(configured());
    await h.service.handleRetry({ kind: 'primary', ...notification, attempt: 3, firstAttemptAt: notification.receivedAt }, notification);
    expect(h.hosts()[0]).toBe('primary');
    expect(h.hosts().slice(1).sort()).toEqual(['a', 'b', 'c']);
  });

  it('gives up on a primary still failing at the end of the window: the notification goes to the notifications DLQ with the reason', async () => {
    const h = harness(configured(), { primary: answered(503) });
    h.clock.now = notification.receivedAt + 3600_000;
    await h.service.handleRetry({ kind: 'primary', ...notification, attempt: 9, firstAttemptAt: notification.receivedAt }, notification);
    expect(h.later).toEqual([]);
    expect(h.deadLetters).toEqual([
      {
        source: 'notifications',
        body: expect.objectContaining({ id: 'n-1', phoneNumber: PHONE }),
        reason: expect.stringMatching(/^primary still failing after 9 attempts .*HTTP 503/),
      },
    ]);
  });
});

describe('DeliveryService: clones', () => {
  it('retries a failing clone on its own, on the retries queue, and nobody else gets anything again', async () => {
    const h = harness(configured(), { b: answered(500) });
    await h.service.deliverNotification(notification);
    expect(h.later).toEqual([
      { message: expect.objectContaining({ kind: 'clone', destination: 'b', attempt: 2, firstFailedAt: START }), delaySeconds: 5 },
    ]);
    expect(h.failures).toMatchObject([{ destination: 'b', status: 500, attempt: 1 }]);
  });

  it('carries a payload reference instead of the payload into clone retries', async () => {
    const h = harness(configured(), { a: answered(500) });
    await h.service.deliverNotification(notification, { bucket: 'b', key: `payloads/${PHONE}/n-1` });
    expect(h.later[0]!.message).toMatchObject({ payloadRef: { bucket: 'b', key: `payloads/${PHONE}/n-1` } });
    expect(h.later[0]!.message).not.toHaveProperty('payload');
  });

  it('sends a clone retry to that clone only, with its current configuration, matched by exact case', async () => {
    const h = harness(configured({ destinations: [target('hook'), { ...target('HOOK'), url: 'https://upper.example.com/' }] }));
    await h.service.handleRetry({ ...notification, kind: 'clone', destination: 'HOOK', firstFailedAt: START - 10_000 }, notification);
    expect(h.hosts()).toEqual(['upper']);
  });

  it('drops a clone retry whose clone was deleted or disabled', async () => {
    const retry = { ...notification, destination: 'gone', firstFailedAt: START };
    const deleted = harness(configured());
    await deleted.service.handleRetry(retry, notification);
    const disabled = harness(configured({ enabled: false }));
    await disabled.service.handleRetry({ ...retry, destination: 'a' }, notification);
    expect([...deleted.hosts(), ...disabled.hosts()]).toEqual([]);
  });
});

describe('DeliveryService: lanes', () => {
  it('moves a first delivery to the slow lane without attempting it when its destination failed last time', async () => {
    const h = harness(configured());
    h.health.set(PHONE, PRIMARY, { ...HEALTHY, consecutiveFailures: 1 });
    await h.service.deliverNotification(notification);
    expect(h.hosts()).toEqual([]);
    expect(h.later).toEqual([{ message: expect.objectContaining({ kind: 'primary', attempt: 1 }), delaySeconds: 0 }]);
  });

  it('moves the copy for a slow clone to the slow lane and delivers the others at once', async () => {
    const h = harness(configured());
    h.health.set(PHONE, cloneRef('b'), { ...HEALTHY, lastLatencyMs: 4900 });
    await h.service.deliverNotification(notification);
    expect(h.hosts().sort()).toEqual(['a', 'c', 'primary']);
    expect(h.later).toEqual([{ message: expect.objectContaining({ kind: 'clone', destination: 'b', attempt: 1 }), delaySeconds: 0 }]);
  });

  it('records a slow answer, so other processes send that destination to the slow lane, and writes nothing for a fast one', async () => {
    const h = harness(configured({ destinations: [] }), { primary: answered(200, 4900) });
    await h.service.deliverNotification(notification);
    expect(h.health.of(PHONE, PRIMARY)).toMatchObject({ state: 'closed', lastLatencyMs: 4900 });
    const fast = harness(configured({ destinations: [] }));
    await fast.service.deliverNotification(notification);
    expect([...fast.health.health.values()]).toEqual([]);
  });
});

describe('DeliveryService: breakers, parking and the drain', () => {
  it('opens the breaker at the threshold, parks the failing copy and every later one, and arms one probe', async () => {
    const h = await withOpenPrimary();
    expect(h.health.of(PHONE, PRIMARY)).toMatchObject({ state: 'open', consecutiveFailures: BREAKER_FAILURE_THRESHOLD, parked: 1 });
    const attemptsSoFar = h.sent.length;

    await h.service.deliverNotification(notificationAt(START + 10, 'later'));

    expect(h.sent.length).toBe(attemptsSoFar); // parked, not attempted
    expect(h.health.parkedFor(PHONE, PRIMARY).map((item) => item.id)).toEqual([`n-${BREAKER_FAILURE_THRESHOLD - 1}`, 'later']);
    expect(h.later.filter(({ message }) => message.kind === 'probe')).toHaveLength(1);
    expect(h.hosts().filter((host) => host !== 'primary')).toEqual([]); // no clone before the primary's 200
  });

  it('probes with the oldest parked copy: a failure sets the next probe further out and keeps everything parked', async () => {
    const h = await withOpenPrimary();
    const firstProbeAt = h.health.of(PHONE, PRIMARY).nextProbeAt!;
    await h.runNextTimer();
    const health = h.health.of(PHONE, PRIMARY);
    expect(health).toMatchObject({ state: 'open', failedProbes: 1, parked: 1 });
    expect(health.nextProbeAt! - firstProbeAt).toBeGreaterThan(5_000);
  });

  it('drains in arrival order once a probe answers 200, each primary copy followed by its clones, then closes', async () => {
    const h = await withOpenPrimary();
    for (let i = 0; i < DRAIN_BATCH_SIZE + 3; i++)
      await h.service.deliverNotification(notificationAt(START + 100 + i, `p-${String(i).padStart(2, '0')}`));
    h.answers.primary = answered(200);
    h.sent.length = 0;

    await h.runTimers();

    const primaryBodies = h.sent.filter((request) => request.host === 'primary').map((request) => JSON.parse(request.body).entry[0]);
    // The ones that failed before the breaker opened are parked too, when their retries come: first in line.
    const failedEarlier = Array.from({ length: BREAKER_FAILURE_THRESHOLD }, (_, i) => `n-${i}`);
    const expected = [...failedEarlier, ...Array.from({ length: DRAIN_BATCH_SIZE + 3 }, (_, i) => `p-${String(i).padStart(2, '0')}`)];
    expect(primaryBodies).toEqual(expected);
    // Every clone copy came after its own primary copy.
    for (const id of expected) {
      const primaryAt = h.sent.findIndex((request) => request.host === 'primary' && request.body.includes(`"${id}"`));
      const clones = h.sent.flatMap((request, index) => (request.host !== 'primary' && request.body.includes(`"${id}"`) ? [index] : []));
      expect(clones).toHaveLength(3);
      expect(Math.min(...clones)).toBeGreaterThan(primaryAt);
    }
    expect(h.health.of(PHONE, PRIMARY)).toMatchObject({ state: 'closed', parked: 0 });
    expect(h.health.parkedFor(PHONE, PRIMARY)).toEqual([]);
  });

  it("drops the copies parked for a deleted clone when one of the same name is added, and drains only the new one's", async () => {
    const config = configured({ destinations: [{ ...target('a'), addedAt: START - 3600_000 }] });
    const h = harness(config, { a: answered(503) });
    /** Hands back the retries queue's copies (not its timers) until none is left. */
    const runRetries = async () => {
      for (
        let index = h.later.findIndex(({ message }) => !isTimer(message));
        index >= 0;
        index = h.later.findIndex(({ message }) => !isTimer(message))
      ) {
        const { message } = h.later.splice(index, 1)[0]!;
        if (isTimer(message)) continue;
        const { id, phoneNumber, payload, receivedAt } = message;
        await h.service.handleRetry(message, { id, phoneNumber, payload: payload!, receivedAt });
      }
    };
    const failUntilOpen = async (prefix: string, at: number) => {
      for (let i = 0; i <= BREAKER_FAILURE_THRESHOLD; i++) await h.service.deliverNotification(notificationAt(at + i, `${prefix}-${i}`));
      await runRetries();
      expect(h.health.of(PHONE, cloneRef('a')).state).toBe('open');
    };
    await failUntilOpen('old', START);
    const oldParked = h.health.parkedFor(PHONE, cloneRef('a')).map((item) => item.id);
    expect(oldParked.length).toBeGreaterThan(0);

    // DELETE /multi_webhook?name=a deletes the clone and its breaker (its timer with it); PUT adds "a" again later.
    const key = MemoryHealthStore.key(PHONE, cloneRef('a'));
    h.health.health.delete(key);
    h.health.timers.delete(key);
    h.clock.now = START + 600_000;
    config.destinations = [{ ...target('a'), addedAt: h.clock.now }];
    await failUntilOpen('new', h.clock.now);
    const newParked = h.health.parkedFor(PHONE, cloneRef('a')).filter((item) => item.id.startsWith('new'));
    expect(h.health.of(PHONE, cloneRef('a')).parked).toBe(newParked.length);

    h.answers.a = answered(200);
    h.sent.length = 0;
    await h.runTimers();

    const toA = h.sent.filter((request) => request.host === 'a').map((request) => JSON.parse(request.body).entry[0] as string);
    expect(toA.filter((id) => id.startsWith('old'))).toEqual([]);
    expect(toA).toEqual(expect.arrayContaining(newParked.map((item) => item.id)));
    expect(h.health.parkedFor(PHONE, cloneRef('a'))).toEqual([]);
    expect(h.health.of(PHONE, cloneRef('a'))).toMatchObject({ state: 'closed', parked: 0 });
  });

  it('dead-letters a parked copy whose window ended while the destination was down, when the probe comes', async () => {
    const h = await withOpenPrimary();
    h.clock.now = START + 3600_000 + 1;
    h.answers.primary = answered(200);
    await h.runTimers();
    expect(h.deadLetters.map((letter) => letter.body.id).sort()).toEqual(
      Array.from({ length: BREAKER_FAILURE_THRESHOLD }, (_, i) => `n-${i}`),
    );
    expect(
      h.deadLetters.every((letter) => letter.source === 'notifications' && /^primary parked past its retry window/.test(letter.reason)),
    ).toBe(true);
    expect(h.health.of(PHONE, PRIMARY)).toMatchObject({ state: 'closed', consecutiveFailures: BREAKER_FAILURE_THRESHOLD - 1 }); // half-open: nothing was left to probe with
  });

  it('sends the dead letters of a given-up head together, before the head leaves its line', async () => {
    const h = await withOpenPrimary();
    for (let i = 0; i < 12; i++) await h.service.deliverNotification(notificationAt(START + i, `parked-${i}`));
    expect(h.health.parkedFor(PHONE, PRIMARY)).toHaveLength(13);
    h.clock.now = START + 2 * 3600_000;
    await h.runTimers();
    // The probe reads its one copy first, then the rest of the head a drain step's worth at a time.
    expect(h.deadLetterSends.filter((send) => send.letters > 1)).toEqual([{ letters: 12, parkedMeanwhile: 12 }]);
    expect(h.health.parkedFor(PHONE, PRIMARY)).toEqual([]);
  });

  it('keeps the breaker open when a copy is parked while an idle probe closes it, and the next probe delivers that copy', async () => {
    const h = await withOpenPrimary();
    // The parked copy is past its window: the probe gives it up and finds nothing live.
    h.clock.now = START + 3600_000 + 1;
    h.answers.primary = answered(200);
    const change = h.health.change.bind(h.health);
    let raced = false;
    h.health.change = async (phoneNumber, destination, next) => {
      // Another process parks a new copy between the probe's read of the line and its close.
      if (!raced && (await h.health.read(phoneNumber, destination)).state === 'open') {
        raced = true;
        await h.service.deliverNotification(notificationAt(h.clock.now, 'raced'));
      }
      return change(phoneNumber, destination, next);
    };
    await h.runTimers();
    expect(raced).toBe(true);
    expect(h.sent.filter((request) => request.host === 'primary' && request.body.includes('"raced"'))).toHaveLength(1);
    expect(h.health.of(PHONE, PRIMARY)).toMatchObject({ state: 'closed', parked: 0 });
    expect(h.health.parkedFor(PHONE, PRIMARY)).toEqual([]);
  });

  it('leaves the parked copies it gave up to their TTL, out of the line in one write, and never dead-letters them again', async () => {
    const h = await withOpenPrimary();
    h.clock.now = START + 3600_000 + 1;
    const unparked: string[] = [];
    const unpark = h.health.unpark.bind(h.health);
    h.health.unpark = async (item) => {
      unparked.push(item.id);
      await unpark(item);
    };
    const parkedBefore = h.health.parkedFor(PHONE, PRIMARY).map((item) => item.id);
    expect(parkedBefore.length).toBeGreaterThan(0);
    await h.runTimers();
    const given = Array.from({ length: BREAKER_FAILURE_THRESHOLD }, (_, i) => `n-${i}`);
    expect(h.deadLetters.map((letter) => letter.body.id).sort()).toEqual(given);
    expect(h.health.expiring.map((item) => item.id)).toEqual(parkedBefore);
    expect([unparked, h.health.parkedFor(PHONE, PRIMARY), h.health.of(PHONE, PRIMARY).parked]).toEqual([[], [], 0]);

    h.clock.now += 3600_000;
    await h.runTimers();
    expect(h.deadLetters.map((letter) => letter.body.id).sort()).toEqual(given);
  });

  it('logs each parked copy until the end of its window, past which its record reads as dead with no write at its give-up', async () => {
    const h = await withOpenPrimary();
    await h.service.deliverNotification(notificationAt(START, 'on-arrival')); // parked before any attempt
    const parkedIds = h.health.parkedFor(PHONE, PRIMARY).map((item) => item.id);
    expect(parkedIds).toContain('on-arrival');
    const latest = (id: string) => h.logged.filter((entry) => entry.outcome.notificationId === id).at(-1)!.outcome;
    const windowEnds = new Map(h.health.parkedFor(PHONE, PRIMARY).map((item) => [item.id, item.deadline]));
    for (const id of parkedIds) expect(latest(id)).toMatchObject({ status: 'parked', giveUpAt: windowEnds.get(id) });
    const entriesBefore = h.logged.length;

    h.clock.now = START + 3600_000 + 1;
    await h.runTimers();
    expect(h.deadLetters.map((letter) => letter.body.id)).toEqual(expect.arrayContaining(parkedIds));
    expect(h.logged.slice(entriesBefore).filter((entry) => parkedIds.includes(entry.outcome.notificationId))).toEqual([]);
    for (const id of parkedIds) {
      const record = { ...latest(id), updatedAt: latest(id).at };
      expect([standingAt(record, h.clock.now).status, standingAt(record, windowEnds.get(id)! - 1).status]).toEqual(['dead', 'parked']);
    }
  });

  it('writes the dead record of a copy parked before records carried the end of its window', async () => {
    const h = await withOpenPrimary();
    const line = h.health.parkedFor(PHONE, PRIMARY);
    const parkedIds = line.map((item) => item.id);
    expect(parkedIds.length).toBeGreaterThan(0);
    for (const item of line) delete item.recordDiesAtDeadline;
    h.clock.now = START + 3600_000 + 1;
    await h.runTimers();
    const dead = h.logged.filter((entry) => entry.outcome.status === 'dead' && parkedIds.includes(entry.outcome.notificationId));
    expect(dead.map((entry) => entry.outcome.notificationId)).toEqual(parkedIds);
    expect(dead.every((entry) => entry.kept === undefined)).toBe(true);
  });

  it('runs a timer once even when SQS hands it out twice', async () => {
    const h = await withOpenPrimary();
    const probe = h.later.find(({ message }) => message.kind === 'probe')!.message;
    h.clock.now = (probe as { at: number }).at;
    const before = h.sent.length;
    await h.service.handleRetry(probe);
    await h.service.handleRetry(probe);
    expect(h.sent.length - before).toBe(1);
  });

  it('waits out a delay longer than SQS allows in hops, without an attempt', async () => {
    const h = harness(configured());
    await h.service.handleRetry(
      { kind: 'primary', ...notification, attempt: 2, firstAttemptAt: START, notBefore: START + 3600_000 },
      notification,
    );
    expect(h.sent).toEqual([]);
    expect(h.later).toEqual([{ message: expect.objectContaining({ notBefore: START + 3600_000 }), delaySeconds: 900 }]);
  });
});

describe('DeliveryService: the delivery log', () => {
  const statuses = (h: ReturnType<typeof harness>) =>
    h.logged.map(({ outcome, kept }) => [
      outcome.destination.role === 'primary' ? 'primary' : outcome.destination.name,
      outcome.status,
      outcome.attempts,
      kept !== undefined,
    ]);

  it('logs nothing when every copy answers 200 at the first try', async () => {
    const h = harness(configured());
    await h.service.deliverNotification(notification);
    expect(h.logged).toEqual([]);
  });

  it("logs a failing clone as retrying with the notification kept once, and as delivered on its retry's 200", async () => {
    const h = harness(configured(), { b: { kind: 'answered', status: 503, latencyMs: 4, bodyExcerpt: 'busy' } });
    await h.service.deliverNotification(notification);
    expect(statuses(h)).toEqual([['b', 'retrying', 1, true]]);
    expect(h.logged[0]!.outcome).toMatchObject({ lastStatus: 503, responseExcerpt: 'busy', nextAttemptAt: expect.any(Number) });
    expect(h.logged[0]!.kept).toEqual({
      id: notification.id,
      phoneNumber: PHONE,
      receivedAt: notification.receivedAt,
      payload: notification.payload,
    });
    h.answers.b = answered(200);
    await h.runTimers();
    expect(statuses(h)).toEqual([
      ['b', 'retrying', 1, true],
      ['b', 'delivered', 2, false],
    ]);
  });

  it('logs a parked copy only at DEBUG, in one short line: its masked number, id and destination, nothing of its body', async () => {
    const h = await withOpenPrimary();
    const debug = vi.spyOn(logger, 'debug');
    const info = vi.spyOn(logger, 'info');
    try {
      await h.service.deliverNotification(notificationAt(START, 'late'));
      const lines = debug.mock.calls.filter(([message]) => message === 'Copy parked behind an open breaker');
      expect(lines).toEqual([
        ['Copy parked behind an open breaker', { phone: maskPhone(PHONE), notificationId: 'late', destination: 'primary' }],
      ]);
      expect(info.mock.calls.filter(([message]) => String(message).startsWith('Copy parked'))).toEqual([]);
    } finally {
      debug.mockRestore();
      info.mockRestore();
    }
  });

  it('logs the copies given up together in one line per reason with their ids, never their bodies', async () => {
    const h = await withOpenPrimary();
    for (let i = 0; i < 3; i++) await h.service.deliverNotification(notificationAt(START + i, `arrived-${i}`));
    const error = vi.spyOn(logger, 'error');
    try {
      h.clock.now = START + 3600_000 + 10;
      await h.runTimers();
      type Line = { source: string; destination: string; reason: string; notificationIds: string[] };
      const lines = error.mock.calls
        .filter(([message]) => message === 'Delivery given up: dead-lettered')
        .map(([, fields]) => fields as Line);
      const parkedOnArrival = lines.filter((line) => line.reason === 'primary parked past its retry window after 0 attempts');
      expect(parkedOnArrival.flatMap((line) => line.notificationIds)).toEqual(['arrived-0', 'arrived-1', 'arrived-2']);
      expect(parkedOnArrival.some((line) => line.notificationIds.length > 1)).toBe(true);
      expect(lines.every((line) => Object.keys(line).sort().join() === 'destination,notificationIds,reason,source')).toBe(true);
      const ids = lines.flatMap((line) => line.notificationIds);
      expect(ids.sort()).toEqual(h.deadLetters.map((letter) => letter.body.id).sort());
      expect(JSON.stringify(lines)).not.toContain('entry');
    } finally {
      error.mockRestore();
    }
  });

  it('keeps a notification too large for an item by its reference in the payload store, and its retries carry the reference', async () => {
    const h = harness(configured(), { primary: answered(503) });
    await h.service.deliverNotification({ ...notification, payload: largePayload });
    expect(h.logged[0]!.kept).toEqual({ id: notification.id, phoneNumber: PHONE, receivedAt: notification.receivedAt, payloadRef: STORED });
    expect(h.later).toHaveLength(1);
    expect(h.later[0]!.message).toMatchObject({ kind: 'primary', payloadRef: STORED });
    expect(h.later[0]!.message).not.toHaveProperty('payload');
  });

  it('keeps a too-large copy parked on arrival by reference, in its parked item and in the log', async () => {
    const h = await withOpenPrimary();
    h.logged.length = 0;
    await h.service.deliverNotification({ ...notificationAt(START, 'large'), payload: largePayload });
    expect(statuses(h)).toEqual([['primary', 'parked', 0, true]]);
    expect(h.logged[0]!.kept).toMatchObject({ id: 'large', payloadRef: STORED });
    expect(h.logged[0]!.kept).not.toHaveProperty('payload');
    const [item] = h.health.parkedFor(PHONE, PRIMARY).filter((parked) => parked.id === 'large');
    expect(item).toMatchObject({ payloadRef: STORED });
    expect(item).not.toHaveProperty('payload');
  });

  it('logs a copy parked behind an open breaker before any attempt, keeping the notification for a replay', async () => {
    const h = await withOpenPrimary();
    h.logged.length = 0;
    await h.service.deliverNotification(notificationAt(START, 'late'));
    expect(statuses(h)).toEqual([['primary', 'parked', 0, true]]);
  });
});

describe('DeliveryService: what it counts', () => {
  it('counts a delivered primary and each delivered clone by role, with each attempt latency', async () => {
    const h = harness(configured());
    await h.service.deliverNotification(notification);
    expect(h.metrics.tally()).toEqual({ 'delivered primary': 1, 'delivered clone': 3 });
    expect(h.metrics.latencies).toEqual([3, 3, 3, 3]);
  });

  it('counts a failed primary and the retry it schedules, and no clone', async () => {
    const h = harness(configured(), { primary: answered(500) });
    await h.service.deliverNotification(notification);
    expect(h.metrics.tally()).toEqual({ 'failed primary': 1, 'retry primary': 1 });
  });

  it('counts a failing clone on its own role while the primary counts as delivered', async () => {
    const h = harness(configured(), { b: timedOut });
    await h.service.deliverNotification(notification);
    expect(h.metrics.tally()).toEqual({ 'delivered primary': 1, 'delivered clone': 2, 'failed clone': 1, 'retry clone': 1 });
  });

  it('counts the breaker opening once and every copy parked behind it, with the age of the line', async () => {
    const h = await withOpenPrimary();
    h.clock.now += 60_000;
    await h.service.deliverNotification(notificationAt(START + 100, 'later'));
    const tally = h.metrics.tally();
    expect(tally['breaker primary closed->open']).toBe(1);
    // The copy whose failure opened the breaker and the one that came after it.
    expect(tally['parked primary']).toBe(2);
    expect(tally['retry primary']).toBe(BREAKER_FAILURE_THRESHOLD - 1);
    expect(h.metrics.ages.at(-1)).toBe(60);
  });

  it('counts each parked copy the drain delivers, and the breaker closing after it', async () => {
    const h = await withOpenPrimary();
    h.answers.primary = answered(200);
    await h.runTimers();
    const tally = h.metrics.tally();
    expect(tally['drained primary']).toBe(BREAKER_FAILURE_THRESHOLD);
    expect(tally['breaker primary draining->closed']).toBe(1);
  });

  it('counts a copy dead-lettered at the end of its window', async () => {
    const h = await withOpenPrimary();
    h.clock.now = START + 3600_000 + 1;
    await h.runTimers();
    expect(h.metrics.tally()['dead-lettered primary']).toBe(BREAKER_FAILURE_THRESHOLD);
  });
});
