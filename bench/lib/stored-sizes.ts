// What a dead receiver's copy stores, in bytes as DynamoDB bills them: the parked item and the
// delivery log's kept notification, built by the store's own code from a realistic WhatsApp body,
// so the cost model and the simulation bill what the code writes (compression included).
import { createHash } from 'node:crypto';
import { PRIMARY } from '../../shared/domain/destination.js';
import { keptNotificationItem } from '../../shared/store/delivery-log-store.js';
import { parkedItem } from '../../shared/store/health-items.js';
import { parkedSortKey } from '../../shared/store/item-keys.js';
import { metaBody, statusSamples } from '../../test/helpers/whatsapp-samples.js';
import { itemBytes } from './item-bytes.js';

const PHONE = '4915123456789';
const WABA_ID = '102290129340398';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}/g;

/**
 * A body of message statuses in the samples' shapes (sent and delivered with pricing, read, played,
 * failed with its error, then again): the fewest that make at least `bytes`, the statuses Meta
 * batches into one notification. The samples' random ids are replaced by ids drawn from a fixed
 * sequence, as incompressible, so that every run bills the same bytes.
 */
export function statusesBody(bytes: number): string {
  const changes = [];
  let body = '';
  while (Buffer.byteLength(body) < bytes) {
    changes.push(statusSamples(PHONE)[changes.length % 5]!.change);
    body = metaBody([{ wabaId: WABA_ID, changes }]).toString('utf8');
  }
  return fixedIds(body);
}

function fixedIds(body: string): string {
  let index = 0;
  return body.replace(UUID, (id) => {
    const hex = createHash('sha256').update(`id-${index++}`).digest('hex');
    return id.includes('-')
      ? [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20, 32)].join('-')
      : hex.slice(0, 32);
  });
}

export interface StoredSizes {
  /** The representative body's bytes, and its stored (compressed) form's. */
  bodyBytes: number;
  storedPayloadBytes: number;
  /** The parked item of a primary's copy, as the park's transaction writes it. */
  parkedItemBytes: number;
  /** The delivery log's item that keeps the notification for replay. */
  keptNotificationBytes: number;
}

/** The items of one dead copy of a `bytes` statuses body, as the stores build them, sized as DynamoDB bills them. */
export function storedSizes(bytes: number): StoredSizes {
  const payload = statusesBody(bytes);
  const receivedAt = Date.UTC(2026, 11, 1);
  // Ingest's id (32 hex digits of a SHA-256) and Meta's signature.
  const notification = { phoneNumber: PHONE, id: 'f'.repeat(32), receivedAt, signature: `sha256=${'0'.repeat(64)}`, payload };
  const parked = { ...notification, destination: PRIMARY, attempt: 6, windowStart: receivedAt, deadline: receivedAt + 7 * 24 * 3600_000 };
  const item = parkedItem(parked, parkedSortKey('', receivedAt, notification.id));
  return {
    bodyBytes: Buffer.byteLength(payload),
    storedPayloadBytes: itemBytes({ p: item.p }) - 1,
    parkedItemBytes: itemBytes(item),
    keptNotificationBytes: itemBytes(keptNotificationItem(notification, Math.floor(receivedAt / 1000) + 30 * 24 * 3600)),
  };
}
