// The gate of the product: who receives a notification, and what releases the clones.
import type { Destination, PhoneConfig, WebhookTarget } from './webhook.js';
import type { Notification } from './notification.js';

/**
 * Every delivery says it is one, so ingest can refuse a delivery that came back to it (a loop the
 * configuration-time check could not see, such as a receiver that forwards to our ingest).
 */
export const DELIVERY_MARKER_HEADER = 'x-multi-webhook-delivery';

/** Only exactly 200 from the primary releases the clones (other 2xx included, everything else holds them). */
export function releasesClones(primaryStatus: number): boolean {
  return primaryStatus === 200;
}

/** The clones a notification goes to once the primary accepted it: none while disabled. */
export function clonesOf(config: PhoneConfig): Destination[] {
  return config.enabled ? config.destinations : [];
}

/**
 * The headers of one attempt: the webhook's own headers, then the ones the delivery sets (body type,
 * the original signature, webhook-id, and webhook-timestamp: the time of this attempt, epoch ms
 * `attemptAt`, so a signed retry hours later still falls within a receiver's tolerance).
 */
export function deliveryHeaders(
  target: WebhookTarget,
  notification: Notification,
  attemptAt: number,
  /** `webhook-signature` of a signing webhook, computed over this attempt's timestamp. */
  signature?: string,
): Record<string, string> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'multi-webhook/1',
  };
  // A configured Content-Type wins (360dialog's own example configures one); the rest is reserved.
  for (const [name, value] of Object.entries(target.headers)) headers[name.toLowerCase()] = value;
  headers['webhook-id'] = notification.id;
  headers[DELIVERY_MARKER_HEADER] = '1';
  headers['webhook-timestamp'] = String(timestampOf(attemptAt));
  if (signature) headers['webhook-signature'] = signature;
  if (notification.signature) headers['x-hub-signature-256'] = notification.signature;
  return headers;
}

/** `webhook-timestamp`'s value for an attempt at epoch ms `at`: whole seconds. */
export function timestampOf(at: number): number {
  return Math.floor(at / 1000);
}
