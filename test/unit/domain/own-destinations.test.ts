import { describe, expect, it } from 'vitest';
import { Invalid } from '../../../shared/domain/errors.js';
import { refuseOwnDestinations } from '../../../shared/domain/own-destinations.js';

const own = ['abc123.execute-api.eu-west-1.amazonaws.com', 'hooks.example.com'];

describe('refuseOwnDestinations', () => {
  it.each([
    'https://abc123.execute-api.eu-west-1.amazonaws.com/webhooks/whatsapp',
    'https://ABC123.execute-api.eu-west-1.amazonaws.com/multi_webhook',
    'https://hooks.example.com/anything?at=all',
  ])('refuses %s, one of the deployment hosts, whatever the path or case', (url) => {
    expect(() => refuseOwnDestinations([url], own)).toThrow(Invalid);
  });

  it('accepts other hosts, another API Gateway among them, and leaves absent URLs alone', () => {
    expect(() =>
      refuseOwnDestinations(
        ['https://other.execute-api.eu-west-1.amazonaws.com/', 'https://example.com/hooks.example.com', undefined],
        own,
      ),
    ).not.toThrow();
  });

  it('tells hosts apart by port when the own host has one', () => {
    expect(() => refuseOwnDestinations(['http://127.0.0.1:3000/x'], ['127.0.0.1:3000'])).toThrow(Invalid);
    expect(() => refuseOwnDestinations(['http://127.0.0.1:9000/x'], ['127.0.0.1:3000'])).not.toThrow();
  });
});
