import { describe, expect, it } from 'vitest';
import { DeliveryService } from '../../../shared/delivery/delivery-service.js';
import { DestinationAttempts } from '../../../shared/delivery/destination-attempts.js';
import { Pauses } from '../../../shared/delivery/pauses.js';
import type { Delivery } from '../../../shared/delivery/http-sender.js';
import { cloneRef, PRIMARY, type DestinationRef } from '../../../shared/domain/destination.js';
import { isTimer, type RetriesMessage } from '../../../shared/domain/notification.js';
import type { PhoneConfig } from '../../../shared/domain/webhook.js';
import { createAesSealer } from '../../../shared/signing/aes-sealer.js';
import { SigningSecrets } from '../../../shared/signing/signing-secrets.js';
import { MemoryHealthStore } from '../support/memory-health-store.js';

const START = 1_800_000_000_000;
const PHONE = '15550001111';
const target = (name: string) => ({ name, url: `https://${name}.example.com/`, headers: {} });
const config: PhoneConfig = {
  primary: { url: 'https://primary.example.com/', headers: {} },
  enabled: true,
  destinations: [target('a'), target('b')],
};
const notificationAt = (i: number) => ({ id: `n-${i}`, phoneNumber: PHONE, payload: `{"entry":["n-${i}"]}`, receivedAt: START + i });

/** A delivery service and the pauses over one in-memory health store and one recorded retries queue. */
function harness() {
  const clock = { now: START };
  const sent: { host: string; id: string }[] = [];
  const later: RetriesMessage[] = [];
  const health = new MemoryHealthStore();
  const policy = { baseSeconds: 5, maxAgeSeconds: 3600 };
  const now = () => clock.now;
  const queue = { sendRetries: async (messages: readonly RetriesMessage[]) => void later.push(...messages) };
  const withHealth = (): PhoneConfig => ({
    ...config,
    health: Object.fromEntries(
      [...health.health].filter(([key]) => key.startsWith(`${PHONE}/`)).map(([key, value]) => [key.slice(PHONE.length + 1), value]),
    ),
  });
  const attempts = new DestinationAttempts({
    sender: {
      send: async (delivery: Delivery) => {
        sent.push({ host: new URL(delivery.url).hostname.split('.')[0]!, id: JSON.parse(String(delivery.body)).entry[0] });
        return { kind: 'answered', status: 200, latencyMs: 3, bodyExcerpt: '' };
      },
      close: async () => undefined,
    },
    health,
    recordFailure: async () => undefined,
    policy,
    knownHealthSeconds: 0,
    now,
    random: () => 0.5,
    signing: new SigningSecrets(
      createAesSealer(async () => 'unit-test-master-key-of-32-characters'),
      60,
      now,
    ),
  });
  const service = new DeliveryService({
    readConfig: async () => withHealth(),
    attempts,
    health,
    queue: { ...queue, deadLetter: async () => undefined },
    payloads: { put: async () => ({ bucket: 'b', key: 'k' }), load: async () => 'loaded' },
    policy,
    now,
    random: () => 0.5,
  });
  const pauses = new Pauses({ health, queue, now });
  /** Hands every message on the retries queue back to the service (timers, deferred copies), as SQS would. */
  const runTimers = async () => {
    for (let i = 0; i < 100 && later.length > 0; i++) {
      const message = later.shift()!;
      if (isTimer(message)) {
        clock.now = Math.max(clock.now, message.at);
        await service.handleRetry(message);
      } else {
        const { id, phoneNumber, payload, receivedAt } = message;
        await service.handleRetry(message, { id, phoneNumber, payload: payload!, receivedAt });
      }
    }
  };
  const to = (host: string) => sent.filter((request) => request.host === host).map((request) => request.id);
  return { service, pauses, health, sent, later, runTimers, to };
}

async function deliverThree(h: ReturnType<typeof harness>) {
  for (let i = 0; i < 3; i++) await h.service.deliverNotification(notificationAt(i));
}

describe('pausing a destination', () => {
  it('parks every copy for a paused primary, attempts nothing and sends no clone', async () => {
    const h = harness();
    await h.pauses.set(PHONE, PRIMARY, true);
    await deliverThree(h);
    expect(h.sent).toEqual([]);
    expect(h.health.parkedFor(PHONE, PRIMARY).map((parked) => parked.id)).toEqual(['n-0', 'n-1', 'n-2']);
    expect(h.later).toEqual([]);
  });

  it('drains a paused primary in arrival order on resume, each primary copy followed by its clones, then closes', async () => {
    const h = harness();
    await h.pauses.set(PHONE, PRIMARY, true);
    await deliverThree(h);
    await h.pauses.set(PHONE, PRIMARY, false);
    await h.runTimers();
    expect(h.to('primary')).toEqual(['n-0', 'n-1', 'n-2']);
    for (const clone of ['a', 'b']) expect(h.to(clone)).toEqual(['n-0', 'n-1', 'n-2']);
    const primaryAt = (id: string) => h.sent.findIndex((request) => request.host === 'primary' && request.id === id);
    const firstClone = (id: string) => h.sent.findIndex((request) => request.host !== 'primary' && request.id === id);
    for (const id of ['n-0', 'n-1', 'n-2']) expect(firstClone(id)).toBeGreaterThan(primaryAt(id));
    expect(h.health.of(PHONE, PRIMARY)).toMatchObject({ state: 'closed', parked: 0 });
    expect(h.health.of(PHONE, PRIMARY).paused).toBeUndefined();
  });

  it('parks only the paused clone: the primary and the other clone get every copy at once', async () => {
    const h = harness();
    const paused: DestinationRef = cloneRef('a');
    await h.pauses.set(PHONE, paused, true);
    await deliverThree(h);
    expect(h.to('primary')).toEqual(['n-0', 'n-1', 'n-2']);
    expect(h.to('b')).toEqual(['n-0', 'n-1', 'n-2']);
    expect(h.to('a')).toEqual([]);
    await h.pauses.set(PHONE, paused, false);
    await h.runTimers();
    expect(h.to('a')).toEqual(['n-0', 'n-1', 'n-2']);
    expect(h.to('primary')).toHaveLength(3);
  });

  it('neither probes nor drains while paused, even with its breaker open', async () => {
    const h = harness();
    h.health.set(PHONE, PRIMARY, {
      state: 'open',
      consecutiveFailures: 5,
      failedProbes: 0,
      parked: 0,
      openedAt: START,
      nextProbeAt: START,
    });
    await deliverThree(h);
    await h.pauses.set(PHONE, PRIMARY, true);
    h.later.push({ kind: 'probe', phoneNumber: PHONE, at: START });
    await h.health.armTimer(PHONE, PRIMARY, START);
    await h.runTimers();
    expect(h.sent).toEqual([]);
    await h.pauses.set(PHONE, PRIMARY, false);
    await h.runTimers();
    expect(h.to('primary')).toEqual(['n-0', 'n-1', 'n-2']);
  });

  it('changes nothing when a destination that is not paused is resumed', async () => {
    const h = harness();
    await h.pauses.set(PHONE, cloneRef('b'), false);
    expect([...h.health.health.keys(), h.later]).toEqual([[]]);
  });
});
