import { describe, expect, it } from 'vitest';
import { clonesOf, deliveryHeaders, releasesClones } from '../../../shared/domain/fan-out.js';

const notification = {
  id: 'n-1',
  phoneNumber: '15550001111',
  payload: '{}',
  signature: `sha256=${'a'.repeat(64)}`,
  receivedAt: 1_700_000_000_500,
};

describe('fan-out gate', () => {
  it('releases the clones on exactly 200 and on nothing else', () => {
    expect(releasesClones(200)).toBe(true);
    for (const status of [201, 202, 204, 301, 302, 400, 500, 503]) expect(releasesClones(status)).toBe(false);
  });

  it('sends no clones while multiple webhooks are disabled', () => {
    const destinations = [{ name: 'a', url: 'https://a.example.com', headers: {} }];
    expect(clonesOf({ enabled: false, destinations })).toEqual([]);
    expect(clonesOf({ enabled: true, destinations })).toEqual(destinations);
  });

  it('adds the shared headers to the configured ones', () => {
    expect(
      deliveryHeaders({ url: 'https://a.example.com', headers: { Authorization: 'Bearer x' } }, notification, 1_700_000_000_900),
    ).toEqual({
      'content-type': 'application/json',
      'user-agent': 'multi-webhook/1',
      authorization: 'Bearer x',
      'webhook-id': 'n-1',
      'x-multi-webhook-delivery': '1',
      'webhook-timestamp': '1700000000',
      'x-hub-signature-256': notification.signature,
    });
  });

  it('stamps webhook-timestamp with the time of the attempt, not the time the notification arrived', () => {
    const hoursLater = notification.receivedAt + 3 * 60 * 60 * 1000 + 250;
    const headers = deliveryHeaders({ url: 'https://a.example.com', headers: {} }, notification, hoursLater);
    expect(headers['webhook-timestamp']).toBe(String(Math.floor(hoursLater / 1000)));
    expect(headers['webhook-id']).toBe(notification.id);
  });

  it('lets a configured Content-Type win and leaves out a missing signature', () => {
    const headers = deliveryHeaders(
      { url: 'https://a.example.com', headers: { 'Content-Type': 'application/json; charset=utf-8' } },
      { ...notification, signature: undefined },
      notification.receivedAt,
    );
    expect(headers['content-type']).toBe('application/json; charset=utf-8');
    expect(headers).not.toHaveProperty('x-hub-signature-256');
  });
});
