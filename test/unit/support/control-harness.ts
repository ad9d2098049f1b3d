// A delivery service with pauses and operational notices over in-memory ports, for the endpoint
// controls' unit tests: one health store, one recorded retries queue, a sender that answers by host.
import { DeliveryService } from '../../../shared/delivery/delivery-service.js';
import { DestinationAttempts } from '../../../shared/delivery/destination-attempts.js';
import type { Delivery, Outcome } from '../../../shared/delivery/http-sender.js';
import { OperationalNotices } from '../../../shared/delivery/notices.js';
import { Pauses } from '../../../shared/delivery/pauses.js';
import { isTimer, type RetriesMessage } from '../../../shared/domain/notification.js';
import type { OutgoingDeadLetter } from '../../../shared/domain/queues.js';
import type { PhoneConfig } from '../../../shared/domain/webhook.js';
import { createAesSealer } from '../../../shared/signing/aes-sealer.js';
import { SigningSecrets } from '../../../shared/signing/signing-secrets.js';
import { MemoryHealthStore } from './memory-health-store.js';

export const START = 1_800_000_000_000;
export const PHONE = '15550001111';
const target = (name: string) => ({ name, url: `https://${name}.example.com/`, headers: {} });
export const CONTROL_CONFIG: PhoneConfig = {
  primary: { url: 'https://primary.example.com/', headers: {} },
  enabled: true,
  destinations: [target('a'), target('b')],
};
export const notificationAt = (i: number) => ({ id: `n-${i}`, phoneNumber: PHONE, payload: `{"entry":["n-${i}"]}`, receivedAt: START + i });

/** A delivery service and the pauses over one in-memory health store and one recorded retries queue. */
export function controlHarness(config: PhoneConfig = CONTROL_CONFIG, answers: Record<string, Outcome> = {}) {
  const clock = { now: START };
  const sent: { host: string; id: string; body: string; headers: Record<string, string> }[] = [];
  const deadLetters: string[] = [];
  const later: RetriesMessage[] = [];
  const health = new MemoryHealthStore();
  let sender: { send(delivery: Delivery): Promise<Outcome>; close(): Promise<undefined> };
  const policy = { baseSeconds: 5, maxAgeSeconds: 3600 };
  const now = () => clock.now;
  const queue = { sendRetries: async (messages: readonly RetriesMessage[]) => void later.push(...messages) };
  const withHealth = (): PhoneConfig => ({
    ...config,
    health: Object.fromEntries(
      [...health.health].filter(([key]) => key.startsWith(`${PHONE}/`)).map(([key, value]) => [key.slice(PHONE.length + 1), value]),
    ),
  });
  const signing = new SigningSecrets(
    createAesSealer(async () => 'unit-test-master-key-of-32-characters'),
    60,
    now,
  );
  const notices = new OperationalNotices({
    readConfig: async () => withHealth(),
    sender: { send: (delivery: Delivery) => sender.send(delivery), close: async () => undefined },
    signing,
    now,
  });
  const attempts = new DestinationAttempts({
    sender: (sender = {
      send: async (delivery: Delivery): Promise<Outcome> => {
        const host = new URL(delivery.url).hostname.split('.')[0]!;
        const body = String(delivery.body);
        sent.push({ host, id: JSON.parse(body).entry?.[0] ?? '', body, headers: delivery.headers });
        return answers[host] ?? { kind: 'answered', status: 200, latencyMs: 3, bodyExcerpt: '' };
      },
      close: async () => undefined,
    }),
    health,
    recordFailure: async () => undefined,
    policy,
    knownHealthSeconds: 0,
    now,
    random: () => 0.5,
    signing,
    notices,
  });
  const service = new DeliveryService({
    readConfig: async () => withHealth(),
    attempts,
    health,
    queue: {
      ...queue,
      deadLetterAll: async (letters: readonly OutgoingDeadLetter[]) => void deadLetters.push(...letters.map((letter) => letter.reason)),
    },
    payloads: { put: async () => ({ bucket: 'b', key: 'k' }), load: async () => 'loaded' },
    policy,
    now,
    random: () => 0.5,
    notices,
  });
  const pauses = new Pauses({ health, queue, now });
  /** Hands every message on the retries queue back to the service (timers, deferred copies), as SQS would. */
  const runTimers = async (limit = 100) => {
    for (let i = 0; i < limit && later.length > 0; i++) {
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
  return { service, pauses, health, sent, later, deadLetters, clock, runTimers, to };
}
