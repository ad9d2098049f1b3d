import { describe, expect, it } from 'vitest';
import { smokeNotification, throwawayNumber } from '../../../cli/smoke.js';
import { isPhoneNumber } from '../../../shared/domain/phone-number.js';
import { parseWebhookBody } from '../../../shared/domain/whatsapp.js';
import { routeChanges } from '../../../shared/domain/whatsapp-routing.js';

describe("the smoke test's notification", () => {
  it('routes to its number alone and teaches ingest no WABA membership', () => {
    const routing = routeChanges(parseWebhookBody(Buffer.from(smokeNotification('15550101234', Date.now()))));
    expect(routing.changes.map((change) => change.phoneNumber)).toEqual(['15550101234']);
    expect(routing.memberships).toEqual([]);
    expect(routing.wabaLevel).toEqual([]);
  });

  it('differs on every run, so ingest never answers it as a duplicate', () => {
    expect(smokeNotification('15550101234', 1)).not.toBe(smokeNotification('15550101234', 2));
  });

  it('uses throwaway numbers in the fictional 555-01xx range', () => {
    const number = throwawayNumber();
    expect(number).toMatch(/^155501\d{5}$/);
    expect(isPhoneNumber(number)).toBe(true);
  });
});
