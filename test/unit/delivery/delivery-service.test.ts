import { describe, expect, it } from 'vitest';
import { DeliveryService, type DeliveryDependencies } from '../../../shared/delivery/delivery-service.js';
import type { Delivery, Outcome } from '../../../shared/delivery/http-sender.js';
import type { CloneRetryMessage } from '../../../shared/domain/notification.js';
import type { PhoneConfig } from '../../../shared/domain/webhook.js';
import type { FailedAttempt } from '../../../shared/domain/delivery-attempt.js';

const NOW = 1_800_000_000_000;
const notification = { id: 'n-1', phoneNumber: '15550001111', payload: '{"entry":[]}', receivedAt: NOW - 1000 };
const target = (name: string) => ({ name, url: `https://${name}.example.com/`, headers: {} });
const configured = (overrides: Partial<PhoneConfig> = {}): PhoneConfig => ({
  primary: { url: 'https://primary.example.com/', headers: {} },
  enabled: true,
  destinations: [target('a'), target('b'), target('c')],
  ...overrides,
});
const answered = (status: number): Outcome => ({ kind: 'answered', status, latencyMs: 3, bodyExcerpt: '' });

/** A delivery service whose sender answers by host, and which records what it was asked to do. */
function harness(config: PhoneConfig, answers: Record<string, Outcome> = {}) {
  const sent: string[] = [];
  const retries: { retries: CloneRetryMessage[]; delaySeconds: number }[] = [];
  const failures: FailedAttempt[] = [];
  const deps: DeliveryDependencies = {
    readConfig: async () => config,
    sender: {
      send: async (delivery: Delivery) => {
        const host = new URL(delivery.url).hostname.split('.')[0]!;
        sent.push(host);
        return answers[host] ?? answered(200);
      },
      close: async () => undefined,
    },
    scheduleCloneRetries: async (messages, delaySeconds) => void retries.push({ retries: messages, delaySeconds }),
    recordFailure: async (attempt) => void failures.push(attempt),
    policy: { baseSeconds: 5, maxAgeSeconds: 3600 },
    now: () => NOW,
    random: () => 0.999999,
  };
  return { service: new DeliveryService(deps), sent, retries, failures };
}

describe('DeliveryService', () => {
  it('sends to the primary, then to every clone, and writes nothing on success', async () => {
    const h = harness(configured());
    expect(await h.service.deliverNotification(notification, 1)).toEqual({ kind: 'done' });
    expect(h.sent[0]).toBe('primary');
    expect(h.sent.slice(1).sort()).toEqual(['a', 'b', 'c']);
    expect(h.failures).toEqual([]);
    expect(h.retries).toEqual([]);
  });

  it.each([204, 201, 302, 500])('holds every clone when the primary answers %i and retries the notification', async (status) => {
    const h = harness(configured(), { primary: answered(status) });
    expect(await h.service.deliverNotification(notification, 1)).toEqual({ kind: 'retry', delaySeconds: 5 });
    expect(h.sent).toEqual(['primary']);
    expect(h.failures).toMatchObject([{ destination: 'primary', status, attempt: 1, nextAttemptAt: NOW + 5000 }]);
  });

  it('holds the clones on a timeout of the primary', async () => {
    const h = harness(configured(), { primary: { kind: 'failed', error: 'timeout', detail: '', latencyMs: 5000 } });
    expect((await h.service.deliverNotification(notification, 2)).kind).toBe('retry');
    expect(h.sent).toEqual(['primary']);
    expect(h.failures[0]).toMatchObject({ error: 'timeout', attempt: 2 });
  });

  it('gives up on a primary still failing at the end of the window', async () => {
    const h = harness(configured(), { primary: answered(503) });
    const old = { ...notification, receivedAt: NOW - 3600_000 };
    expect(await h.service.deliverNotification(old, 40)).toMatchObject({ kind: 'give-up' });
    expect(h.failures[0]).toMatchObject({ nextAttemptAt: undefined });
  });

  it('sends only to the primary while multiple webhooks are disabled', async () => {
    const h = harness(configured({ enabled: false }));
    await h.service.deliverNotification(notification, 1);
    expect(h.sent).toEqual(['primary']);
  });

  it('delivers nothing to a number without a primary', async () => {
    const h = harness(configured({ primary: undefined }));
    expect(await h.service.deliverNotification(notification, 1)).toEqual({ kind: 'done' });
    expect(h.sent).toEqual([]);
  });

  it('retries a failing clone on its own and finishes the notification', async () => {
    const h = harness(configured(), { b: answered(500) });
    expect(await h.service.deliverNotification(notification, 1)).toEqual({ kind: 'done' });
    expect(h.retries).toHaveLength(1);
    expect(h.retries[0]!.retries).toEqual([
      { id: 'n-1', phoneNumber: '15550001111', payload: notification.payload, receivedAt: notification.receivedAt, destination: 'b', firstFailedAt: NOW },
    ]);
    expect(h.failures).toMatchObject([{ destination: 'b', status: 500, attempt: 1 }]);
  });

  it('carries a payload reference instead of the payload into clone retries', async () => {
    const h = harness(configured(), { a: answered(500) });
    await h.service.deliverNotification(notification, 1, { bucket: 'b', key: 'payloads/n-1' });
    expect(h.retries[0]!.retries[0]).toMatchObject({ payloadRef: { bucket: 'b', key: 'payloads/n-1' } });
    expect(h.retries[0]!.retries[0]).not.toHaveProperty('payload');
  });

  it('sends a clone retry to that clone only, with its current configuration', async () => {
    const h = harness(configured({ destinations: [target('a'), { ...target('b'), url: 'https://moved.example.com/' }] }));
    const retry = { ...notification, destination: 'b', firstFailedAt: NOW - 10_000 };
    expect(await h.service.retryClone(retry, notification, 2)).toEqual({ kind: 'done' });
    expect(h.sent).toEqual(['moved']);
  });

  it('drops a clone retry whose clone was deleted or disabled', async () => {
    const retry = { ...notification, destination: 'gone', firstFailedAt: NOW };
    const deleted = harness(configured());
    expect(await deleted.service.retryClone(retry, notification, 2)).toEqual({ kind: 'done' });
    const disabled = harness(configured({ enabled: false }));
    expect(await disabled.service.retryClone({ ...retry, destination: 'a' }, notification, 2)).toEqual({ kind: 'done' });
    expect([...deleted.sent, ...disabled.sent]).toEqual([]);
  });

  it('matches the clone of a retry by exact case', async () => {
    const h = harness(configured({ destinations: [target('hook'), { ...target('HOOK'), url: 'https://upper.example.com/' }] }));
    await h.service.retryClone({ ...notification, destination: 'HOOK', firstFailedAt: NOW }, notification, 2);
    expect(h.sent).toEqual(['upper']);
  });
});
